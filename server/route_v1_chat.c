/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_v1_chat.c — POST /v1/chat/completions and POST
 * /v1/completions: OpenAI-compatible text generation, whole or streamed.
 *
 * Contract: the body is validated completely before the model is asked;
 * anything out of shape is 400 with the OpenAI error shape, a German
 * message and the offending field in "param". Supported: messages (roles
 * system, developer, user, assistant; text content as a string or as text
 * parts), prompt (one string), max_tokens / max_completion_tokens,
 * temperature (0 is greedy), top_p, top_k, min_p, repeat_penalty, seed,
 * stop (string or list), stream (+ stream_options.include_usage),
 * response_format (text, json_object, json_schema), n = 1. Features the
 * engine lacks (tools, logprobs, n > 1, penalties other than
 * repeat_penalty) are refused rather than ignored.
 * Without a seed every request draws a fresh one, as OpenAI does.
 * Governance: "model" names the application (server/v1_gate.c); the
 * worker screens the message texts (or the prompt) at the gate, runs the
 * model through the session (approved system prompt first, approved
 * limits) and closes it into a labelled draft; the reply carries the
 * "lotse" object (label, draft id, Art. 50 notice), a stream in its last
 * chunk before [DONE]. Text that was produced before a cancellation is
 * still stored and audited.
 * Spec: server/api/v1-chat-completions.json, v1-completions.json.
 */
#include "server/v1_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define MAX_TOKENS_LIMIT (1 << 20)
#define STOP_MAX_BYTES 256

/* ----------------------------------------------------- field helpers */

/* The member key of o, or NULL when absent or JSON null. */
static json_t *field(const v1_job_t *j, const char *key) {
  json_t *v = json_object_get(j->body, key);
  return json_is_null(v) ? NULL : v;
}

/* A number in [lo, hi]: 1 when given, 0 when absent, -1 (b filled) when
 * out of shape. */
static int get_number(const v1_job_t *j, const char *key, double lo, double hi,
                      double *out, v1_bad_t *b) {
  json_t *v = field(j, key);
  if (!v) return 0;
  double x = json_is_number(v) ? json_number_value(v) : NAN;
  if (!(x >= lo && x <= hi))
    return v1_bad(b, key, "'%s' muss eine Zahl von %g bis %g sein", key, lo,
                  hi);
  *out = x;
  return 1;
}

static int get_int(const v1_job_t *j, const char *key, long long lo,
                   long long hi, long long *out, v1_bad_t *b) {
  json_t *v = field(j, key);
  if (!v) return 0;
  long long x = json_is_integer(v) ? (long long)json_integer_value(v) : lo - 1;
  if (!json_is_integer(v) || x < lo || x > hi)
    return v1_bad(b, key, "'%s' muss eine ganze Zahl von %lld bis %lld sein",
                  key, lo, hi);
  *out = x;
  return 1;
}

static int get_bool(const v1_job_t *j, const char *key, int *out, v1_bad_t *b) {
  json_t *v = field(j, key);
  if (!v) return 0;
  if (!json_is_boolean(v))
    return v1_bad(b, key, "'%s' muss true oder false sein", key);
  *out = json_is_true(v);
  return 1;
}

/* ---------------------------------------------------------- messages */

/* The text of a content made of parts [{type: "text", text}], joined by
 * newlines into an owned string kept in j->parts. */
static const char *content_parts(v1_job_t *j, json_t *arr, v1_bad_t *b) {
  lotse_buf_t t;
  lotse_buf_init(&t, 0);
  size_t i;
  json_t *p;
  json_array_foreach(arr, i, p) {
    const char *type = json_string_value(json_object_get(p, "type"));
    json_t *text = json_object_get(p, "text");
    if (!type || strcmp(type, "text") || !json_is_string(text)) {
      lotse_buf_release(&t);
      v1_bad(b, "messages",
             "Nur Text-Inhalte werden unterstützt "
             "({\"type\": \"text\", \"text\": …})");
      return NULL;
    }
    if ((i && lotse_buf_putc(&t, '\n')) ||
        lotse_buf_append(&t, json_string_value(text),
                         json_string_length(text))) {
      lotse_buf_release(&t);
      v1_bad(b, "messages", "Nachricht zu lang");
      return NULL;
    }
  }
  char *s = t.data ? lotse_buf_detach(&t) : lotse_strdup("");
  if (!s) {
    v1_bad(b, "messages", "Nicht genug Speicher");
    return NULL;
  }
  j->parts[j->n_parts++] = s;
  return s;
}

static const char *message_role(const char *role) {
  static const char *const OK[] = {"system", "user", "assistant"};
  if (!role) return NULL;
  if (strcmp(role, "developer") == 0) return "system";
  for (size_t i = 0; i < sizeof OK / sizeof OK[0]; i++)
    if (strcmp(role, OK[i]) == 0) return OK[i];
  return NULL;
}

static int parse_message(v1_job_t *j, size_t i, json_t *m, v1_bad_t *b) {
  if (!json_is_object(m))
    return v1_bad(b, "messages", "messages[%zu] muss ein Objekt sein", i);
  const char *role =
      message_role(json_string_value(json_object_get(m, "role")));
  if (!role)
    return v1_bad(b, "messages",
                  "messages[%zu].role muss system, developer, user oder "
                  "assistant sein",
                  i);
  json_t *c = json_object_get(m, "content");
  const char *text = NULL;
  if (json_is_string(c))
    text = json_string_value(c);
  else if (json_is_array(c))
    text = content_parts(j, c, b);
  else if ((!c || json_is_null(c)) && strcmp(role, "assistant") == 0)
    text = "";
  if (!text && b->msg[0]) return -1;
  if (!text)
    return v1_bad(b, "messages",
                  "messages[%zu].content muss ein Text oder eine Liste von "
                  "Textteilen sein",
                  i);
  j->msgs[i].role = role;
  j->msgs[i].content = text;
  return 0;
}

static int parse_messages(v1_job_t *j, v1_bad_t *b) {
  json_t *arr = field(j, "messages");
  size_t n = json_array_size(arr);
  if (!json_is_array(arr) || n == 0)
    return v1_bad(b, "messages",
                  "'messages' fehlt oder ist keine nicht-leere Liste");
  if (n > V1_MAX_MESSAGES)
    return v1_bad(b, "messages", "Höchstens %d Nachrichten", V1_MAX_MESSAGES);
  j->msgs = calloc(n, sizeof *j->msgs);
  j->parts = calloc(n, sizeof *j->parts);
  if (!j->msgs || !j->parts)
    return v1_bad(b, "messages", "Nicht genug Speicher");
  for (size_t i = 0; i < n; i++)
    if (parse_message(j, i, json_array_get(arr, i), b)) return -1;
  j->req.msgs = j->msgs;
  j->req.n_msgs = n;
  return 0;
}

static int parse_prompt(v1_job_t *j, v1_bad_t *b) {
  json_t *p = field(j, "prompt");
  if (json_is_array(p) && json_array_size(p) == 1) p = json_array_get(p, 0);
  if (!json_is_string(p))
    return v1_bad(b, "prompt",
                  "'prompt' muss ein Text sein (oder eine Liste "
                  "mit genau einem Text)");
  j->req.prompt = json_string_value(p);
  return 0;
}

/* ------------------------------------------------- sampling and limits */

static int parse_sampling(v1_job_t *j, v1_bad_t *b) {
  llm_sampling_t *s = &j->req.sampling;
  *s = llm_sampling_default();
  double x = 0;
  long long n = 0;
  int rc;
  if ((rc = get_number(j, "temperature", 0, 2, &x, b)) < 0) return -1;
  if (rc) s->temp = (float)x;
  if ((rc = get_number(j, "top_p", 0, 1, &x, b)) < 0) return -1;
  if (rc) s->top_p = (float)x;
  if ((rc = get_number(j, "min_p", 0, 1, &x, b)) < 0) return -1;
  if (rc) s->min_p = (float)x;
  if ((rc = get_int(j, "top_k", 0, 1000000, &n, b)) < 0) return -1;
  if (rc) s->top_k = (int)n;
  const char *rp =
      field(j, "repetition_penalty") ? "repetition_penalty" : "repeat_penalty";
  if ((rc = get_number(j, rp, 0.01, 10, &x, b)) < 0) return -1;
  if (rc) s->repeat_penalty = (float)x;
  static const char *const PENALTIES[] = {"frequency_penalty",
                                          "presence_penalty"};
  for (size_t i = 0; i < 2; i++) {
    if ((rc = get_number(j, PENALTIES[i], -2, 2, &x, b)) < 0) return -1;
    if (rc && x != 0)
      return v1_bad(b, PENALTIES[i],
                    "'%s' wird nicht unterstützt (nur 0); siehe "
                    "repeat_penalty",
                    PENALTIES[i]);
  }
  json_t *seed = field(j, "seed");
  if (seed && !json_is_integer(seed))
    return v1_bad(b, "seed", "'seed' muss eine ganze Zahl sein");
  if (seed)
    s->seed = (uint64_t)json_integer_value(seed);
  else if (getrandom(&s->seed, sizeof s->seed, GRND_NONBLOCK) !=
           (ssize_t)sizeof s->seed)
    s->seed = (uint64_t)lotse_now_unix() ^ (uint64_t)(uintptr_t)j;
  return 0;
}

static int parse_stop(v1_job_t *j, v1_bad_t *b) {
  json_t *st = field(j, "stop");
  if (!st) return 0;
  size_t n = json_is_string(st) ? 1 : json_array_size(st);
  if (!json_is_string(st) && !json_is_array(st))
    return v1_bad(b, "stop",
                  "'stop' muss ein Text oder eine Liste von "
                  "Texten sein");
  if (n > V1_MAX_STOP)
    return v1_bad(b, "stop", "Höchstens %d Stopp-Texte", V1_MAX_STOP);
  if (!n) return 0;
  j->stops = calloc(n, sizeof *j->stops);
  if (!j->stops) return v1_bad(b, "stop", "Nicht genug Speicher");
  for (size_t i = 0; i < n; i++) {
    json_t *s = json_is_string(st) ? st : json_array_get(st, i);
    size_t len = json_string_length(s);
    if (!json_is_string(s) || len == 0 || len > STOP_MAX_BYTES)
      return v1_bad(b, "stop",
                    "Stopp-Texte müssen Texte von 1 bis %d Bytes sein",
                    STOP_MAX_BYTES);
    j->stops[i] = json_string_value(s);
  }
  j->req.stop = j->stops;
  j->req.n_stop = n;
  return 0;
}

static int parse_limits(v1_job_t *j, v1_bad_t *b) {
  long long n = 0;
  int rc = get_int(j, "max_completion_tokens", 1, MAX_TOKENS_LIMIT, &n, b);
  if (!rc) rc = get_int(j, "max_tokens", 1, MAX_TOKENS_LIMIT, &n, b);
  if (rc < 0) return -1;
  j->req.max_tokens = rc ? (int)n : 0;
  if ((rc = get_int(j, "n", 1, 1, &n, b)) < 0)
    return v1_bad(b, "n", "Nur n = 1 wird unterstützt");
  if (get_bool(j, "stream", &j->stream, b) < 0) return -1;
  json_t *so = field(j, "stream_options");
  if (so) {
    json_t *iu = json_object_get(so, "include_usage");
    if (!json_is_object(so) || (iu && !json_is_boolean(iu)))
      return v1_bad(b, "stream_options",
                    "'stream_options' muss {\"include_usage\": true|false} "
                    "sein");
    j->include_usage = json_is_true(iu);
  }
  return parse_stop(j, b);
}

static int parse_format(v1_job_t *j, v1_bad_t *b) {
  json_t *rf = field(j, "response_format");
  if (!rf) return 0;
  const char *type = json_string_value(json_object_get(rf, "type"));
  if (!json_is_object(rf) || !type)
    return v1_bad(b, "response_format",
                  "'response_format' muss ein Objekt mit 'type' sein");
  if (strcmp(type, "text") == 0) return 0;
  if (strcmp(type, "json_object") == 0) {
    j->schema = lotse_strdup("{\"type\":\"object\"}");
  } else if (strcmp(type, "json_schema") == 0) {
    json_t *schema =
        json_object_get(json_object_get(rf, "json_schema"), "schema");
    if (!json_is_object(schema))
      return v1_bad(b, "response_format",
                    "'response_format.json_schema.schema' muss ein "
                    "JSON-Schema-Objekt sein");
    j->schema = json_dumps(schema, JSON_COMPACT);
  } else {
    return v1_bad(b, "response_format",
                  "'response_format.type' muss text, json_object oder "
                  "json_schema sein");
  }
  if (!j->schema) return v1_bad(b, "response_format", "Nicht genug Speicher");
  j->req.json_schema = j->schema;
  return 0;
}

/* Features the engine does not have: refuse rather than ignore. */
static int parse_unsupported(v1_job_t *j, v1_bad_t *b) {
  static const char *const NONEMPTY[] = {"tools", "functions"};
  for (size_t i = 0; i < 2; i++)
    if (json_array_size(field(j, NONEMPTY[i])))
      return v1_bad(b, NONEMPTY[i], "Werkzeuge ('%s') werden nicht unterstützt",
                    NONEMPTY[i]);
  json_t *lp = field(j, "logprobs");
  if (lp && !json_is_false(lp))
    return v1_bad(b, "logprobs", "'logprobs' wird nicht unterstützt");
  if (field(j, "top_logprobs"))
    return v1_bad(b, "top_logprobs", "'top_logprobs' wird nicht unterstützt");
  if (j->kind != V1_COMPLETION) return 0;
  if (json_is_true(field(j, "echo")))
    return v1_bad(b, "echo", "'echo' wird nicht unterstützt");
  json_t *sfx = field(j, "suffix");
  if (sfx && !(json_is_string(sfx) && !json_string_length(sfx)))
    return v1_bad(b, "suffix", "'suffix' wird nicht unterstützt");
  long long n;
  if (get_int(j, "best_of", 1, 1, &n, b) < 0)
    return v1_bad(b, "best_of", "Nur best_of = 1 wird unterstützt");
  return 0;
}

int v1_chat_parse_or_reply(http_req_t *r, v1_job_t *j) {
  v1_bad_t b = {0};
  int rc = v1_body_parse(r, j, &b);
  if (!rc)
    rc = j->kind == V1_CHAT ? parse_messages(j, &b) : parse_prompt(j, &b);
  if (!rc) rc = parse_sampling(j, &b);
  if (!rc) rc = parse_limits(j, &b);
  if (!rc) rc = parse_format(j, &b);
  if (!rc) rc = parse_unsupported(j, &b);
  if (!rc) rc = v1_parse_app(j, r, &b);
  if (rc) {
    v1_reply_error(r, MHD_HTTP_BAD_REQUEST, b.param, "%s", b.msg);
    return -1;
  }
  j->req.on_text = j->stream ? v1_sse_on_text : v1_sse_on_cancel;
  j->req.ud = j;
  return 0;
}

/* ------------------------------------------------------------ running */

/* The texts the gate screens: the prompt, or every message's content. */
static char *gate_input(const v1_job_t *j, size_t *len) {
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  int bad = 0;
  if (!j->req.msgs) bad = lotse_buf_puts(&b, j->req.prompt);
  for (size_t i = 0; j->req.msgs && i < j->req.n_msgs && !bad; i++)
    bad = (i && lotse_buf_putc(&b, '\n')) ||
          lotse_buf_puts(&b, j->req.msgs[i].content);
  if (bad) {
    lotse_buf_release(&b);
    return NULL;
  }
  *len = b.len;
  return b.data ? lotse_buf_detach(&b) : lotse_strdup("");
}

void v1_chat_run(v1_job_t *j, gov_ctx_t *gc) {
  size_t len = 0;
  char *input = gate_input(j, &len);
  gov_gate_t *g = NULL;
  if (!input) {
    j->rc = lotse_err_set(&j->err, LOTSE_ENOMEM, "out of memory");
    return;
  }
  int open = v1_gate_open(j, gc, j->kind == V1_CHAT ? "v1_chat"
                                                    : "v1_completion",
                          input, len, &g);
  free(input);
  if (open) return;
  j->rc = gov_gate_generate(g, &j->req, &j->res, &j->err);
  int cancelled = j->rc == LOTSE_ECANCELED;
  int kept = (!j->rc || cancelled) && j->res.text;
  v1_gate_close(j, g, kept ? j->res.text : NULL);
  server_metrics_llm_record(&j->srv->metrics, j->res.prompt_tokens,
                            j->res.completion_tokens, cancelled);
  if (cancelled)
    lotse_log(LOTSE_LOG_INFO, "server: %s cancelled after %d tokens", j->id,
              j->res.completion_tokens);
}

/* ------------------------------------------------------------- replies */

json_t *v1_usage(int prompt_tokens, int completion_tokens) {
  return json_pack("{s:i, s:i, s:i}", "prompt_tokens", prompt_tokens,
                   "completion_tokens", completion_tokens, "total_tokens",
                   prompt_tokens + completion_tokens);
}

static const char *finish_reason(const v1_job_t *j) {
  return j->res.finish_reason[0] ? j->res.finish_reason : "stop";
}

/* The envelope shared by replies and chunks. */
static json_t *envelope(const v1_job_t *j, const char *object, json_t *choice) {
  json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:[o]}", "id", j->id, "object",
                        object, "created", (json_int_t)j->created, "model",
                        j->model ? j->model : "", "choices", choice);
  return o;
}

json_t *v1_chat_reply(const v1_job_t *j) {
  json_t *text = server_json_text(j->res.text);
  json_t *choice;
  if (j->kind == V1_CHAT)
    choice = json_pack("{s:i, s:{s:s, s:o}, s:n, s:s}", "index", 0, "message",
                       "role", "assistant", "content", text, "logprobs",
                       "finish_reason", finish_reason(j));
  else
    choice = json_pack("{s:o, s:i, s:n, s:s}", "text", text, "index", 0,
                       "logprobs", "finish_reason", finish_reason(j));
  json_t *o = envelope(
      j, j->kind == V1_CHAT ? "chat.completion" : "text_completion", choice);
  if (o && (json_object_set_new(
                o, "usage",
                v1_usage(j->res.prompt_tokens, j->res.completion_tokens)) ||
            json_object_set_new(o, "lotse", v1_lotse_json(j)))) {
    json_decref(o);
    return NULL;
  }
  return o;
}

json_t *v1_chat_chunk(const v1_job_t *j, const char *text, size_t len, int role,
                      const char *finish) {
  json_t *t = NULL;
  if (text) {
    char *s = lotse_strndup(text, len);
    t = s ? server_json_text(s) : NULL;
    free(s);
    if (!t) return NULL;
  }
  json_t *fr = finish ? json_string(finish) : json_null();
  json_t *choice;
  if (j->kind == V1_CHAT) {
    json_t *delta =
        role ? json_pack("{s:s, s:s}", "role", "assistant", "content", "")
        : t  ? json_pack("{s:O}", "content", t)
             : json_object();
    choice = json_pack("{s:i, s:o, s:n, s:o}", "index", 0, "delta", delta,
                       "logprobs", "finish_reason", fr);
  } else {
    choice = json_pack("{s:o, s:i, s:n, s:o}", "text",
                       t ? json_incref(t) : json_string(""), "index", 0,
                       "logprobs", "finish_reason", fr);
  }
  json_decref(t);
  return envelope(
      j, j->kind == V1_CHAT ? "chat.completion.chunk" : "text_completion",
      choice);
}

/* ------------------------------------------------------------ handlers */

static enum MHD_Result handle(http_req_t *r, v1_kind_t kind) {
  if (v1_model_or_reply(r)) return r->result;
  v1_job_t *j = v1_job_new(r, kind);
  if (!j)
    return v1_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
                          "Nicht genug Speicher");
  if (v1_chat_parse_or_reply(r, j)) return r->result;
  return v1_job_submit(r, j);
}

enum MHD_Result route_v1_chat(http_req_t *r) { return handle(r, V1_CHAT); }

enum MHD_Result route_v1_completions(http_req_t *r) {
  return handle(r, V1_COMPLETION);
}

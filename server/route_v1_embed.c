/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_v1_embed.c — POST /v1/embeddings: OpenAI-compatible
 * embeddings of one text or a list of texts.
 *
 * Contract: "input" is a non-empty string or a list of 1 to V1_MAX_INPUTS
 * non-empty strings (token arrays are refused); the answer has one
 * L2-normalised vector per input, in input order, as a float array or,
 * with "encoding_format": "base64", as base64 of little-endian float32
 * (what the official OpenAI clients ask for by default). "dimensions", when
 * given, must equal the model's. Extension: "pooling": "mean" (default) or
 * "last". usage.prompt_tokens (= total_tokens) counts the input tokens of
 * all inputs, BOS included, as the model saw them.
 * Governance: "model" names the application; the gate screens all inputs
 * (action "v1_embed"), the vectors come through the session
 * (gov_gate_embed) and the session closes without a draft (audit record
 * only). The reply carries the "lotse" object with draft_id null.
 * Spec: server/api/v1-embeddings.json.
 */
#include "server/v1_internal.h"

#include <stdlib.h>
#include <string.h>

static int parse_inputs(v1_job_t *j, v1_bad_t *b) {
  json_t *in = json_object_get(j->body, "input");
  size_t n = json_is_string(in) ? 1 : json_array_size(in);
  if (!json_is_string(in) && !json_is_array(in))
    return v1_bad(b, "input",
                  "'input' fehlt oder ist weder Text noch "
                  "Liste von Texten");
  if (n == 0 || n > V1_MAX_INPUTS)
    return v1_bad(b, "input", "'input' muss 1 bis %d Texte enthalten",
                  V1_MAX_INPUTS);
  j->inputs = calloc(n, sizeof *j->inputs);
  j->vecs = calloc(n, sizeof *j->vecs);
  if (!j->inputs || !j->vecs) return v1_bad(b, "input", "Nicht genug Speicher");
  j->n_inputs = n;
  for (size_t i = 0; i < n; i++) {
    json_t *s = json_is_string(in) ? in : json_array_get(in, i);
    if (!json_is_string(s) || json_string_length(s) == 0)
      return v1_bad(b, "input",
                    "'input' darf nur nicht-leere Texte enthalten (keine "
                    "Token-Listen)");
    j->inputs[i] = json_string_value(s);
  }
  return 0;
}

static int parse_options(v1_job_t *j, v1_bad_t *b) {
  json_t *fmt = json_object_get(j->body, "encoding_format");
  const char *f = json_string_value(fmt);
  if (fmt && !json_is_null(fmt) &&
      (!f || (strcmp(f, "float") && strcmp(f, "base64"))))
    return v1_bad(b, "encoding_format",
                  "'encoding_format' muss float oder base64 sein");
  j->base64 = f && strcmp(f, "base64") == 0;
  json_t *pool = json_object_get(j->body, "pooling");
  const char *p = json_string_value(pool);
  if (pool && !json_is_null(pool) &&
      (!p || (strcmp(p, "mean") && strcmp(p, "last"))))
    return v1_bad(b, "pooling", "'pooling' muss mean oder last sein");
  j->pool = p && strcmp(p, "last") == 0 ? LLM_EMBED_LAST : LLM_EMBED_MEAN;
  json_t *dims = json_object_get(j->body, "dimensions");
  if (dims && !json_is_null(dims) &&
      (!json_is_integer(dims) || json_integer_value(dims) < 1))
    return v1_bad(b, "dimensions",
                  "'dimensions' muss eine positive ganze "
                  "Zahl sein");
  return 0;
}

/* The texts the gate screens: every input, one per line. */
static char *gate_input(const v1_job_t *j, size_t *len) {
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  for (size_t i = 0; i < j->n_inputs; i++)
    if ((i && lotse_buf_putc(&b, '\n')) || lotse_buf_puts(&b, j->inputs[i])) {
      lotse_buf_release(&b);
      return NULL;
    }
  *len = b.len;
  return lotse_buf_detach(&b);
}

static void embed_all(v1_job_t *j, gov_gate_t *g) {
  for (size_t i = 0; i < j->n_inputs && !j->rc; i++) {
    pthread_mutex_lock(&j->lock);
    if (!j->cancel && v1_job_peer_gone(j)) j->cancel = 1;
    int cancel = j->cancel;
    pthread_mutex_unlock(&j->lock);
    if (cancel) {
      j->rc = lotse_err_set(&j->err, LOTSE_ECANCELED, "cancelled");
      break;
    }
    size_t dim = 0;
    int n_tok = 0;
    const char *t = j->inputs[i];
    j->rc = gov_gate_embed(g, t, strlen(t), j->pool, &j->vecs[i], &dim, &n_tok,
                           &j->err);
    j->prompt_tokens += n_tok;
    if (!j->rc && i && dim != j->dim)
      j->rc = lotse_err_set(&j->err, LOTSE_EINTERNAL,
                            "embedding sizes differ: %zu and %zu", j->dim, dim);
    if (!j->rc) {
      j->dim = dim;
      server_metrics_llm_embedding(&j->srv->metrics);
    }
  }
}

void v1_embed_run(v1_job_t *j, gov_ctx_t *gc) {
  size_t len = 0;
  char *input = gate_input(j, &len);
  gov_gate_t *g = NULL;
  if (!input) {
    j->rc = lotse_err_set(&j->err, LOTSE_ENOMEM, "out of memory");
    return;
  }
  int open = v1_gate_open(j, gc, "v1_embed", input, len, &g);
  free(input);
  if (open) return;
  j->rc = 0;
  embed_all(j, g);
  v1_gate_close(j, g, NULL);
  json_t *dims = json_object_get(j->body, "dimensions");
  if (!j->rc && dims && (size_t)json_integer_value(dims) != j->dim)
    j->rc = lotse_err_set(&j->err, LOTSE_EINVAL,
                          "the model's embeddings have %zu dimensions, not "
                          "%lld",
                          j->dim, (long long)json_integer_value(dims));
}

static json_t *vec_base64(const float *v, size_t n) {
  static const char B64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const unsigned char *p = (const unsigned char *)v; /* x86/arm: LE */
  size_t len = n * sizeof *v, k = 0;
  char *out = malloc((len + 2) / 3 * 4 + 1);
  if (!out) return NULL;
  for (size_t i = 0; i < len; i += 3) {
    unsigned x = (unsigned)p[i] << 16;
    if (i + 1 < len) x |= (unsigned)p[i + 1] << 8;
    if (i + 2 < len) x |= p[i + 2];
    out[k++] = B64[x >> 18 & 63];
    out[k++] = B64[x >> 12 & 63];
    out[k++] = i + 1 < len ? B64[x >> 6 & 63] : '=';
    out[k++] = i + 2 < len ? B64[x & 63] : '=';
  }
  json_t *s = json_stringn(out, k);
  free(out);
  return s;
}

static json_t *vec_json(const v1_job_t *j, const float *v) {
  if (j->base64) return vec_base64(v, j->dim);
  json_t *a = json_array();
  for (size_t i = 0; a && i < j->dim; i++)
    if (json_array_append_new(a, json_real(v[i]))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

json_t *v1_embed_reply(const v1_job_t *j) {
  json_t *data = json_array();
  for (size_t i = 0; data && i < j->n_inputs; i++) {
    json_t *e = json_pack("{s:s, s:I, s:o}", "object", "embedding", "index",
                          (json_int_t)i, "embedding", vec_json(j, j->vecs[i]));
    if (json_array_append_new(data, e)) {
      json_decref(data);
      return NULL;
    }
  }
  if (!data) return NULL;
  return json_pack("{s:s, s:o, s:s, s:{s:i, s:i}, s:o}", "object", "list",
                   "data", data, "model", j->model ? j->model : "", "usage",
                   "prompt_tokens", j->prompt_tokens, "total_tokens",
                   j->prompt_tokens, "lotse", v1_lotse_json(j));
}

enum MHD_Result route_v1_embeddings(http_req_t *r) {
  if (v1_model_or_reply(r)) return r->result;
  v1_job_t *j = v1_job_new(r, V1_EMBEDDING);
  if (!j)
    return v1_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
                          "Nicht genug Speicher");
  v1_bad_t b = {0};
  if (v1_body_parse(r, j, &b) || parse_inputs(j, &b) || parse_options(j, &b) ||
      v1_parse_app(j, r, &b))
    return v1_reply_error(r, MHD_HTTP_BAD_REQUEST, b.param, "%s", b.msg);
  return v1_job_submit(r, j);
}

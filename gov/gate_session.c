/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/gate_session.c — an open gate session: admitting retrieved sources,
 * running the model under the application's approved configuration, and
 * closing into a labelled draft plus the audit record.
 *
 * Contract: see gov/gate.h. Sources above the application's data classes
 * and passages carrying hidden instructions are never admitted; each
 * gov_gate_sources() call that drops sources writes one audit record per
 * reason (refuse, "source_class" / "injection") naming the dropped sources.
 * gov_gate_generate() always runs with the approved system prompt first and
 * within the approved max_tokens, and only the approved model(s) may run.
 * gov_gate_close() writes the audit record even when storing the draft
 * fails (the record then says so); a draft whose audit record cannot be
 * written is rolled back. It frees the session in every case.
 */
#include "gov/gate_internal.h"

#include "gov/review.h"
#include "text/inject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- sources */

static int push_asrc(gov_audit_source_t **v, size_t *n, size_t *cap,
                     const gov_source_t *s) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 16;
    gov_audit_source_t *nv = realloc(*v, nc * sizeof *nv);
    if (!nv) return LOTSE_ENOMEM;
    *v = nv;
    *cap = nc;
  }
  (*v)[(*n)++] = (gov_audit_source_t){.doc = s->doc_id, .chunk = s->chunk_id};
  return 0;
}

static int admit(gov_gate_t *g, const gov_source_t *s) {
  json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:i, s:s}", "doc",
                        (json_int_t)s->doc_id, "chunk", (json_int_t)s->chunk_id,
                        "title", s->title ? s->title : "", "section",
                        s->section ? s->section : "", "page", s->page, "class",
                        store_class_name(s->data_class));
  if (!o || json_array_append_new(g->sources, o)) return LOTSE_ENOMEM;
  return push_asrc(&g->asrc, &g->nasrc, &g->capasrc, s);
}

/* Whether passage text holds hidden instructions (score over the
 * threshold); *bad set, or an error. */
static int passage_suspicious(const char *text, int *bad, lotse_err_t *err) {
  text_inject_list_t l = {0};
  int rc = text && *text ? text_inject_scan(text, strlen(text), 0, &l, err) : 0;
  *bad = !rc && text_inject_suspicious(&l);
  text_inject_list_release(&l);
  return rc;
}

static int audit_dropped(gov_gate_t *g, gov_refusal_t why,
                         const gov_audit_source_t *v, size_t n,
                         lotse_err_t *err) {
  if (n == 0) return 0;
  char msg[LOTSE_ERR_MSG_MAX];
  if (why == GOV_REFUSE_SOURCE_CLASS)
    snprintf(msg, sizeof msg,
             "%zu gefundene Quelle%s %s höher eingestuft, als die Anwendung "
             "„%s“ verarbeiten darf, und wurde%s nicht verwendet.",
             n, n > 1 ? "n" : "", n > 1 ? "sind" : "ist", g->app.slug,
             n > 1 ? "n" : "");
  else
    snprintf(msg, sizeof msg,
             "%zu gefundene Quelle%s %s versteckte Anweisungen und wurde%s "
             "nicht verwendet.",
             n, n > 1 ? "n" : "", n > 1 ? "enthalten" : "enthält",
             n > 1 ? "n" : "");
  return gate_audit(g, GOV_AUDIT_DECISION_REFUSE, gov_refusal_code(why), msg,
                    v, n, NULL, err);
}

int gov_gate_sources(gov_gate_t *g, const gov_source_t *src, size_t n,
                     unsigned char *keep, lotse_err_t *err) {
  if (!g || (n && (!src || !keep)))
    return lotse_err_set(err, LOTSE_EINVAL, "gov_gate_sources: bad arguments");
  gov_audit_source_t *drop[2] = {NULL, NULL};
  size_t nd[2] = {0, 0}, cd[2] = {0, 0};
  int rc = 0, admitted = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    const gov_source_t *s = &src[i];
    keep[i] = 0;
    int cls = s->data_class, bad = 0;
    if (cls < 0 || cls >= GOV_CLASS_COUNT || !(g->app.data_classes & (1u << cls))) {
      rc = push_asrc(&drop[0], &nd[0], &cd[0], s);
      continue;
    }
    if ((rc = passage_suspicious(s->text, &bad, err))) break;
    if (bad) {
      rc = push_asrc(&drop[1], &nd[1], &cd[1], s);
      continue;
    }
    if (!(rc = admit(g, s))) {
      keep[i] = 1;
      admitted++;
    }
  }
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  if (!rc) rc = audit_dropped(g, GOV_REFUSE_SOURCE_CLASS, drop[0], nd[0], err);
  if (!rc) rc = audit_dropped(g, GOV_REFUSE_INJECTION, drop[1], nd[1], err);
  g->dropped_class += (int)nd[0];
  g->dropped_inject += (int)nd[1];
  free(drop[0]);
  free(drop[1]);
  if (rc) {
    for (size_t i = 0; i < n; i++) keep[i] = 0;
    return rc;
  }
  return admitted;
}

/* ---------------------------------------------------------------- model */

int gov_gate_model_allowed(char *const *models, const char *id) {
  if (!models || !models[0]) return 1;
  for (char *const *m = models; *m; m++) {
    const char *base = lotse_path_base(*m);
    size_t bl = strlen(base);
    if (bl > 5 && !strcmp(base + bl - 5, ".gguf")) bl -= 5;
    if (!strcmp(*m, id) || (strlen(id) == bl && !strncmp(base, id, bl)))
      return 1;
  }
  return 0;
}

/* The messages with the approved system prompt first: a caller's own
 * system message is kept only after it (merged into one message). */
static int with_system(const gov_gate_t *g, const llm_request_t *req,
                       llm_chat_msg_t **msgs, char **merged) {
  const char *sp = gov_gate_system_prompt(g);
  *msgs = NULL;
  *merged = NULL;
  size_t n = req->n_msgs;
  int has_sys = n > 0 && !strcmp(req->msgs[0].role, "system");
  if (!*sp || (has_sys && !strncmp(req->msgs[0].content, sp, strlen(sp))))
    return 0;
  llm_chat_msg_t *v = calloc(n + 1, sizeof *v);
  if (!v) return LOTSE_ENOMEM;
  size_t k = 0;
  if (has_sys) {
    lotse_buf_t b;
    lotse_buf_init(&b, GOV_DRAFT_TEXT_MAX * 2u);
    if (lotse_buf_printf(&b, "%s\n\n%s", sp, req->msgs[0].content)) {
      lotse_buf_release(&b);
      free(v);
      return LOTSE_ENOMEM;
    }
    *merged = lotse_buf_detach(&b);
    v[k++] = (llm_chat_msg_t){"system", *merged};
  } else {
    v[k++] = (llm_chat_msg_t){"system", sp};
  }
  for (size_t i = has_sys ? 1 : 0; i < n; i++) v[k++] = req->msgs[i];
  *msgs = v;
  return (int)k;
}

static int config_int(const gov_gate_t *g, const char *key) {
  json_t *v = g->app.config ? json_object_get(g->app.config, key) : NULL;
  return json_is_integer(v) ? (int)json_integer_value(v) : 0;
}

/* The backend's model id into *id when a model is configured and approved
 * for the application; LOTSE_EUNSUPPORTED / LOTSE_EREFUSED otherwise. */
static int session_model(const gov_gate_t *g, const char **id,
                         lotse_err_t *err) {
  if (!g->c->llm)
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "für die Anwendung „%s“ ist kein Sprachmodell "
                         "eingerichtet",
                         g->app.slug);
  *id = llm_model_id(g->c->llm);
  if (!*id) *id = "";
  if (gov_gate_model_allowed(g->app.models, *id)) return 0;
  return lotse_err_set(err, LOTSE_EREFUSED,
                       "das Modell „%s“ ist für die Anwendung „%s“ nicht "
                       "freigegeben",
                       *id, g->app.slug);
}

int gov_gate_embed(gov_gate_t *g, const char *text, size_t len,
                   llm_embed_pool_t pool, float **vec, size_t *dim,
                   int *n_tokens, lotse_err_t *err) {
  if (n_tokens) *n_tokens = 0;
  if (!g || (!text && len) || !vec || !dim)
    return lotse_err_set(err, LOTSE_EINVAL, "gov_gate_embed: bad arguments");
  const char *id = NULL;
  int rc = session_model(g, &id, err);
  if (rc) return rc;
  snprintf(g->model, sizeof g->model, "%s", id);
  int n = 0;
  rc = llm_embed(g->c->llm, text ? text : "", len, pool, vec, dim, &n, err);
  if (!rc) g->prompt_tokens += n;
  if (n_tokens) *n_tokens = n;
  return rc;
}

int gov_gate_generate(gov_gate_t *g, const llm_request_t *req,
                      llm_result_t *res, lotse_err_t *err) {
  if (!g || !req || !res)
    return lotse_err_set(err, LOTSE_EINVAL, "gov_gate_generate: bad arguments");
  const char *id = NULL;
  int src = session_model(g, &id, err);
  if (src) return src;
  llm_request_t r = *req;
  llm_chat_msg_t *msgs = NULL;
  char *merged = NULL, *prompt = NULL;
  int rc = 0;
  if (req->msgs) {
    int k = with_system(g, req, &msgs, &merged);
    if (k < 0) return lotse_err_set(err, k, "out of memory");
    if (msgs) {
      r.msgs = msgs;
      r.n_msgs = (size_t)k;
    }
  } else if (req->prompt && *gov_gate_system_prompt(g) &&
             strncmp(req->prompt, gov_gate_system_prompt(g),
                     strlen(gov_gate_system_prompt(g)))) {
    size_t a = strlen(gov_gate_system_prompt(g)), b = strlen(req->prompt);
    if (!(prompt = malloc(a + b + 3))) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    memcpy(prompt, gov_gate_system_prompt(g), a);
    memcpy(prompt + a, "\n\n", 2);
    memcpy(prompt + a + 2, req->prompt, b + 1);
    r.prompt = prompt;
  }
  int cap = config_int(g, "max_tokens");
  if (cap > 0 && (r.max_tokens <= 0 || r.max_tokens > cap)) r.max_tokens = cap;
  snprintf(g->model, sizeof g->model, "%s", id);
  rc = llm_generate(g->c->llm, &r, res, err);
  if (!rc || rc == LOTSE_ECANCELED) {
    g->prompt_tokens += res->prompt_tokens;
    g->completion_tokens += res->completion_tokens;
  }
  free(msgs);
  free(merged);
  free(prompt);
  return rc;
}

/* ---------------------------------------------------------------- close */

static int store_draft(gov_gate_t *g, const char *output, int64_t *id,
                       lotse_err_t *err) {
  char *src = json_dumps(g->sources, JSON_COMPACT);
  if (!src) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  gov_draft_in_t d = {.app = g->app.slug,
                      .app_version = g->app.version,
                      .user = g->user,
                      .unit = g->unit,
                      .risk_class = g->app.risk_class,
                      .notice = g->notice,
                      .text = output,
                      .sources = src};
  int rc = gov_review_draft_add(g->c->st, &d, id, err);
  free(src);
  return rc;
}

int gov_gate_close(gov_gate_t *g, const char *output, int64_t *draft_id,
                   lotse_err_t *err) {
  if (draft_id) *draft_id = 0;
  if (!g) return 0;
  store_t *st = g->c->st;
  int64_t id = 0;
  lotse_err_t derr = {0};
  /* The draft commits only once its audit record is written (unless the
   * caller holds a transaction of its own). */
  int tx = output && sqlite3_get_autocommit(store_db(st)) &&
           store_begin(st, &derr) == 0;
  int drc = output ? store_draft(g, output, &id, &derr) : 0;
  json_t *det = json_pack("{s:I, s:i, s:i, s:i}", "draft_id", (json_int_t)id,
                          "dropped_source_class", g->dropped_class,
                          "dropped_injection", g->dropped_inject,
                          "input_findings", g->input_findings);
  if (det && drc)
    json_object_set_new(det, "draft_error", json_string(derr.msg));
  char *dj = det ? json_dumps(det, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(det);
  int rc = gate_audit(g, GOV_AUDIT_DECISION_ALLOW, NULL, NULL, g->asrc,
                      g->nasrc, dj, err);
  free(dj);
  if (tx && (rc || drc)) store_rollback(st);
  else if (tx) rc = store_commit(st, err);
  if (!rc && drc) rc = lotse_err_set(err, drc, "%s", derr.msg);
  if (!rc && draft_id) *draft_id = id;
  gate_free(g);
  return rc;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/fragen.c — one question through the gate: retrieval within the
 * user's rights, admission of the passages by the gate, a grounded answer
 * from the model (or extractive without one), the draft and the audit.
 *
 * Contract: see apps/fragen.h. The gate session opened here is closed on
 * every path (with the answer as output, or NULL when there is none), so
 * every call leaves exactly one allowing audit record besides those the
 * gate writes for refusals and withheld sources.
 */
#include "apps/fragen.h"

#include <stdlib.h>
#include <string.h>

#define ANSWER_MAX (1u << 20)

/* ---------------------------------------------------------- retrieval */

/* The passage text of chunk id as principal p may read it; *text NULL
 * when it is not readable (any more). */
static int passage_text(store_t *st, const store_principal_t *p, int64_t id,
                        char **text, lotse_err_t *err) {
  static const char sql[] =
      "SELECT c.text FROM chunks c JOIN doc_versions v ON v.id = c.version_id"
      " JOIN documents d ON d.id = v.doc_id"
      " WHERE c.id = :chunk AND v.version = d.current_version AND " STORE_ACL_SQL;
  sqlite3_stmt *q = NULL;
  *text = NULL;
  if (sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL) != SQLITE_OK)
    return store_err_db(st, err, "prepare passage");
  int rc = store_acl_bind(q, p);
  if (!rc)
    rc = sqlite3_bind_int64(q, sqlite3_bind_parameter_index(q, ":chunk"), id) ==
                 SQLITE_OK ? 0 : LOTSE_EINTERNAL;
  int step = rc ? SQLITE_ERROR : sqlite3_step(q);
  if (step == SQLITE_ROW) {
    *text = lotse_strdup((const char *)sqlite3_column_text(q, 0));
    if (!*text) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  } else if (step != SQLITE_DONE) {
    rc = store_err_db(st, err, "read passage");
  }
  sqlite3_finalize(q);
  return rc;
}

static int source_from_hit(fragen_source_t *f, const search_hit_t *h,
                           char *text) {
  *f = (fragen_source_t){.doc_id = h->doc_id, .chunk_id = h->chunk_id,
                         .page = h->page, .data_class = h->data_class,
                         .score = h->score, .text = text};
  f->title = lotse_strdup(h->title);
  f->section = lotse_strdup(h->section);
  f->snippet = lotse_strdup(h->snippet);
  return f->title && f->section && f->snippet ? 0 : LOTSE_ENOMEM;
}

/* The relevant, readable passages for the question (not yet admitted). */
static int candidates(search_t *s, store_t *st, const store_principal_t *u,
                      const char *question, int want, fragen_source_t **out,
                      size_t *nout, lotse_err_t *err) {
  search_opts_t so;
  search_opts_default(&so);
  so.limit = want;
  so.per_document = 0;
  so.mark_open = so.mark_close = "";
  char *query = fragen_query_from_question(question);
  if (!query) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  search_result_t res;
  int rc = search_run(s, u, query, &so, &res, err);
  free(query);
  if (rc) return rc;
  size_t k = fragen_relevant(res.hits, res.n, FRAGEN_RELEVANCE, (size_t)want);
  fragen_source_t *v = k ? calloc(k, sizeof *v) : NULL;
  size_t n = 0;
  if (k && !v) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i < k && !rc; i++) {
    char *text = NULL;
    rc = passage_text(st, u, res.hits[i].chunk_id, &text, err);
    if (rc || !text) continue;
    rc = source_from_hit(&v[n++], &res.hits[i], text);
    if (rc) lotse_err_set(err, rc, "out of memory");
  }
  search_result_release(&res);
  if (rc) {
    for (size_t i = 0; i < n; i++) fragen_source_release(&v[i]);
    free(v);
    return rc;
  }
  *out = v;
  *nout = n;
  return 0;
}

/* Offer the candidates to the gate; keep the admitted ones, numbered. */
static int admit(gov_gate_t *g, fragen_source_t *v, size_t n,
                 fragen_answer_t *a, lotse_err_t *err) {
  gov_source_t *gs = n ? calloc(n, sizeof *gs) : NULL;
  unsigned char *keep = n ? calloc(n, 1) : NULL;
  if (n && (!gs || !keep)) {
    free(gs);
    free(keep);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++)
    gs[i] = (gov_source_t){.doc_id = v[i].doc_id, .chunk_id = v[i].chunk_id,
                           .data_class = v[i].data_class, .text = v[i].text,
                           .title = v[i].title, .section = v[i].section,
                           .page = v[i].page};
  int got = gov_gate_sources(g, gs, n, keep, err);
  free(gs);
  if (got < 0) {
    free(keep);
    return got;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (keep[i]) {
      v[k] = v[i];
      v[k].n = (int)(k + 1);
      k++;
    } else {
      fragen_source_release(&v[i]);
    }
  }
  free(keep);
  a->sources = v;
  a->n_sources = k;
  a->withheld = n - k;
  return 0;
}

/* --------------------------------------------------------- generation */

typedef struct sink {
  lotse_buf_t text;
  const fragen_opts_t *o;
} sink_t;

static int to_sink(void *ud, const char *text, size_t len) {
  sink_t *k = ud;
  if (lotse_buf_append(&k->text, text, len)) return LOTSE_ETOOBIG;
  return k->o->on_text ? k->o->on_text(k->o->ud, text, len) : 0;
}

static int to_cite(void *ud, const char *text, size_t len) {
  return fragen_cite_feed(ud, text, len);
}

static int blank(const char *s) {
  for (; s && *s; s++)
    if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') return 0;
  return 1;
}

/* The model's answer, cleaned as it streams, into k->text. */
/* The model's answer from the first n sources. */
static int generate(gov_gate_t *g, const char *question, fragen_answer_t *a,
                    size_t n, const fragen_opts_t *o, sink_t *k,
                    unsigned char *cited, lotse_err_t *err) {
  char *sys = NULL, *user = NULL;
  int rc = fragen_prompt_build(gov_gate_system_prompt(g), question,
                               a->sources, n, &sys, &user, err);
  if (rc) return rc;
  fragen_cite_t c;
  fragen_cite_init(&c, n, cited, to_sink, k);
  llm_chat_msg_t msgs[2] = {{"system", sys}, {"user", user}};
  llm_request_t req = {.msgs = msgs, .n_msgs = 2,
                       .sampling = llm_sampling_default(),
                       .max_tokens = o->max_tokens > 0 ? o->max_tokens : 512,
                       .on_text = to_cite, .ud = &c};
  req.sampling.temp = 0.2f; /* answers from sources, not creative text */
  llm_result_t res;
  rc = gov_gate_generate(g, &req, &res, err);
  if (!rc || rc == LOTSE_ECANCELED) {
    a->prompt_tokens = res.prompt_tokens;
    a->completion_tokens = res.completion_tokens;
    llm_result_release(&res);
  }
  int frc = fragen_cite_finish(&c);
  if (!rc && frc)
    rc = lotse_err_set(err, frc == LOTSE_ETOOBIG ? frc : LOTSE_ECANCELED,
                       "answer stopped");
  free(sys);
  free(user);
  return rc;
}

static int extractive(const char *question, fragen_answer_t *a,
                      const fragen_opts_t *o, sink_t *k, unsigned char *cited,
                      lotse_err_t *err) {
  char *t = fragen_extract(question, a->sources, a->n_sources, 3);
  if (!t) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  char *c = fragen_cite_clean(t, strlen(t), a->n_sources, cited);
  free(t);
  if (!c) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = to_sink(k, c, strlen(c));
  free(c);
  a->extractive = 1;
  (void)o;
  return rc ? lotse_err_set(err, rc == LOTSE_ETOOBIG ? rc : LOTSE_ECANCELED,
                            "answer stopped")
            : 0;
}

/* With a model: the answer from as many sources as the model's context
 * takes (halving them while the prompt is too long; sources it never saw
 * are dropped from the answer). *used 0 when even one did not fit. */
static int with_model(gov_gate_t *g, const char *question, fragen_answer_t *a,
                      const fragen_opts_t *o, sink_t *k, unsigned char *cited,
                      int *used, lotse_err_t *err) {
  size_t n = a->n_sources;
  int rc = generate(g, question, a, n, o, k, cited, err);
  while (rc == LOTSE_ELIMIT && n > 1) {
    n /= 2;
    rc = generate(g, question, a, n, o, k, cited, err);
  }
  *used = rc != LOTSE_ELIMIT;
  if (!*used) return 0;
  if (!rc)
    for (; a->n_sources > n; a->n_sources--)
      fragen_source_release(&a->sources[a->n_sources - 1]);
  return rc;
}

/* Answer from the admitted sources; k->text holds the text. */
static int answer(gov_gate_t *g, const char *question, fragen_answer_t *a,
                  const fragen_opts_t *o, sink_t *k, lotse_err_t *err) {
  unsigned char *cited = calloc(a->n_sources, 1);
  if (!cited) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = 0, used = 0;
  if (gov_gate_has_model(g))
    rc = with_model(g, question, a, o, k, cited, &used, err);
  if (!rc && (!used || blank(k->text.data))) {
    lotse_buf_reset(&k->text); /* an empty model answer helps nobody */
    memset(cited, 0, a->n_sources);
    rc = extractive(question, a, o, k, cited, err);
  }
  for (size_t i = 0; i < a->n_sources; i++) a->sources[i].cited = cited[i];
  free(cited);
  return rc;
}

/* ------------------------------------------------------------- public */

static int check_question(const char *q, lotse_err_t *err) {
  size_t n = q ? strlen(q) : 0;
  if (blank(q)) return lotse_err_set(err, LOTSE_EINVAL, "die Frage ist leer");
  if (n > FRAGEN_QUESTION_MAX)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "die Frage ist zu lang (höchstens %d Bytes)",
                         FRAGEN_QUESTION_MAX);
  if (!lotse_utf8_valid(q, n))
    return lotse_err_set(err, LOTSE_EINVAL, "die Frage ist kein gültiger UTF-8-Text");
  return 0;
}

/* Everything after the gate opened; the caller closes the session. */
static int run(gov_gate_t *g, search_t *s, store_t *st,
               const store_principal_t *user, const char *question,
               const fragen_opts_t *o, fragen_answer_t *a, sink_t *k,
               lotse_err_t *err) {
  int want = o->passages > 0 ? o->passages : FRAGEN_PASSAGES_DEFAULT;
  if (want > FRAGEN_PASSAGES_MAX) want = FRAGEN_PASSAGES_MAX;
  fragen_source_t *v = NULL;
  size_t n = 0;
  int rc = candidates(s, st, user, question, want, &v, &n, err);
  if (!rc) rc = admit(g, v, n, a, err);
  if (rc) {
    free(v);
    return rc;
  }
  if (o->on_sources) o->on_sources(o->ud, a->sources, a->n_sources);
  if (a->n_sources == 0)
    return to_sink(k, FRAGEN_TEXT_NOTHING, strlen(FRAGEN_TEXT_NOTHING))
               ? lotse_err_set(err, LOTSE_ECANCELED, "answer stopped")
               : 0;
  a->found = 1;
  return answer(g, question, a, o, k, err);
}

int fragen_ask(gov_ctx_t *gc, search_t *s, store_t *st,
               const store_principal_t *user, const char *question,
               const fragen_opts_t *o, fragen_answer_t *out,
               lotse_err_t *err) {
  static const fragen_opts_t defaults = {0};
  if (!o) o = &defaults;
  memset(out, 0, sizeof *out);
  int rc = check_question(question, err);
  if (rc) return rc;
  gov_call_t call = {.app_id = o->app_id ? o->app_id : FRAGEN_APP_ID,
                     .user = user, .action = "ask", .input = question,
                     .input_len = strlen(question)};
  gov_gate_t *g = NULL;
  rc = gov_gate_open(gc, &call, &g, &out->decision, err);
  if (rc) return rc;
  out->risk_class = gov_gate_risk_class(g);
  const char *notice = gov_gate_notice(g);
  if (notice && !(out->notice = lotse_strdup(notice))) {
    gov_gate_close(g, NULL, NULL, NULL);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  sink_t k = {.o = o};
  lotse_buf_init(&k.text, ANSWER_MAX);
  rc = run(g, s, st, user, question, o, out, &k, err);
  out->text = k.text.data ? lotse_buf_detach(&k.text) : lotse_strdup("");
  lotse_err_t cerr = {0};
  /* A cancelled answer was partly shown: it is stored and audited too. */
  const char *output = out->found && (!rc || rc == LOTSE_ECANCELED) ? out->text : NULL;
  int crc = gov_gate_close(g, output, &out->draft_id, &cerr);
  if (!rc && crc) rc = lotse_err_set(err, crc, "%s", cerr.msg);
  if (!rc && !out->text) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc) fragen_answer_release(out);
  return rc;
}

void fragen_source_release(fragen_source_t *s) {
  if (!s) return;
  free(s->title);
  free(s->section);
  free(s->snippet);
  free(s->text);
  memset(s, 0, sizeof *s);
}

void fragen_answer_release(fragen_answer_t *a) {
  if (!a) return;
  for (size_t i = 0; i < a->n_sources; i++) fragen_source_release(&a->sources[i]);
  free(a->sources);
  free(a->text);
  free(a->notice);
  gov_decision_t d = a->decision;
  memset(a, 0, sizeof *a);
  a->decision = d;
}

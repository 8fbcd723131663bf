/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/write.c — one draft from a template through the gate, then the
 * style check on the draft (apps/write.h).
 */
#include "apps/write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int generate(gov_gate_t *g, const write_template_t *t,
                    const char *filled, const write_opts_t *o, char **text,
                    lotse_err_t *err) {
  char *sys = write_system_prompt(gov_gate_system_prompt(g), t, o->reg);
  if (!sys) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  llm_chat_msg_t msgs[2] = {{"system", sys}, {"user", filled}};
  llm_request_t req = {.msgs = msgs, .n_msgs = 2,
                       .sampling = llm_sampling_default(),
                       .max_tokens = o->max_tokens > 0 ? o->max_tokens : 1024};
  req.sampling.temp = 0.3f;
  llm_result_t res;
  int rc = gov_gate_generate(g, &req, &res, err);
  free(sys);
  if (rc) return rc;
  *text = lotse_strdup(res.text ? res.text : "");
  llm_result_release(&res);
  return *text ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
}

static int kv_has(const write_kv_t *kv, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (kv[i].key && strcmp(kv[i].key, key) == 0) return 1;
  return 0;
}

static int template_has(const write_template_t *t, const char *key) {
  for (size_t i = 0; i < t->n_keys; i++)
    if (strcmp(t->keys[i], key) == 0) return 1;
  return 0;
}

/* The values plus "text" = text. *all malloc'ed. */
static int with_text(const write_kv_t *kv, size_t n, const char *text,
                     write_kv_t **all, lotse_err_t *err) {
  if (!(*all = calloc(n + 1, sizeof **all)))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (n) memcpy(*all, kv, n * sizeof *kv);
  (*all)[n] = (write_kv_t){"text", text};
  return 0;
}

/* Offer the sources to the gate; the admitted texts, joined, in *text. */
static int admit(gov_gate_t *g, const write_sources_t *src, char **text,
                 gov_decision_t *dec, lotse_err_t *err) {
  unsigned char *keep = calloc(src->n, 1);
  if (!keep) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int got = gov_gate_sources(g, src->v, src->n, keep, err);
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  int rc = got < 0 ? got : 0;
  for (size_t i = 0; i < src->n && !rc && b.len < WRITE_SOURCE_CHARS; i++) {
    if (!keep[i]) continue;
    const gov_source_t *s = &src->v[i];
    rc = lotse_buf_printf(&b, "%s[%s%s%s]\n%.*s\n", b.len ? "\n" : "",
                          s->title, *s->section ? ", " : "", s->section,
                          (int)(WRITE_SOURCE_CHARS - b.len), s->text);
  }
  free(keep);
  if (!rc && got == 0) {
    dec->reason = GOV_REFUSE_SOURCE_CLASS;
    snprintf(dec->message, sizeof dec->message, "%s",
             "Keine der Quellen darf mit dieser Anwendung verarbeitet werden.");
    rc = lotse_err_set(err, LOTSE_EREFUSED, "%s", dec->message);
  }
  if (!rc && !(*text = b.data ? lotse_buf_detach(&b) : lotse_strdup("")))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  lotse_buf_release(&b);
  return rc;
}

/* With sources: the prompt is filled again with the admitted texts. */
static int fill_sources(gov_gate_t *g, const write_template_t *t,
                        const write_kv_t *kv, size_t n, const write_opts_t *o,
                        char **filled, gov_decision_t *dec, lotse_err_t *err) {
  char *text = NULL;
  write_kv_t *all = NULL;
  int rc = admit(g, o->src, &text, dec, err);
  if (!rc) rc = with_text(kv, n, text, &all, err);
  if (!rc) {
    free(*filled);
    rc = write_template_fill(t, all, n + 1, filled, err);
  }
  free(all);
  free(text);
  return rc;
}

/* The values for the gate's input screening: with sources, "text" names
 * them only (their texts go through gov_gate_sources). */
static int fill_input(const write_template_t *t, const write_kv_t *kv,
                      size_t n, const write_opts_t *o, char **filled,
                      lotse_err_t *err) {
  if (!o->src || !o->src->n) return write_template_fill(t, kv, n, filled, err);
  if (!template_has(t, "text"))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Vorlage „%s“ hat keinen Platzhalter „text“ für die "
                         "Quellen (z. B. --template zusammenfassung)", t->id);
  if (kv_has(kv, n, "text"))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "„text“ kommt schon aus den Quellen");
  write_kv_t *all = NULL;
  int rc = with_text(kv, n, "[Quellen]", &all, err);
  if (!rc) rc = write_template_fill(t, all, n + 1, filled, err);
  free(all);
  return rc;
}

int write_draft(gov_ctx_t *gc, const store_principal_t *user,
                const write_template_t *t, const write_kv_t *kv, size_t n,
                const write_opts_t *o, write_result_t *out, lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  if (!o || !o->app_id)
    return lotse_err_set(err, LOTSE_EINVAL, "keine Anwendung angegeben");
  if (o->reg && !write_register_ok(o->reg))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "--register muss „fachlich“ oder „buergernah“ sein");
  char *filled = NULL;
  int rc = fill_input(t, kv, n, o, &filled, err);
  if (rc) return rc;
  gov_call_t call = {.app_id = o->app_id, .user = user, .action = "write",
                     .input = filled, .input_len = strlen(filled)};
  gov_gate_t *g = NULL;
  rc = gov_gate_open(gc, &call, &g, &out->decision, err);
  if (rc) {
    free(filled);
    return rc;
  }
  const char *notice = gov_gate_notice(g);
  if (notice && !(out->notice = lotse_strdup(notice)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc && !gov_gate_has_model(g))
    rc = lotse_err_set(err, LOTSE_EUNSUPPORTED,
                       "kein Sprachmodell eingerichtet (-m oder llm.model)");
  if (!rc && o->src && o->src->n)
    rc = fill_sources(g, t, kv, n, o, &filled, &out->decision, err);
  if (!rc) rc = generate(g, t, filled, o, &out->text, err);
  free(filled);
  lotse_err_t cerr = {0};
  int crc = gov_gate_close(g, rc ? NULL : out->text, &out->draft_id, &cerr);
  if (!rc && crc) rc = lotse_err_set(err, crc, "%s", cerr.msg);
  if (!rc) rc = text_style_check(out->text, strlen(out->text), NULL,
                                 &out->findings, err);
  if (rc) write_result_release(out);
  return rc;
}

void write_result_release(write_result_t *r) {
  if (!r) return;
  free(r->text);
  free(r->notice);
  text_style_list_release(&r->findings);
  gov_decision_t d = r->decision;
  int64_t id = r->draft_id;
  memset(r, 0, sizeof *r);
  r->decision = d;
  r->draft_id = id;
}

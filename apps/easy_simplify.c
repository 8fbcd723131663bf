/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/easy_simplify.c — a text to a Leichte-Sprache draft through the
 * gate, with the rule check on the draft and on the original
 * (apps/easy_simplify.h).
 */
#include "apps/easy_simplify.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char instruction[] =
    "Übertrage den Text der Nutzerin oder des Nutzers in Leichte Sprache. "
    "Regeln:\n"
    "- Schreibe kurze Sätze. Jeder Satz sagt nur eine Sache.\n"
    "- Schreibe aktiv: Sage, wer etwas tut. Kein Passiv.\n"
    "- Kein Genitiv: statt „der Antrag des Mannes“ schreibe „der Antrag "
    "von dem Mann“.\n"
    "- Kein Konjunktiv (würde, hätte, könnte). Verneinungen nur, wenn es "
    "nicht anders geht.\n"
    "- Schreibe Zahlen als Ziffern. Schreibe ein Datum aus: „1. März "
    "2026“, nicht „01.03.2026“.\n"
    "- Keine Abkürzungen und keine Paragrafen-Zeichen.\n"
    "- Trenne lange Wörter mit einem Mediopunkt: Kranken·versicherung.\n"
    "- Erkläre schwere Wörter und Fachwörter in einem eigenen Satz.\n"
    "- Sprich die Leserin oder den Leser mit „Sie“ an.\n"
    "Wichtig: Behalte jede Tatsache, jede Frist, jeden Betrag und jedes "
    "Recht aus dem Text. Lasse nichts davon weg. Füge nichts hinzu, was "
    "nicht im Text steht. Schreibe nur den Text in Leichter Sprache, ohne "
    "Einleitung.";

const char *easy_simplify_instruction(void) { return instruction; }

static int generate(gov_gate_t *g, const char *text,
                    const easy_simplify_opts_t *o, char **out,
                    lotse_err_t *err) {
  const char *app_sys = gov_gate_system_prompt(g);
  lotse_buf_t sys;
  lotse_buf_init(&sys, 0);
  int rc = lotse_buf_printf(&sys, "%s%s%s", app_sys ? app_sys : "",
                            app_sys && *app_sys ? "\n\n" : "", instruction);
  if (rc) {
    lotse_buf_release(&sys);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  llm_chat_msg_t msgs[2] = {{"system", sys.data}, {"user", text}};
  llm_request_t req = {.msgs = msgs, .n_msgs = 2,
                       .sampling = llm_sampling_default(),
                       .max_tokens = o->max_tokens > 0 ? o->max_tokens
                                                       : EASY_SIMPLIFY_TOKENS};
  req.sampling.temp = 0.2f; /* keep the facts, not creative text */
  llm_result_t res;
  rc = gov_gate_generate(g, &req, &res, err);
  lotse_buf_release(&sys);
  if (rc == LOTSE_ELIMIT) {
    char why[LOTSE_ERR_MSG_MAX];
    memcpy(why, err->msg, sizeof why); /* err->msg is rewritten below */
    why[sizeof why - 1] = '\0';
    return lotse_err_set(err, rc,
                         "Der Text ist zu lang für das Sprachmodell (%.200s)",
                         why);
  }
  if (rc) return rc;
  *out = lotse_strdup(res.text ? res.text : "");
  llm_result_release(&res);
  return *out ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
}

static int blank(const char *s) {
  for (; *s; s++)
    if (!strchr(" \t\r\n", *s)) return 0;
  return 1;
}

/* The input's shape and its rule check; before the gate. */
static int check_input(const char *text, size_t len,
                       const text_easy_opts_t *eo, const text_hyphen_t **h,
                       text_easy_result_t *res, lotse_err_t *err) {
  if (!text || len == 0)
    return lotse_err_set(err, LOTSE_EINVAL, "kein Text angegeben");
  if (len > EASY_SIMPLIFY_MAX)
    return lotse_err_set(err, LOTSE_ETOOBIG,
                         "Text zu lang (%zu Bytes, höchstens %zu)", len,
                         EASY_SIMPLIFY_MAX);
  if (memchr(text, '\0', len) || !lotse_utf8_valid(text, len))
    return lotse_err_set(err, LOTSE_EINVAL, "der Text ist kein UTF-8-Text");
  if (!(*h = text_hyphen_get(err))) return err->code ? err->code
                                                     : LOTSE_ENOTFOUND;
  return text_easy_check(text, len, *h, eo, res, err);
}

/* Model, check of the draft; then close (store) or close without output. */
static int draft(gov_gate_t *g, const char *text,
                 const easy_simplify_opts_t *o, const text_easy_opts_t *eo,
                 const text_hyphen_t *h, easy_simplify_t *out,
                 lotse_err_t *err) {
  int rc = 0;
  const char *notice = gov_gate_notice(g);
  if (notice && !(out->ai_notice = lotse_strdup(notice)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc && !gov_gate_has_model(g))
    rc = lotse_err_set(err, LOTSE_EUNSUPPORTED,
                       "kein Sprachmodell für Leichte Sprache eingerichtet "
                       "(-m oder llm.model)");
  if (!rc) rc = generate(g, text, o, &out->text, err);
  if (!rc && blank(out->text))
    rc = lotse_err_set(err, LOTSE_EEMPTY,
                       "das Sprachmodell lieferte keinen Text; bitte noch "
                       "einmal versuchen");
  if (!rc)
    rc = text_easy_check(out->text, strlen(out->text), h, eo, &out->check,
                         err);
  int checked = !rc;
  lotse_err_t cerr = {0};
  int crc = gov_gate_close(g, rc ? NULL : out->text,
                           rc ? NULL : &out->draft_id, &cerr);
  if (!rc && crc) rc = lotse_err_set(err, crc, "%s", cerr.msg);
  if (rc && checked) text_easy_result_release(&out->check);
  return rc;
}

int easy_simplify(gov_ctx_t *gc, const store_principal_t *user,
                  const char *text, size_t len, const easy_simplify_opts_t *o,
                  easy_simplify_t *out, lotse_err_t *err) {
  static const easy_simplify_opts_t defaults = {0};
  if (!o) o = &defaults;
  memset(out, 0, sizeof *out);
  text_easy_opts_t eo = {o->max_words, o->long_letters};
  const text_hyphen_t *h = NULL;
  int rc = check_input(text, len, &eo, &h, &out->original, err);
  if (rc) return rc;
  gov_call_t call = {.app_id = o->app_id ? o->app_id : EASY_SIMPLIFY_APP,
                     .user = user, .action = "simplify", .input = text,
                     .input_len = len};
  gov_gate_t *g = NULL;
  rc = gov_gate_open(gc, &call, &g, &out->decision, err);
  if (!rc) rc = draft(g, text, o, &eo, h, out, err);
  if (rc) {
    text_easy_result_release(&out->original);
    free(out->text);
    free(out->ai_notice);
    gov_decision_t d = out->decision;
    memset(out, 0, sizeof *out);
    out->decision = d;
  }
  return rc;
}

void easy_simplify_release(easy_simplify_t *r) {
  if (!r) return;
  free(r->text);
  free(r->ai_notice);
  text_easy_result_release(&r->check);
  text_easy_result_release(&r->original);
  gov_decision_t d = r->decision;
  int64_t id = r->draft_id;
  memset(r, 0, sizeof *r);
  r->decision = d;
  r->draft_id = id;
}

/* Two decimals, like `lotse easy check --json` (%.2f). */
static json_t *score(double v) {
  return json_real(isfinite(v) ? round(v * 100.0) / 100.0 : 0.0);
}

/* A JSON string; invalid UTF-8 (a cut suggestion) becomes U+FFFD. */
static json_t *jtext(const char *s) {
  size_t n = strlen(s);
  if (lotse_utf8_valid(s, n)) return json_stringn(s, n);
  char *clean = lotse_utf8_sanitize(s, n);
  json_t *j = clean ? json_string(clean) : NULL;
  free(clean);
  return j;
}

json_t *easy_findings_json(const text_easy_result_t *r) {
  json_t *arr = json_array();
  for (size_t k = 0; arr && k < r->n; k++) {
    const text_easy_finding_t *f = &r->f[k];
    json_t *o = json_pack(
        "{s:s, s:I, s:I, s:I, s:o, s:o}", "rule", text_easy_rule_id(f->rule),
        "start", (json_int_t)f->start, "end", (json_int_t)f->end, "sentence",
        (json_int_t)(f->sentence + 1), "message",
        jtext(text_easy_rule_message(f->rule)), "suggestion", jtext(f->hint));
    if (!o || json_array_append_new(arr, o)) {
      json_decref(arr);
      return NULL;
    }
  }
  return arr;
}

json_t *easy_scores_json(const text_easy_result_t *r) {
  const text_readability_t *s = &r->scores;
  return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, "
                   "s:I}",
                   "sentences", (json_int_t)s->sentences, "words",
                   (json_int_t)s->words, "syllables", (json_int_t)s->syllables,
                   "fre_amstad", score(s->fre), "wstf1", score(s->wstf[0]),
                   "wstf2", score(s->wstf[1]), "wstf3", score(s->wstf[2]),
                   "wstf4", score(s->wstf[3]), "lix", score(s->lix),
                   "sentences_short", (json_int_t)r->sentences_short,
                   "sentences_clean", (json_int_t)r->sentences_clean,
                   "findings", (json_int_t)r->n);
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/easy_simplify.h — a Bescheid or letter to a draft in Leichte
 * Sprache (easy-to-read German, strategy project 14): the model drafts
 * through the governance gate, then the deterministic rule check of
 * text/easy.h runs on the draft.
 *
 * Path of one call (easy_simplify):
 *   1. the input is checked (UTF-8, no NUL, 1..EASY_SIMPLIFY_MAX bytes)
 *      and the rule check runs on it (its scores are the "before");
 *   2. gov_gate_open(app, action "simplify", input = the text): a refusal
 *      is LOTSE_EREFUSED with out->decision filled, nothing stored;
 *   3. system prompt = the application's approved one, then a fixed German
 *      instruction with the rules of Leichte Sprache (short sentences, one
 *      statement each, active voice, no genitive/subjunctive, negation
 *      only where needed, numbers as digits, dates written out, long words
 *      split with the Mediopunkt, technical words explained; keep every
 *      fact, deadline, amount and right, add nothing); the text is the
 *      user message; temperature 0.2;
 *   4. the rule check runs on the draft with the same options as
 *      `lotse easy check` (max_words, long_letters);
 *   5. gov_gate_close stores the draft with the label GOV_DRAFT_LABEL
 *      ("KI-Entwurf – nicht geprüft") and writes the audit record.
 * No model configured: LOTSE_EUNSUPPORTED, nothing stored (audit only);
 * an empty draft (only blanks): LOTSE_EEMPTY, nothing stored; the prompt
 * over the model's context: LOTSE_ELIMIT with a German message.
 * The German hyphenation patterns (text/hyphen.h) are needed as for
 * `lotse easy check`: without them LOTSE_ENOTFOUND before the gate.
 *
 * The draft is not an easy version: a person checks it and creates one
 * (apps/easy_version.h, `lotse easy version new --draft ID`).
 */
#ifndef LOTSE_APPS_EASY_SIMPLIFY_H
#define LOTSE_APPS_EASY_SIMPLIFY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "gov/gate.h"
#include "text/easy.h"

#define EASY_SIMPLIFY_APP "leichte-sprache"
/* Input limit: that of POST /api/easy/check (256 KiB). */
#define EASY_SIMPLIFY_MAX ((size_t)256 << 10)
#define EASY_SIMPLIFY_TOKENS 2048 /* default max_tokens of the draft */

typedef struct easy_simplify_opts {
  const char *app_id; /* NULL: EASY_SIMPLIFY_APP */
  int max_words;      /* rule check: 0 = default 12 */
  int long_letters;   /* rule check: 0 = default 12 */
  int max_tokens;     /* 0: EASY_SIMPLIFY_TOKENS */
} easy_simplify_opts_t;

typedef struct easy_simplify {
  gov_decision_t decision; /* set also on refusal */
  char *text;              /* the draft */
  int64_t draft_id;
  char *ai_notice;         /* the application's Art. 50 notice or NULL */
  text_easy_result_t check;    /* rule check of the draft */
  text_easy_result_t original; /* rule check of the input (scores) */
} easy_simplify_t;

/* o may be NULL (defaults). On error *out holds nothing to release but
 * decision (and draft_id 0). */
int easy_simplify(gov_ctx_t *gc, const store_principal_t *user,
                  const char *text, size_t len, const easy_simplify_opts_t *o,
                  easy_simplify_t *out, lotse_err_t *err);
void easy_simplify_release(easy_simplify_t *r);

/* The rule check as JSON, the shapes of `lotse easy check --json` and
 * POST /api/easy/check: findings [{rule, start, end, sentence (from 1),
 * message, suggestion}] and scores {sentences, words, syllables,
 * fre_amstad, wstf1..wstf4, lix (two decimals), sentences_short,
 * sentences_clean, findings}. NULL on out of memory. */
json_t *easy_findings_json(const text_easy_result_t *r);
json_t *easy_scores_json(const text_easy_result_t *r);

/* The fixed instruction with the rules (for tests and the docs). */
const char *easy_simplify_instruction(void);

#endif

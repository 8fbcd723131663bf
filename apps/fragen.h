/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/fragen.h — "Fragen" (InfoBuddy), the first governed application:
 * a question answered from the county's documents, with inline citations
 * [1], [2] that resolve to document, section and page.
 *
 * Path of one question (fragen_ask):
 *   1. gov_gate_open(app "fragen", the question as input): a refusal ends
 *      here (nothing is searched, the gate has audited it);
 *   2. search_run within the user's rights (passages, not documents);
 *      weak hits (score below FRAGEN_RELEVANCE x the best) are dropped;
 *   3. the passage texts are read again under the user's ACL and offered
 *      to gov_gate_sources, which withholds any above the application's
 *      clearance; the admitted ones are numbered 1..n;
 *   4. nothing admitted: the German FRAGEN_TEXT_NOTHING answer, no model
 *      call, no draft;
 *   5. with a model (gov_gate_has_model): system prompt (the approved one
 *      plus the grounding rules) and a user message with the numbered
 *      passages go to gov_gate_generate; the text is cleaned while it
 *      streams: citations of numbers without a source are removed; a
 *      prompt longer than the model's context is retried with half the
 *      passages (those the model never saw leave the answer's sources),
 *      and when not even one fits the answer is extractive;
 *      without a model: the extractive answer (best sentences, cited);
 *   6. gov_gate_close stores the answer as a labelled draft (draft id in
 *      the answer) and writes the audit record.
 * Contract: a passage, title or snippet the user may not read never
 * reaches the prompt, the callbacks or the answer (search and the passage
 * lookup both apply STORE_ACL_SQL). Every [n] in the answer names one of
 * the returned sources.
 *
 * Pure parts (no store, no gate; unit-tested): question -> search query,
 * relevance cut, prompt building, citation parsing and cleaning (batch and
 * streaming, which give the same text for any split), extractive answer.
 * See also: gov/gate.h, search/search.h, docs/cli/ask.md, docs/api/ask.md.
 */
#ifndef LOTSE_APPS_FRAGEN_H
#define LOTSE_APPS_FRAGEN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/base.h"
#include "gov/gate.h"
#include "search/search.h"
#include "store/store.h"

#define FRAGEN_APP_ID "fragen"
#define FRAGEN_PASSAGES_DEFAULT 5
#define FRAGEN_PASSAGES_MAX 10
#define FRAGEN_PASSAGE_CHARS 1500 /* bytes of one passage in the prompt */
#define FRAGEN_QUESTION_MAX 4000  /* bytes */
#define FRAGEN_RELEVANCE 0.3      /* keep hits scoring >= this x the best */

/* The answer when no passage the user may read fits the question. */
#define FRAGEN_TEXT_NOTHING                                                  \
  "Dazu habe ich in den Dokumenten, die Sie einsehen dürfen, nichts "       \
  "Passendes gefunden. Bitte formulieren Sie die Frage anders oder wenden " \
  "Sie sich an die zuständige Stelle."
/* First line of an extractive answer (no model configured). */
#define FRAGEN_TEXT_EXTRACTIVE                                               \
  "Ohne Sprachmodell: die passendsten Stellen aus den Dokumenten."

/* One cited source. Strings are owned by the answer (or the caller for
 * the pure functions). */
typedef struct fragen_source {
  int n; /* citation number, 1-based */
  int64_t doc_id, chunk_id;
  char *title, *section, *snippet; /* section "" when none */
  char *text;                      /* the passage given to the model */
  int page;                        /* 0 when the format has no pages */
  int data_class;                  /* STORE_CLASS_* */
  double score;
  int cited; /* the answer cites [n] */
} fragen_source_t;

/* ------------------------------------------------------ fragen_query.c */

/* The search query for a natural-language question: the query language's
 * operators (" * + - at a word start) become spaces, so any question is a
 * valid OR query. Caller frees; NULL on OOM. */
char *fragen_query_from_question(const char *question);

/* How many of the n hits (sorted best first) to keep: those scoring at
 * least ratio x the best one, at most max. */
size_t fragen_relevant(const search_hit_t *hits, size_t n, double ratio,
                       size_t max);

/* ----------------------------------------------------- fragen_prompt.c */

/* The grounding rules appended to every system prompt. */
extern const char fragen_rules[];

/* Build the two chat messages: *system = app_system (may be NULL or "")
 * followed by fragen_rules; *user = the numbered passages ("[n] title,
 * Abschnitt …, Seite …" then the text, cut to FRAGEN_PASSAGE_CHARS at a
 * UTF-8 boundary) and the question. Caller frees both. */
int fragen_prompt_build(const char *app_system, const char *question,
                        const fragen_source_t *src, size_t n, char **system,
                        char **user, lotse_err_t *err);

/* ------------------------------------------------------- fragen_cite.c */

/* Parse the inside of a bracket ("1", "1, 2", "Quelle 3", "1-3") into
 * numbers. Returns the count (>= 1) when it is a citation, 0 when it is
 * not (other text, empty, more than max numbers, a number over 6 digits,
 * a range longer than 20). */
size_t fragen_cite_parse(const char *inner, size_t len, int *nums,
                         size_t max);

/* Streaming cleaner: text goes in in pieces, cleaned text comes out
 * through emit. A citation group keeps its numbers in 1..n_sources
 * (rewritten as "[1, 2]"); a group without any such number is removed
 * together with the spaces before it. Brackets that are no citation pass
 * unchanged. cited (n_sources bytes, may be NULL) marks numbers kept. */
typedef int (*fragen_emit_fn)(void *ud, const char *text, size_t len);
typedef struct fragen_cite {
  size_t n_sources;
  unsigned char *cited;
  fragen_emit_fn emit;
  void *ud;
  char held[256]; /* spaces before a possible group, then the group */
  size_t nheld, nspace;
  int in_group;
  int rc; /* first non-zero emit result (sticky) */
} fragen_cite_t;

void fragen_cite_init(fragen_cite_t *c, size_t n_sources,
                      unsigned char *cited, fragen_emit_fn emit, void *ud);
/* 0, or the emit callback's non-zero result (the stream stops). */
int fragen_cite_feed(fragen_cite_t *c, const char *text, size_t len);
int fragen_cite_finish(fragen_cite_t *c);

/* Batch form: the cleaned text (caller frees), NULL on OOM. */
char *fragen_cite_clean(const char *text, size_t len, size_t n_sources,
                        unsigned char *cited);

/* ---------------------------------------------------- fragen_extract.c */

/* The answer without a model: FRAGEN_TEXT_EXTRACTIVE, then for each of
 * the first max sources the sentences that share the most words with the
 * question (about 700 bytes from the first source, 350 from the others;
 * ordinals, "Abs." and the like do not end a sentence), quoted and cited
 * with [n]. Caller frees; NULL on OOM. */
char *fragen_extract(const char *question, const fragen_source_t *src,
                     size_t n, size_t max);

/* ------------------------------------------------------------ fragen.c */

typedef struct fragen_opts {
  const char *app_id; /* NULL: FRAGEN_APP_ID */
  int passages;       /* 0: FRAGEN_PASSAGES_DEFAULT; at most _MAX */
  int max_tokens;     /* model answer length; 0: 512 */
  /* Optional: the admitted sources, once, before any text. */
  void (*on_sources)(void *ud, const fragen_source_t *src, size_t n);
  /* Optional: cleaned answer text as it is produced; non-zero cancels. */
  fragen_emit_fn on_text;
  void *ud;
} fragen_opts_t;

typedef struct fragen_answer {
  char *text;               /* cleaned answer (German) */
  fragen_source_t *sources; /* admitted, numbered 1..n_sources */
  size_t n_sources;
  size_t withheld;      /* passages the gate did not admit */
  int found;            /* 0: nothing relevant (text says so) */
  int extractive;       /* 1: answered without a model */
  int64_t draft_id;     /* 0 when no draft was stored */
  int risk_class;       /* of the application, 1..4 */
  char *notice;         /* Art. 50 notice or NULL */
  int prompt_tokens, completion_tokens;
  gov_decision_t decision; /* reason != NONE: refused */
} fragen_answer_t;

/* Answer question for user. 0: answered (out filled, release it);
 * LOTSE_EREFUSED: the gate refused (out->decision says why, nothing else
 * set); LOTSE_EINVAL: empty, too long or invalid UTF-8 question; other
 * negative codes: errors. */
int fragen_ask(gov_ctx_t *gc, search_t *s, store_t *st,
               const store_principal_t *user, const char *question,
               const fragen_opts_t *o, fragen_answer_t *out,
               lotse_err_t *err);
void fragen_answer_release(fragen_answer_t *a);
void fragen_source_release(fragen_source_t *s);

/* ------------------------------------------------------- fragen_json.c */

/* The answer as the API and `lotse ask --json` show it: answer, found,
 * extractive, label, notice, risk_class, draft_id, withheld, usage and
 * sources (n, doc_id, chunk_id, title, section, page, snippet, cited).
 * NULL on OOM; caller owns the reference. */
json_t *fragen_answer_json(const fragen_answer_t *a);
/* The sources array alone (for the stream's first event). */
json_t *fragen_sources_json(const fragen_source_t *src, size_t n);

#endif

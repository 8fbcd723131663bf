/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/review.h — AI outputs as labelled drafts and their sign-off by a
 * named person (service instruction: human review before use).
 *
 * Model. Every output that leaves the runtime gate (gov/gate.h) is stored
 * as a draft: application and version, author and unit, the label
 * GOV_DRAFT_LABEL, the text with its SHA-256, the admitted sources (JSON
 * array) and, for applications with a transparency duty (risk class 2),
 * the Art. 50 notice. A draft is "entwurf" until a named, known user signs
 * it off; the final text may differ from the draft and both are kept, with
 * the reviewer, the time and the final text's SHA-256. Only a signed-off
 * draft can be exported as final.
 *
 * Contract: drafts are never deleted and their content never changes
 * (SQL triggers of migration 3); sign-off is the only update, and only
 * once. Bad input is LOTSE_EINVAL with a German message and changes
 * nothing; an unknown draft is LOTSE_ENOTFOUND; signing off twice is
 * LOTSE_EEXIST; exporting an unsigned draft is LOTSE_EACCESS. One store_t
 * per thread, as everywhere.
 * See also: gov/gate.h (gov_gate_close creates drafts), docs/cli/draft.md,
 * docs/api/drafts.md.
 */
#ifndef LOTSE_GOV_REVIEW_H
#define LOTSE_GOV_REVIEW_H

#include "base/base.h"
#include "store/store.h"

#include <jansson.h>
#include <stdint.h>

#define GOV_DRAFT_TEXT_MAX (4u << 20) /* bytes of a draft or final text */

/* The Art. 50 notice shown when an application with a transparency duty
 * has no notice text of its own on record. */
#define GOV_NOTICE_DEFAULT                                                 \
  "Hinweis: Dieser Text wurde mit Hilfe eines KI-Systems erstellt "        \
  "(Art. 50 KI-Verordnung)."

typedef struct gov_draft_in {
  const char *app;      /* application slug */
  int app_version;      /* the approved version that produced it */
  const char *user;     /* author (the user who ran the application) */
  const char *unit;     /* the author's unit; NULL or "" when none */
  int risk_class;       /* 1..4, 0 unknown */
  const char *notice;   /* Art. 50 notice; NULL when none is due */
  const char *text;     /* the AI output (UTF-8) */
  const char *sources;  /* JSON array text; NULL means "[]" */
} gov_draft_in_t;

/* Store a new draft; *id (may be NULL) receives its id. */
int gov_review_draft_add(store_t *st, const gov_draft_in_t *d, int64_t *id,
                         lotse_err_t *err);

/* Sign off draft id as reviewer (a known user's name). final_text NULL
 * keeps the draft's text as the final text. */
int gov_review_signoff(store_t *st, int64_t id, const char *reviewer,
                       const char *final_text, lotse_err_t *err);

/* One draft as a JSON object (caller owns the reference): id, app,
 * app_version, user, unit, created_at, label, text, text_sha256, sources,
 * risk_class, notice (null), status, reviewer, signed_at, final_text,
 * final_text_sha256 (the last four null until sign-off). */
int gov_review_draft_json(store_t *st, int64_t id, json_t **out,
                          lotse_err_t *err);

/* Drafts newest first, without texts (an excerpt instead); each filter
 * may be NULL; limit 0 means 100. */
typedef struct gov_draft_filter {
  const char *user;   /* author */
  const char *app;
  const char *status; /* "entwurf" or "final" */
  int limit;
} gov_draft_filter_t;
int gov_review_list_json(store_t *st, const gov_draft_filter_t *f,
                         json_t **out, lotse_err_t *err);

/* The final document of a signed-off draft: as JSON (json = 1: the draft
 * object plus "export_label") or as plain text (final text, the notice
 * where due, the sources and the sign-off line). *out is malloc'ed. */
int gov_review_export(store_t *st, int64_t id, int json, char **out,
                      lotse_err_t *err);

/* Record a sign-off ("sign_off") or export ("export") of draft id by
 * actor in the audit trail of workspace: application, version, draft id and
 * the final text's hash, never the text. */
int gov_review_audit(store_t *st, const char *workspace, int64_t id,
                     const char *action, const char *actor, lotse_err_t *err);

#endif

/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/minutes.h — meeting minutes (Protokolle, strategy project 10): one
 * fixed JSON structure (meeting, date, place, attendees, agenda items with
 * statements and decisions, tasks with owner and due date), its JSON Schema
 * for constrained decoding (llm/json_schema.h), a validator with German
 * messages naming the offending field, and rendering to Markdown or HTML in
 * the county's fixed layout. docs/cli/minutes.md describes the structure.
 *
 * Contract: minutes_validate accepts exactly what the schema describes plus
 * the checks a schema cannot express (real calendar dates, no blank text);
 * every string a person or model wrote is escaped on rendering.
 */
#ifndef LOTSE_APPS_MINUTES_H
#define LOTSE_APPS_MINUTES_H

#include "base/base.h"
#include "gov/gate.h"

#include <jansson.h>
#include <stddef.h>

#define MINUTES_INPUT_MAX ((size_t)1 << 20) /* bytes of a minutes file */
#define MINUTES_TEXT_MAX 2000               /* bytes of one text field */
#define MINUTES_LIST_MAX 100                /* entries of one list */

/* The JSON Schema (a static string). */
const char *minutes_schema(void);

/* Check a parsed document; LOTSE_EINVAL with e.g. "items[1].title: Text
 * fehlt" in err when it does not fit. */
int minutes_validate(const json_t *doc, lotse_err_t *err);
/* Only what the schema says (types, fields, list sizes, 1..max code
 * points per text, dates of 10 characters): what constrained decoding
 * guarantees for a model's output. */
int minutes_validate_schema(const json_t *doc, lotse_err_t *err);

/* Parse text (len bytes, need not be NUL-terminated) and validate it;
 * *out is a new reference. LOTSE_ECORRUPT for text that is not JSON. */
int minutes_parse(const char *text, size_t len, json_t **out,
                  lotse_err_t *err);

typedef enum { MINUTES_MD = 0, MINUTES_HTML = 1, MINUTES_PDF = 2 } minutes_format_t;
/* "md"/"html"/"pdf" → format; LOTSE_EINVAL for anything else. */
int minutes_format_parse(const char *name, minutes_format_t *f,
                         lotse_err_t *err);

/* Append the rendered, validated document to out (PDF: binary bytes). */
int minutes_render(const json_t *doc, minutes_format_t f, lotse_buf_t *out,
                   lotse_err_t *err);
/* The PDF layout (apps/minutes_pdf.c); called by minutes_render for
 * MINUTES_PDF after validation. */
int minutes_render_pdf(const json_t *doc, lotse_buf_t *out, lotse_err_t *err);

/* ------------------------------------------------- drafting with a model */

#define MINUTES_NOTES_MAX ((size_t)256 << 10) /* bytes of meeting notes */
#define MINUTES_DRAFT_APP "protokoll"         /* default application */

typedef struct minutes_draft_opts {
  const char *app_id; /* NULL: MINUTES_DRAFT_APP */
  int max_tokens;     /* 0: 2048 (the approved configuration may cap it) */
} minutes_draft_opts_t;

typedef struct minutes_draft {
  int refused;                    /* the gate refused (see reason/message) */
  const char *reason;             /* gov_refusal_code(), static */
  char message[LOTSE_ERR_MSG_MAX]; /* German refusal message */
  json_t *doc;                    /* the validated minutes (owned) */
  int64_t draft_id;               /* the stored, labelled draft */
  char finding[LOTSE_ERR_MSG_MAX]; /* "" or the first strict-check finding
                                     (e.g. a date that is no date): the
                                     reviewer must fix it */
} minutes_draft_t;

/* Notes → model through the gate (action "minutes"), the schema as the
 * decoding constraint → schema-valid JSON → a labelled draft (normalised
 * JSON text). A refusal is LOTSE_EREFUSED with out->refused set (audited,
 * nothing stored); output that does not fit the schema is LOTSE_ECORRUPT
 * (audited, nothing stored). */
int minutes_draft(gov_ctx_t *gc, const store_principal_t *user,
                  const char *notes, size_t len,
                  const minutes_draft_opts_t *o, minutes_draft_t *out,
                  lotse_err_t *err);
void minutes_draft_release(minutes_draft_t *d);

/* ------------------------------------------- signed-off minutes as document */

/* The signed-off draft draft_id (its final text must be minutes that pass
 * minutes_validate) rendered as Markdown and stored as the document
 * "lotse-minutes:ID.md" of data_class, visible to groups (none: everyone
 * with the clearance), so search finds it. LOTSE_EACCESS for a draft that
 * is not signed off, LOTSE_ENOTFOUND for an unknown one, LOTSE_EINVAL for
 * a final text that is not valid minutes; nothing is stored then. *doc_id
 * (may be NULL) receives the document's id. */
int minutes_publish(store_t *st, int64_t draft_id, int data_class,
                    const char *const *groups, size_t ngroups,
                    int64_t *doc_id, lotse_err_t *err);

#endif

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

/* Parse text (len bytes, need not be NUL-terminated) and validate it;
 * *out is a new reference. LOTSE_ECORRUPT for text that is not JSON. */
int minutes_parse(const char *text, size_t len, json_t **out,
                  lotse_err_t *err);

typedef enum { MINUTES_MD = 0, MINUTES_HTML = 1 } minutes_format_t;
/* "md"/"html" → format; LOTSE_EINVAL for anything else. */
int minutes_format_parse(const char *name, minutes_format_t *f,
                         lotse_err_t *err);

/* Append the rendered, validated document to out. */
int minutes_render(const json_t *doc, minutes_format_t f, lotse_buf_t *out,
                   lotse_err_t *err);

#endif

/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/jsonl.h — JSON events (one object per line, or one
 * document) flattened to lw_field name/value pairs so that Sigma rules and
 * templates can address them.
 *
 * Flattening rules (documented for users in docs/cli/logwatch-ingest.md):
 *   - nested objects give dotted paths: {"a":{"b":{"c":1}}} → `a.b.c` = "1";
 *   - a member named `#attributes` (XML-to-JSON conversions of Windows
 *     events) is collapsed: Event.System.Provider.#attributes.Name →
 *     `Event.System.Provider.Name`; `#text` is collapsed the same way
 *     (`EventID.#text` → `EventID`);
 *   - the leaf name is added as a second field (`Image` next to
 *     `Event.EventData.Image`) when it is unambiguous: no other path ends in
 *     the same name and no field already has that name;
 *   - array elements keep the array's path (the name repeats once per
 *     element; objects in arrays continue the path: `a.b`);
 *   - values: strings unescaped (may contain NUL, use value_len), numbers as
 *     written by jansson (integers exactly; an event with an integer beyond
 *     64 bits is read with all numbers as reals), true/false as "true"/"false",
 *     null as "" (empty).
 * Fields come in document order, leaf aliases after all paths.
 *
 * Contract: lw_jsonl_parse returns 0 (parsed, *fields valid until the next
 * call or lw_jsonl_free), 1 (malformed: not one JSON object, or nested
 * deeper than LW_JSONL_MAX_DEPTH, or more than LW_JSONL_MAX_FIELDS fields;
 * no fields), or a negative LOTSE_E… (out of memory).
 */
#ifndef LOTSE_LOGWATCH_JSONL_H
#define LOTSE_LOGWATCH_JSONL_H

#include "analytics/logwatch/event.h"

#include <stddef.h>

#define LW_JSONL_MAX_DEPTH 64
#define LW_JSONL_MAX_FIELDS 4096

typedef struct lw_jsonl lw_jsonl;
struct json_t; /* jansson */

lw_jsonl *lw_jsonl_new(void); /* NULL on OOM; free with lw_jsonl_free */
void lw_jsonl_free(lw_jsonl *j);

int lw_jsonl_parse(lw_jsonl *j, const char *line, size_t len,
                   const lw_field **fields, size_t *n);
/* The same flattening for an already parsed jansson value (e.g. a
 * pretty-printed document); root must be an object. */
int lw_jsonl_flatten(lw_jsonl *j, const struct json_t *root,
                     const lw_field **fields, size_t *n);

/* The field that holds the free text of an event: `want` when given and
 * present, else the first of message, msg, MESSAGE, Message, log,
 * Event.EventData.Message, Event.RenderingInfo.Message; NULL when none. */
const lw_field *lw_jsonl_message(const lw_field *fields, size_t n,
                                 const char *want);

#endif

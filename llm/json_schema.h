/* SPDX-License-Identifier: EUPL-1.2
 *
 * json_schema.h — constrained decoding: only tokens that keep the output a
 * prefix of a JSON document valid under a schema may be sampled.
 *
 * Supported schema keywords: type (object, array, string, number, integer,
 * boolean, null, and lists of these), properties, required,
 * additionalProperties (false is assumed when properties are given), items,
 * minItems/maxItems, enum and const (any JSON values), minLength/maxLength;
 * annotations (title, description, default, examples, $schema, ...) are
 * ignored. Unsupported keywords are a compile error that names them.
 * Whitespace between tokens is limited so the model cannot stall in
 * blanks. Properties are emitted in schema order; every required one
 * appears, optional ones may be skipped. Grammar details:
 * llm/json_schema_internal.h.
 *
 * The matcher works on bytes; llm_jsonc_mask() checks every vocabulary
 * token against the current state (using a trie of token bytes so shared
 * prefixes are walked once) and allows end-of-generation tokens only where
 * the document may end.
 */
#ifndef LOTSE_LLM_JSON_SCHEMA_H
#define LOTSE_LLM_JSON_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "llm/tokenizer.h"

typedef struct llm_jsonc llm_jsonc_t;         /* compiled schema */
typedef struct llm_jsonc_run llm_jsonc_run_t; /* one generation's state */

int llm_jsonc_compile(const char *schema, size_t len, llm_jsonc_t **out,
                      lotse_err_t *err);
void llm_jsonc_free(llm_jsonc_t *c);

/* The run keeps a pointer to c; token bytes and tries are built from tok
 * (~0.1 s for 150k tokens; llm_jsonc_start_vocab() in
 * json_schema_internal.h shares one index between runs). */
int llm_jsonc_start(const llm_jsonc_t *c, const llm_tokenizer_t *tok,
                    llm_jsonc_run_t **out, lotse_err_t *err);
void llm_jsonc_run_free(llm_jsonc_run_t *r);
/* Would these bytes keep the output valid? (no state change) */
bool llm_jsonc_accepts(const llm_jsonc_run_t *r, const char *p, size_t n);
/* Consume a chosen token. LOTSE_EINVAL if it was not allowed. After an
 * end-of-generation token nothing more is accepted. */
int llm_jsonc_advance(llm_jsonc_run_t *r, int32_t token);
/* The document is complete and cannot grow: only end-of-generation may
 * follow. (A top-level number such as 4 may end or grow: done() is false
 * then, but the mask already allows end-of-generation.) */
bool llm_jsonc_done(const llm_jsonc_run_t *r);
/* Append to out the bytes that complete the document from the current
 * state (closing values, required properties and minItems/minLength with
 * the smallest values), e.g. when a token limit cuts the generation short;
 * the run does not change. 0, or LOTSE_ETOOBIG when out's cap is hit. */
int llm_jsonc_complete(const llm_jsonc_run_t *r, lotse_buf_t *out);
/* mask[id] = 1 for allowed tokens, 0 otherwise (n_vocab entries). */
void llm_jsonc_mask(llm_jsonc_run_t *r, uint8_t *mask);

#endif

/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/json_schema_internal.h — pieces of constrained decoding shared by
 * llm/json_compile.c (schema -> node graph), llm/json_match.c (byte
 * matcher), llm/json_complete.c (finishing a cut-off document),
 * llm/json_vocab.c (token bytes and tries) and llm/json_schema.c (runs
 * and masks).
 *
 * Grammar choices (the contract behind json_schema.h):
 *   - Objects with "properties": keys appear in schema order; optional
 *     ones may be skipped, required ones never; no other keys. Names in
 *     "required" that "properties" lacks become required keys with any
 *     value. Keys are written exactly as jansson escapes them.
 *   - Objects without "properties": any string keys (duplicates are not
 *     prevented) with values of "additionalProperties" (a schema, or any
 *     value when absent/true); additionalProperties false: only {}.
 *   - Numbers: JSON grammar, at most 18 integer digits, 16 fraction
 *     digits and 2 exponent digits (so jansson and doubles never
 *     overflow); integers have no fraction or exponent.
 *   - Strings: printable UTF-8 (no control bytes, no overlong forms or
 *     surrogates), escapes \" \\ \/ \b \f \n \r \t \uXXXX with surrogate
 *     pairs only as pairs and no \u0000; min/maxLength count code points
 *     (an escape counts as the one code point it stands for).
 *   - enum/const: any JSON values, written compactly by jansson (reals
 *     with 17 significant digits); combined with "type", values of other
 *     types are dropped.
 *   - Whitespace: a run of at most JM_WS_MAX blanks (space, tab, newline)
 *     after '{' '[' ',' ':' and after a value inside an object or array;
 *     none before the document, after it, or before ':'.
 *   - The document nests at most JM_DEPTH - 1 levels; values of "any"
 *     type fall back to scalars at the limit.
 */
#ifndef LOTSE_LLM_JSON_SCHEMA_INTERNAL_H
#define LOTSE_LLM_JSON_SCHEMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/json_schema.h"

#define JM_DEPTH 32  /* frames, including the document frame */
#define JM_WS_MAX 16 /* blanks in one run */
#define JM_NONE UINT32_MAX
#define JM_TOKEN_MAX 255 /* longer tokens are never allowed */

/* ------------------------------------------------ compiled schema (json_compile.c) */

enum {
  JK_OBJECT,  /* listed properties in order */
  JK_MAP,     /* free keys, values of one schema */
  JK_ARRAY,   /* items of one schema */
  JK_STRING,  /* min/max code points */
  JK_NUMBER,  /* JSON number */
  JK_INTEGER, /* JSON integer */
  JK_LITERAL, /* one of lits[first..first+count), sorted, distinct */
  JK_UNION,   /* one of kids[first..], distinct first bytes */
};

typedef struct jc_node {
  uint8_t kind;
  uint32_t first, count; /* props / lits / kids */
  uint32_t child;        /* JK_ARRAY items, JK_MAP values */
  uint32_t min, max;     /* items or code points; max JM_NONE: unbounded */
} jc_node_t;

typedef struct jc_prop {
  char *key;         /* as written: quoted and escaped */
  uint32_t key_len;
  uint32_t node;     /* value schema */
  uint32_t req_next; /* index (within the object) of the first required
                        property at or after this one; count if none */
} jc_prop_t;

typedef struct jc_lit {
  char *text; /* compact JSON */
  uint32_t len;
} jc_lit_t;

struct llm_jsonc {
  jc_node_t *nodes;
  size_t n_nodes, cap_nodes;
  jc_prop_t *props;
  size_t n_props, cap_props;
  jc_lit_t *lits;
  size_t n_lits, cap_lits;
  uint32_t *kids;
  size_t n_kids, cap_kids;
  uint32_t root;
  uint32_t any;    /* the any-value union, JM_NONE until needed */
  uint32_t string; /* an unconstrained string (map keys) */
};

/* ------------------------------------------------ byte matcher (json_match.c) */

/* Frame phases (json_match.c; json_complete.c reads them). Objects and
 * maps share O_*, arrays use A_*, strings S_*, numbers N_*. */
enum { O_OPEN, O_FIRST, O_KEY, O_COLON, O_VALUE, O_AFTER, O_NEXT };
enum { A_OPEN, A_FIRST, A_AFTER, A_NEXT };
enum { S_OPEN, S_BODY, S_UTF8, S_ESC, S_U, S_LOW_BS, S_LOW_U, S_LOW };
enum { N_START, N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_ESIGN, N_EXP };

typedef struct jm_frame {
  uint32_t node; /* JM_NONE: the document frame */
  uint32_t a, b; /* per kind: see json_match.c */
  uint16_t pos;
  uint8_t phase;
  uint8_t ws; /* blanks in the current run; strings: pending bytes */
} jm_frame_t;

typedef struct jm_state {
  uint32_t depth;
  jm_frame_t f[JM_DEPTH];
} jm_state_t;

void jm_init(const llm_jsonc_t *c, jm_state_t *s);
static inline void jm_copy(jm_state_t *dst, const jm_state_t *src) {
  dst->depth = src->depth;
  for (uint32_t i = 0; i < src->depth; i++) dst->f[i] = src->f[i];
}
/* Consume one byte; false (s then undefined) if it breaks the grammar. */
bool jm_feed(const llm_jsonc_t *c, jm_state_t *s, uint8_t byte);
/* The bytes so far form a complete document (which may still grow when
 * it is a top-level number or literal prefix such as 1 of [1, 12]). */
bool jm_done(const llm_jsonc_t *c, const jm_state_t *s);
/* Inside a string, after whole characters: every plain-text byte
 * sequence of k code points is accepted iff k <= *room. */
bool jm_in_plain_string(const llm_jsonc_t *c, const jm_state_t *s,
                        uint32_t *room);
/* Append bytes that take s to a complete document (json_complete.c):
 * closes open values and adds required properties, minItems items and
 * minLength characters with the smallest values of their schemas. */
int jm_complete(const llm_jsonc_t *c, const jm_state_t *s, lotse_buf_t *out);
/* Continuation bytes after a UTF-8 lead byte (0: not a lead byte) and
 * the range of the first one as lo << 8 | hi. */
int jm_utf8_lead(uint8_t b, uint32_t *range);

/* ------------------------------------------------ vocabulary (json_vocab.c) */

typedef struct jv_node {
  uint32_t end;  /* index after this node's subtree (preorder) */
  uint32_t tok;  /* first index into tok_ids of the tokens ending here */
  uint16_t ntok; /* how many end here */
  uint8_t byte;
  uint8_t depth; /* 1 for the first byte; the root has 0 */
} jv_node_t;

typedef struct jv_trie {
  jv_node_t *n; /* preorder; n[0] is the root */
  size_t count;
  int32_t *tok_ids;
} jv_trie_t;

enum {
  JV_NONE,  /* never allowed: control, unused, empty or too long */
  JV_TEXT,  /* bytes */
  JV_PLAIN, /* bytes that are plain string text: whole UTF-8 characters,
               no '"', no '\\', no control bytes */
  JV_EOG,   /* end of generation */
};

/* What a run needs to know about a tokenizer; read-only once built, so one
 * vocabulary may serve many runs (also across threads). */
typedef struct llm_jsonc_vocab {
  size_t n_vocab;
  int32_t *eog; /* end-of-generation ids */
  size_t n_eog;
  uint32_t *off; /* n_vocab + 1 offsets into blob; unusable tokens: empty */
  char *blob;
  jv_trie_t all;  /* every usable token */
  jv_trie_t rest; /* usable tokens that are not plain text */
  uint8_t *cls;   /* n_vocab: JV_* */
  int32_t *plain_ids;
  uint32_t *plain_cp; /* code points of plain_ids[i] */
  size_t n_plain;
} llm_jsonc_vocab_t;

int llm_jsonc_vocab_new(const llm_tokenizer_t *tok, llm_jsonc_vocab_t **out,
                        lotse_err_t *err);
void llm_jsonc_vocab_free(llm_jsonc_vocab_t *v);

/* ------------------------------------------------ runs (json_schema.c) */

/* Like llm_jsonc_start() over a prebuilt vocabulary (v stays the
 * caller's and must outlive the run; NULL: bytes only, the mask is all
 * zero). llm_jsonc_start() builds its own (~tens of ms for 150k tokens). */
int llm_jsonc_start_vocab(const llm_jsonc_t *c, const llm_jsonc_vocab_t *v,
                          llm_jsonc_run_t **out, lotse_err_t *err);
/* The document may end here (end-of-generation is allowed), though it
 * may also grow; llm_jsonc_done() additionally needs that it cannot. */
bool llm_jsonc_can_end(const llm_jsonc_run_t *r);
/* Consume raw bytes (tests, byte-level walks). LOTSE_EINVAL and no change
 * if they break the grammar. */
int llm_jsonc_advance_bytes(llm_jsonc_run_t *r, const char *p, size_t n);

#endif

/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/tokenizer_internal.h — internals shared by vocab*.c, pretok.c,
 * tokenizer.c and detok.c: UTF-8 and byte-level helpers, the pre-tokenizer
 * splitter, and the compiled tokenizer object.
 *
 * Invariants: an llm_tokenizer_t is immutable after llm_tokenizer_new(), so
 * any number of threads may tokenize with it at once; all scratch memory is
 * per call.
 */
#ifndef LOTSE_LLM_TOKENIZER_INTERNAL_H
#define LOTSE_LLM_TOKENIZER_INTERNAL_H

#include "llm/tokenizer.h"

#include <stdint.h>

/* ------------------------------------------------------ pretok.c: UTF-8 */

/* Decode one code point at s[0..n) (n > 0). Invalid or truncated input
 * gives U+FFFD and consumes one byte, as llama.cpp does. */
uint32_t llm_utf8_decode(const unsigned char *s, size_t n, size_t *len);
/* Encode cp into out (4 bytes); returns the length. */
size_t llm_utf8_encode(uint32_t cp, char *out);
/* Length of the UTF-8 sequence starting with byte c (1 for invalid). */
size_t llm_utf8_len(unsigned char c);

/* Byte-level BPE alphabet (GPT-2): byte b <-> code point. */
uint32_t llm_byte_to_cp(unsigned char b);
/* -1 when cp is not one of the 256 byte code points. */
int llm_cp_to_byte(uint32_t cp);

/* ------------------------------------------------ pretok.c: splitting */

typedef enum {
  LLM_PRE_DEFAULT = 0, /* GPT-2 regex (pre "gpt-2", unknown names) */
  LLM_PRE_QWEN2,       /* digits one by one */
  LLM_PRE_LLAMA3,      /* digits in groups of 1-3 */
  LLM_PRE_CASCADE,     /* llama.cpp's "default" (or no pre name): four
                          splits in a row, see pretok.c */
} llm_pre_t;

llm_pre_t llm_pre_from_name(const char *name);

/* Text decoded to code points, ready for splitting. */
typedef struct llm_cpts {
  uint32_t *cp;
  size_t n;
} llm_cpts_t;
int llm_cpts_decode(const char *text, size_t len, llm_cpts_t *out);
void llm_cpts_release(llm_cpts_t *c);

/* Splits cp[0..n) into pre-tokens; calls fn with each code point range
 * [s, e). A non-zero return of fn stops and is returned. */
typedef int (*llm_pretok_fn)(void *ud, const uint32_t *cp, size_t s,
                             size_t e);
int llm_pretok_split(llm_pre_t pre, const uint32_t *cp, size_t n,
                     llm_pretok_fn fn, void *ud);

/* ----------------------------------------------- tokenizer.c: the object */

/* Open-addressing string table: text -> id. */
typedef struct llm_strmap {
  uint32_t *slot; /* id + 1, 0 = empty */
  size_t mask;
} llm_strmap_t;

typedef struct llm_pairmap {
  uint64_t *key; /* (left << 32 | right) + 1, 0 = empty */
  int32_t *val;
  size_t mask;
} llm_pairmap_t;

struct llm_tokenizer {
  llm_vocab_t v;       /* owned deep copy */
  int is_spm;          /* model "llama" */
  llm_pre_t pre;
  int ignore_merges;   /* llama3 */
  int add_space_prefix;
  size_t *len;         /* strlen of each token */
  llm_strmap_t tok;    /* token text -> id (last id wins, like llama.cpp) */
  llm_pairmap_t ranks; /* (left id, right id) -> merge rank (first wins);
                          merges whose parts are not tokens are dropped */
  int32_t *special;    /* CONTROL/USER_DEFINED/UNKNOWN, longest first */
  size_t n_special;
  int32_t eog[40];     /* end-of-generation ids */
  size_t n_eog;
  uint64_t *pairs;     /* SentencePiece: hashes of the adjacent character
                          pairs inside tokens; text is cut where no token
                          can span (an exact speed-up, see spm_text) */
  size_t pairs_mask;
  int32_t byte_tok[256]; /* <0xNN> (SentencePiece) or the byte-level
                            token of byte NN (gpt2); -1 when absent */
};

/* Maps over an external string array str[i] of length len[i]. */
int llm_strmap_init(llm_strmap_t *m, char *const *str, const size_t *len,
                    size_t n);
int32_t llm_strmap_find(const llm_strmap_t *m, char *const *str,
                        const size_t *len, const char *s, size_t n);
void llm_strmap_release(llm_strmap_t *m);
/* llm/vocab_compile.c: shared hashing and lookups. */
uint64_t llm_hash_bytes(const char *s, size_t n);
int32_t llm_pair_rank(const llm_pairmap_t *m, int32_t a, int32_t b);
/* Key of two adjacent characters a (na bytes) and the nb bytes after. */
uint64_t llm_pair_hash(const char *a, size_t na, size_t nb);
/* Could some token span these two characters? (SentencePiece) */
int llm_pairs_has(const struct llm_tokenizer *t, uint64_t h);
/* Token id of text (any string the tokenizer knows), -1 if none. */
int32_t llm_strmap_get(const struct llm_tokenizer *t, const char *s,
                       size_t n);

/* ----------------------------------------------------- vocab helpers */

/* Allocate v->tokens/types/scores for n tokens (zeroed, scores optional). */
int llm_vocab_alloc(llm_vocab_t *v, size_t n, int with_scores);
void llm_vocab_init(llm_vocab_t *v);

#endif

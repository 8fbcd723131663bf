/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/detok.c — token ids back to bytes, and streaming detokenisation that
 * never splits a UTF-8 character.
 *
 * llm_token_bytes() renders like llama.cpp's token_to_piece(): byte-level
 * BPE text decoded to its bytes, '▁' as a space and <0xNN> as the byte
 * (SentencePiece), user-defined tokens verbatim, control and unknown
 * tokens only on request (as their text), unused tokens as nothing.
 * llm_detok_push() holds back an incomplete UTF-8 tail (at most 3 bytes)
 * until the next push; invalid bytes pass through unchanged so that output
 * never grows beyond the input plus the held tail; llm_detok_flush() turns
 * a tail that never completed into one U+FFFD.
 */
#include "llm/tokenizer_internal.h"

#include <string.h>

static void put(char *buf, size_t cap, size_t *n, const void *p, size_t k) {
  if (*n + k <= cap) memcpy(buf + *n, p, k);
  *n += k;
}

static size_t render_bpe(const char *s, char *buf, size_t cap) {
  size_t n = 0, len = strlen(s);
  for (size_t i = 0; i < len;) {
    size_t k;
    uint32_t cp = llm_utf8_decode((const unsigned char *)s + i, len - i, &k);
    int b = llm_cp_to_byte(cp);
    if (b >= 0) {
      unsigned char c = (unsigned char)b;
      put(buf, cap, &n, &c, 1);
    } else {
      put(buf, cap, &n, s + i, k); /* not byte-level: keep as is */
    }
    i += k;
  }
  return n;
}

static size_t render_spm(const char *s, char *buf, size_t cap) {
  size_t n = 0, len = strlen(s);
  for (size_t i = 0; i < len;) {
    if (len - i >= 3 && memcmp(s + i, "\xE2\x96\x81", 3) == 0) {
      put(buf, cap, &n, " ", 1);
      i += 3;
    } else {
      put(buf, cap, &n, s + i, 1);
      i++;
    }
  }
  return n;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int llm_token_bytes(const llm_tokenizer_t *t, int32_t id, bool render_special,
                    char *buf, size_t cap) {
  if (id < 0 || (size_t)id >= t->v.n) return LOTSE_EINVAL;
  const char *s = t->v.tokens[id];
  size_t n = 0;
  switch (t->v.types[id]) {
  case LLM_TOKT_CONTROL:
  case LLM_TOKT_UNKNOWN:
    if (render_special) put(buf, cap, &n, s, strlen(s));
    break;
  case LLM_TOKT_USER_DEFINED:
    put(buf, cap, &n, s, strlen(s));
    break;
  case LLM_TOKT_BYTE:
    if (strlen(s) == 6 && hexval(s[3]) >= 0 && hexval(s[4]) >= 0) {
      unsigned char c = (unsigned char)(hexval(s[3]) << 4 | hexval(s[4]));
      put(buf, cap, &n, &c, 1);
    }
    break;
  case LLM_TOKT_NORMAL:
    n = t->is_spm ? render_spm(s, buf, cap) : render_bpe(s, buf, cap);
    break;
  default: /* unused or undefined types render as nothing */
    break;
  }
  return n > INT32_MAX ? LOTSE_ETOOBIG : (int)n;
}

/* -------------------------------------------------------- streaming */

/* Where an incomplete UTF-8 sequence at the end of p[0..n) starts (n when
 * the end is complete or invalid). */
static size_t tail_start(const unsigned char *p, size_t n) {
  for (size_t back = 1; back <= 3 && back <= n; back++) {
    unsigned char c = p[n - back];
    if ((c & 0xC0) == 0x80) continue; /* continuation: look further back */
    size_t need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                  : (c & 0xF8) == 0xF0 ? 4 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

size_t llm_detok_push(llm_detok_t *d, const char *bytes, size_t n, char *out) {
  size_t k = (size_t)d->n;
  memcpy(out, d->pend, k);
  memcpy(out + k, bytes, n);
  size_t total = k + n, cut = tail_start((const unsigned char *)out, total);
  d->n = (int)(total - cut);
  memcpy(d->pend, out + cut, (size_t)d->n);
  return cut;
}

size_t llm_detok_flush(llm_detok_t *d, char *out) {
  size_t n = 0;
  if (d->n > 0) {
    memcpy(out, "\xEF\xBF\xBD", 3);
    n = 3;
  }
  d->n = 0;
  return n;
}

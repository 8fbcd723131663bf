/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/pretok.c — UTF-8 helpers, the GPT-2 byte alphabet and the BPE
 * pre-tokenizers, written by hand over code points (no regex engine).
 *
 * The splitters implement exactly these patterns (leftmost alternative
 * first, greedy with backtracking), as llama.cpp applies them:
 *   qwen2/llama3: (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])
 *                 |[^\r\n\p{L}\p{N}]?\p{L}+ |\p{N}  (llama3: \p{N}{1,3})
 *                 | ?[^\s\p{L}\p{N}]+[\r\n]* |\s*[\r\n]+ |\s+(?!\S) |\s+
 *   default:      's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+
 *                 | ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 *                 (GPT-2; llama.cpp's pre "gpt-2", "phi-2", ...; other
 *                 unknown names, which llama.cpp refuses)
 *   cascade:      llama.cpp's "default" (pre "default" or none): runs of
 *                 [\p{P}$+<=>^~|]+, then GPT-2 inside each piece, then
 *                 \p{N}+ runs, then [0-9][0-9][0-9] groups; each split keeps
 *                 the matches and the text between them as pieces
 * \s is the Unicode White_Space set (the one llama.cpp uses); categories
 * come from utf8proc. Every code point ends up in exactly one pre-token.
 */
#include "llm/tokenizer_internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ------------------------------------------------------------- UTF-8 */

size_t llm_utf8_len(unsigned char c) {
  static const unsigned char lens[16] = {1, 1, 1, 1, 1, 1, 1, 1,
                                         1, 1, 1, 1, 2, 2, 3, 4};
  return lens[c >> 4];
}

uint32_t llm_utf8_decode(const unsigned char *s, size_t n, size_t *len) {
  unsigned char c = s[0];
  *len = 1;
  if (c < 0x80) return c;
  size_t k = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
             : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (k == 0 || k > n) return 0xFFFD;
  uint32_t cp = c & (0x7F >> k);
  for (size_t i = 1; i < k; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0xFFFD;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  *len = k;
  return cp;
}

size_t llm_utf8_encode(uint32_t cp, char *out) {
  unsigned char *o = (unsigned char *)out;
  if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | cp >> 6);
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | cp >> 12);
    o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | (cp >> 18 & 0x07));
  o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
  o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

/* GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the
 * others to 256, 257, ... in byte order. */
static int byte_printable(unsigned b) {
  return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
}

/* The 68 non-printable bytes are 0x00-0x20, 0x7F-0xA0 and 0xAD. */
uint32_t llm_byte_to_cp(unsigned char b) {
  if (byte_printable(b)) return b;
  if (b <= 0x20) return 256u + b;
  if (b <= 0xA0) return 256u + 33 + (b - 0x7Fu);
  return 256u + 67; /* 0xAD */
}

int llm_cp_to_byte(uint32_t cp) {
  if (cp < 256) return byte_printable(cp) ? (int)cp : -1;
  uint32_t k = cp - 256;
  if (k < 33) return (int)k;
  if (k < 67) return (int)(0x7F + k - 33);
  return k == 67 ? 0xAD : -1;
}

int llm_cpts_decode(const char *text, size_t len, llm_cpts_t *out) {
  out->n = 0;
  out->cp = malloc((len ? len : 1) * sizeof *out->cp);
  if (!out->cp) return LOTSE_ENOMEM;
  const unsigned char *s = (const unsigned char *)text;
  for (size_t i = 0; i < len;) {
    size_t k;
    out->cp[out->n++] = llm_utf8_decode(s + i, len - i, &k);
    i += k;
  }
  return 0;
}

void llm_cpts_release(llm_cpts_t *c) {
  free(c->cp);
  c->cp = NULL;
  c->n = 0;
}

/* -------------------------------------------------------- categories */

enum { C_L = 1, C_N = 2, C_WS = 4 };

static int is_ws(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static int cat(uint32_t c) {
  if (c < 0x80) {
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return C_L;
    if (c >= '0' && c <= '9') return C_N;
    return is_ws(c) ? C_WS : 0;
  }
  if (is_ws(c)) return C_WS;
  /* CJK Extension I (Unicode 15.1) is newer than Debian's utf8proc
   * (Unicode 15.0); llama.cpp's tables have it. The only difference in
   * \p{L}, \p{N} and \p{P} between the two over all code points. */
  if (c >= 0x2EBF0 && c <= 0x2EE5D) return C_L;
  utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
  if (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) return C_L;
  if (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO) return C_N;
  return 0;
}

/* tokenizer.ggml.pre names as llama.cpp groups them. */
static int name_in(const char *name, const char *const *list) {
  for (; *list; list++)
    if (strcmp(name, *list) == 0) return 1;
  return 0;
}

llm_pre_t llm_pre_from_name(const char *name) {
  static const char *const qwen2[] = {"qwen2", "deepseek-r1-qwen", "kormo",
                                      "f2llmv2", NULL};
  static const char *const llama3[] = {"llama3", "llama-v3", "llama-bpe",
                                       "falcon3", "falcon-h1", "pixtral",
                                       "midm-2.0", "lfm2", "jina-v5-nano",
                                       NULL};
  if (!name || !*name || strcmp(name, "default") == 0) return LLM_PRE_CASCADE;
  if (name_in(name, qwen2)) return LLM_PRE_QWEN2;
  if (name_in(name, llama3)) return LLM_PRE_LLAMA3;
  return LLM_PRE_DEFAULT; /* GPT-2 rules ("gpt-2", "phi-2", ... exactly) */
}

/* ------------------------------------------------------ the matchers */

typedef struct scan {
  const uint32_t *cp;
  size_t n;
} scan_t;

static int at(const scan_t *s, size_t i) { return i < s->n ? cat(s->cp[i]) : -1; }

static uint32_t lower(uint32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Length of a contraction at i, 0 if none. */
static size_t contraction(const scan_t *s, size_t i, int icase) {
  if (s->cp[i] != '\'' || i + 1 >= s->n) return 0;
  uint32_t a = s->cp[i + 1], b = i + 2 < s->n ? s->cp[i + 2] : 0;
  if (icase) { a = lower(a); b = lower(b); }
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') ||
      (a == 'l' && b == 'l'))
    return 3;
  return 0;
}

static size_t run_of(const scan_t *s, size_t i, int mask) {
  size_t j = i;
  while (j < s->n && (cat(s->cp[j]) & mask)) j++;
  return j;
}

static int is_nl(uint32_t c) { return c == '\r' || c == '\n'; }

/* [^\s\p{L}\p{N}]+ from i; returns the end (== i when none). */
static size_t run_other(const scan_t *s, size_t i) {
  size_t j = i;
  while (j < s->n && cat(s->cp[j]) == 0) j++;
  return j;
}

/* The three whitespace alternatives shared by all patterns. */
static size_t match_space(const scan_t *s, size_t i, int with_nl) {
  size_t j = run_of(s, i, C_WS);
  if (with_nl) { /* \s*[\r\n]+ : up to the last newline in the run */
    for (size_t k = j; k > i; k--)
      if (is_nl(s->cp[k - 1])) return k;
  }
  if (j == s->n) return j;        /* \s+(?!\S) at the end */
  if (j - i >= 2) return j - 1;   /* leave one space for the next word */
  return j;                       /* \s+ */
}

static size_t match_llama(const scan_t *s, size_t i, size_t max_digits) {
  size_t k = contraction(s, i, 1);
  if (k) return i + k;
  uint32_t c = s->cp[i];
  int ci = cat(c);
  if (ci == C_L) return run_of(s, i, C_L);
  if (ci != C_N && !is_nl(c) && at(s, i + 1) == C_L)
    return run_of(s, i + 1, C_L);
  if (ci == C_N) {
    size_t j = i;
    while (j < s->n && j - i < max_digits && cat(s->cp[j]) == C_N) j++;
    return j;
  }
  size_t st = (c == ' ' && at(s, i + 1) == 0) ? i + 1 : i;
  size_t e = run_other(s, st);
  if (e > st) {
    while (e < s->n && is_nl(s->cp[e])) e++;
    return e;
  }
  return match_space(s, i, 1);
}

static size_t match_gpt2(const scan_t *s, size_t i) {
  size_t k = contraction(s, i, 0);
  if (k) return i + k;
  size_t st = s->cp[i] == ' ' && i + 1 < s->n ? i + 1 : i;
  int cs = at(s, st);
  if (cs == C_L || cs == C_N) return run_of(s, st, cs);
  if (cs == 0) return run_other(s, st);
  return match_space(s, i, 0);
}

/* ------------------------------------------------- llama.cpp default */

typedef struct cuts {
  size_t *end; /* piece ends, ascending; the last is n */
  size_t n;
} cuts_t;

static int is_pish(uint32_t c) { /* [\p{P}$+<=>^~|] */
  if (c < 0x80 && strchr("$+<=>^~|", (int)c) && c) return 1;
  utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)c);
  return !is_ws(c) && k >= UTF8PROC_CATEGORY_PC && k <= UTF8PROC_CATEGORY_PO;
}

static int is_digit3(const uint32_t *cp, size_t i, size_t e) {
  return i + 3 <= e && cp[i] - '0' < 10 && cp[i + 1] - '0' < 10 &&
         cp[i + 2] - '0' < 10;
}

/* The first match in [i, e) of split stage k: its start (e if none) and end. */
static size_t stage_match(int k, const uint32_t *cp, size_t i, size_t e,
                          size_t *end) {
  for (; i < e; i++) {
    size_t j = i;
    if (k == 0) while (j < e && is_pish(cp[j])) j++;
    if (k == 2) while (j < e && cat(cp[j]) == C_N) j++;
    if (k == 3 && is_digit3(cp, i, e)) j = i + 3;
    if (j > i) { *end = j; return i; }
  }
  return e;
}

/* Refine every piece of in with stage k into out. */
static void stage_split(int k, const uint32_t *cp, const cuts_t *in, cuts_t *out) {
  out->n = 0;
  for (size_t p = 0, a = 0; p < in->n; a = in->end[p++]) {
    size_t b = in->end[p];
    if (k == 1) { /* GPT-2 within the piece: lookahead stops at its end */
      scan_t s = {cp + a, b - a};
      for (size_t i = 0; i < b - a;) {
        size_t e = match_gpt2(&s, i);
        out->end[out->n++] = a + e;
        i = e;
      }
      continue;
    }
    for (size_t i = a; i < b;) {
      size_t me = b, ms = stage_match(k, cp, i, b, &me);
      if (ms > i) out->end[out->n++] = ms; /* the text before the match */
      if (ms < b) out->end[out->n++] = me;
      i = ms < b ? me : b;
    }
  }
}

static int split_cascade(const uint32_t *cp, size_t n, llm_pretok_fn fn,
                         void *ud) {
  cuts_t x = {malloc((n + 1) * sizeof(size_t)), 1};
  cuts_t y = {malloc((n + 1) * sizeof(size_t)), 0};
  int rc = x.end && y.end ? 0 : LOTSE_ENOMEM;
  if (!rc) {
    x.end[0] = n;
    for (int k = 0; k < 4; k++) {
      stage_split(k, cp, &x, &y);
      cuts_t t = x; x = y; y = t;
    }
  }
  for (size_t p = 0, a = 0; !rc && p < x.n; a = x.end[p++])
    rc = fn(ud, cp, a, x.end[p]);
  free(x.end);
  free(y.end);
  return rc;
}

int llm_pretok_split(llm_pre_t pre, const uint32_t *cp, size_t n,
                     llm_pretok_fn fn, void *ud) {
  if (pre == LLM_PRE_CASCADE) return n ? split_cascade(cp, n, fn, ud) : 0;
  scan_t s = {cp, n};
  size_t i = 0;
  while (i < n) {
    size_t e = pre == LLM_PRE_QWEN2    ? match_llama(&s, i, 1)
               : pre == LLM_PRE_LLAMA3 ? match_llama(&s, i, 3)
                                       : match_gpt2(&s, i);
    if (e <= i) e = i + 1; /* cannot happen; guards the loop */
    int rc = fn(ud, cp, i, e);
    if (rc) return rc;
    i = e;
  }
  return 0;
}

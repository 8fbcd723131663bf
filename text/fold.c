/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/fold.c — steps 1 and 2 of the analysis for one word: Unicode NFKC
 * with full case folding (utf8proc; "ß" and "ẞ" become "ss", "ﬁ" becomes
 * "fi", fullwidth letters become ASCII, "u" + U+0308 becomes "ü", default
 * ignorable code points such as the soft hyphen vanish), then the german2
 * umlaut equivalence "ae/oe/ue" -> "ä/ö/ü".
 *
 * Contract: text_fold_word() output is valid UTF-8 without ASCII spaces or
 * controls and never longer than cap; pure-ASCII input takes a fast path
 * without utf8proc.
 * Umlaut rule (Snowball german2 prelude): "ue" is kept after "q" and when
 * the "u" follows a vowel ("steuer", "bauer", "neue"), because such a "u"
 * is a consonant or part of a diphthong; "ae" and "oe" always fold.
 * The mapping never makes a word longer (two bytes become two bytes).
 */
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---------------------------------------------------------- helpers */

static size_t utf8_lead_len(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) return 2;
  if ((c & 0xF0) == 0xE0) return 3;
  if ((c & 0xF8) == 0xF0) return 4;
  return 1; /* stray continuation byte: copy it alone */
}

size_t text_utf8_count(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) k++;
  return k;
}

/* Vowels of Snowball German: a e i o u y ä ö ü. */
static int is_vowel(const unsigned char *s, size_t l) {
  if (l == 1) return strchr("aeiouy", s[0]) != NULL && s[0] != 0;
  return l == 2 && s[0] == 0xC3 &&
         (s[1] == 0xA4 || s[1] == 0xB6 || s[1] == 0xBC);
}

/* ------------------------------------------------------ umlaut pairs */

size_t text_fold_umlaut_pairs(const char *in, size_t n, char *out) {
  const unsigned char *s = (const unsigned char *)in;
  size_t o = 0;
  int prev_vowel = 0, prev_q = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    if ((c == 'a' || c == 'o' || c == 'u') && i + 1 < n && s[i + 1] == 'e' &&
        !(c == 'u' && (prev_q || prev_vowel))) {
      out[o++] = (char)0xC3;
      out[o++] = (char)(c == 'a' ? 0xA4 : c == 'o' ? 0xB6 : 0xBC);
      i += 2;
      prev_vowel = 1;
      prev_q = 0;
      continue;
    }
    size_t l = utf8_lead_len(c);
    if (l > n - i) l = n - i;
    prev_vowel = is_vowel(s + i, l);
    prev_q = c == 'q';
    memmove(out + o, s + i, l); /* in == out is allowed: o <= i */
    o += l;
    i += l;
  }
  return o;
}

size_t text_fold_umlaut_base(char *str, size_t n) {
  unsigned char *s = (unsigned char *)str;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == 0xC3 && i + 1 < n &&
        (s[i + 1] == 0xA4 || s[i + 1] == 0xB6 || s[i + 1] == 0xBC)) {
      s[o++] = s[i + 1] == 0xA4 ? 'a' : s[i + 1] == 0xB6 ? 'o' : 'u';
      i++;
    } else {
      s[o++] = s[i];
    }
  }
  return o;
}

/* ---------------------------------------------------- NFKC casefold */

#define FOLD_OPTS                                                        \
  (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |                \
   UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)

/* NFKC_Casefold of s into dst (cap bytes); returns length or < 0. */
static int nfkc_casefold(const char *s, size_t n, char *dst, size_t cap) {
  utf8proc_int32_t stackbuf[4 * TEXT_WORD_MAX];
  utf8proc_int32_t *buf = stackbuf;
  utf8proc_ssize_t cnt = utf8proc_decompose(
      (const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, buf,
      (utf8proc_ssize_t)(sizeof stackbuf / sizeof *stackbuf - 1), FOLD_OPTS);
  if (cnt < 0) return LOTSE_EINVAL;
  /* utf8proc_reencode() needs one spare unit for its NUL byte. */
  if ((size_t)cnt > sizeof stackbuf / sizeof *stackbuf - 1) {
    buf = malloc(((size_t)cnt + 1) * sizeof *buf);
    if (!buf) return LOTSE_ENOMEM;
    utf8proc_ssize_t again = utf8proc_decompose(
        (const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, buf, cnt,
        FOLD_OPTS);
    if (again != cnt) {
      free(buf);
      return LOTSE_EINTERNAL;
    }
  }
  /* Composes, then writes UTF-8 bytes over the code point buffer. */
  utf8proc_ssize_t len = utf8proc_reencode(buf, cnt, FOLD_OPTS);
  int rc;
  if (len < 0) rc = LOTSE_EINVAL;
  else if ((size_t)len > cap) rc = LOTSE_ETOOBIG;
  else {
    memcpy(dst, buf, (size_t)len);
    rc = (int)len;
  }
  if (buf != stackbuf) free(buf);
  return rc;
}

/* Compatibility mappings can bring spaces into a word (U+FDFA becomes a
 * phrase); a term never contains ASCII spaces or controls. */
static size_t drop_spaces(char *s, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] > 0x20) s[o++] = s[i];
  return o;
}

/* --------------------------------------------------------- public */

int text_fold_word(const char *s, size_t n, char *out, size_t cap) {
  size_t i = 0;
  while (i < n && (unsigned char)s[i] < 0x80) i++;
  if (i == n) { /* ASCII fast path: lower-case into out, pairs in place */
    if (n > cap) return LOTSE_ETOOBIG;
    for (i = 0; i < n; i++) {
      unsigned char c = (unsigned char)s[i];
      out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return (int)text_fold_umlaut_pairs(out, n, out);
  }
  size_t tcap = cap + 16;
  char low[TEXT_WORD_MAX + 16];
  char *tmp = tcap <= sizeof low ? low : malloc(tcap);
  if (!tmp) return LOTSE_ENOMEM;
  int len = nfkc_casefold(s, n, tmp, tcap);
  if (len > 0) len = (int)drop_spaces(tmp, (size_t)len);
  if (len >= 0 && (size_t)len > cap) len = LOTSE_ETOOBIG;
  if (len > 0) len = (int)text_fold_umlaut_pairs(tmp, (size_t)len, out);
  if (tmp != low) free(tmp);
  return len;
}

char *text_fold_prefix(text_analyzer_t *a, const char *word, size_t n) {
  (void)a; /* folding needs no per-thread state */
  if (!word) return NULL;
  char *clean = lotse_utf8_sanitize(word, n);
  if (!clean) return NULL;
  size_t cn = strlen(clean);
  size_t cap = 4 * cn + 16;
  char *out = malloc(cap + 1);
  int len = out ? text_fold_word(clean, cn, out, cap) : LOTSE_ENOMEM;
  free(clean);
  if (len < 0) {
    free(out);
    return NULL;
  }
  len = (int)text_fold_umlaut_base(out, (size_t)len);
  out[len] = '\0';
  return out;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/mask.c — built-in token masking (see mask.h). One pass
 * over the bytes; ASCII classes only, other bytes count as letters.
 */
#include "analytics/logwatch/mask.h"

#include <string.h>

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static int is_hex(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_alnum(unsigned char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c >= 0x80;
}

/* Length of a hex number starting at i (0: none): "0x…" or an alnum run of
 * >= 8 hex digits with a decimal digit. */
static size_t hex_at(const unsigned char *t, size_t n, size_t i) {
  if (i + 2 < n && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X') &&
      is_hex(t[i + 2])) {
    size_t j = i + 2;
    while (j < n && is_hex(t[j])) j++;
    return j - i;
  }
  size_t j = i;
  int dig = 0;
  while (j < n && is_alnum(t[j])) {
    if (!is_hex(t[j])) return 0;
    dig |= is_digit(t[j]);
    j++;
  }
  return j - i >= 8 && dig ? j - i : 0;
}

/* Length of a decimal number at i: optional '-', digits, and further
 * ".digits" / ",digits" groups ("-1", "0.5", "2.6.9"). */
static size_t num_at(const unsigned char *t, size_t n, size_t i) {
  size_t j = i + (t[i] == '-');
  if (j >= n || !is_digit(t[j])) return 0;
  while (j < n && is_digit(t[j])) j++;
  while (j + 1 < n && (t[j] == '.' || t[j] == ',') && is_digit(t[j + 1])) {
    j++;
    while (j < n && is_digit(t[j])) j++;
  }
  if (j < n && is_alnum(t[j]) && !is_digit(t[j])) return 0; /* "3rd", "10ms" */
  return j - i;
}

static int is_ident(unsigned char c) { return is_alnum(c) || c == '_'; }

/* An identifier of letters, digits and '_' holding two or more numbers
 * ("attempt_<*>_<*>_m_<*>_<*>", "rdd_<*>_<*>,") is one id: "<*>" (the
 * punctuation around it stays). */
static size_t ident_ids(char *out, size_t o) {
  size_t pre = 0, end = o, stars = 0;
  while (pre < o && !is_ident((unsigned char)out[pre]) && out[pre] != '<') pre++;
  while (end > pre && !is_ident((unsigned char)out[end - 1]) &&
         out[end - 1] != '>')
    end--;
  for (size_t i = pre; i < end; i++) {
    if (out[i] == '<' && i + 2 < end && out[i + 1] == '*' && out[i + 2] == '>') {
      stars++;
      i += 2;
    } else if (!is_ident((unsigned char)out[i])) {
      return o;
    }
  }
  if (stars < 2) return o;
  memmove(out + pre + 3, out + end, o - end);
  memcpy(out + pre, "<*>", 3);
  return pre + 3 + (o - end);
}

size_t lw_mask_token(const char *tok, size_t n, char *out) {
  const unsigned char *t = (const unsigned char *)tok;
  size_t o = 0, i = 0;
  while (i < n && !is_digit(t[i])) i++;
  if (i == n) { /* most words: no digit, nothing to mask */
    memcpy(out, tok, n);
    return n;
  }
  i = 0;
  while (i < n) {
    int start = i == 0 || !is_alnum(t[i - 1]);
    size_t h = start ? hex_at(t, n, i) : 0;
    if (!h && start) h = num_at(t, n, i);
    if (h) {
      memcpy(out + o, "<*>", 3);
      o += 3;
      i += h;
      continue;
    }
    if (is_alnum(t[i])) { /* a word, digits in it included ("jk2") */
      while (i < n && is_alnum(t[i])) out[o++] = (char)t[i++];
      continue;
    }
    out[o++] = (char)t[i++];
  }
  return ident_ids(out, o);
}

int lw_mask_is_var(const char *tok, size_t n) {
  int star = 0;
  for (size_t i = 0; i < n; i++) {
    if (tok[i] == '<' && i + 2 < n && tok[i + 1] == '*' && tok[i + 2] == '>') {
      star = 1;
      i += 2;
    } else if (is_alnum((unsigned char)tok[i])) {
      return 0;
    }
  }
  return star;
}

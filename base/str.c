/* SPDX-License-Identifier: EUPL-1.2
 *
 * base/str.c — small string helpers and UTF-8 validation.
 */
#include "base/base.h"

#include <stdlib.h>
#include <string.h>

char *lotse_strdup(const char *s) {
  return s ? lotse_strndup(s, strlen(s)) : NULL;
}

char *lotse_strndup(const char *s, size_t n) {
  if (!s) return NULL;
  char *p = malloc(n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

static int is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

void lotse_str_squeeze(char *s) {
  char *w = s;
  int pending = 0;
  for (const char *r = s; *r; r++) {
    if (is_space((unsigned char)*r)) {
      pending = (w != s);
      continue;
    }
    if (pending) *w++ = ' ';
    pending = 0;
    *w++ = *r;
  }
  *w = '\0';
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned min;
  if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; c &= 0x1F; }
  else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; c &= 0x0F; }
  else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; c &= 0x07; }
  else return 0;
  if (len > n) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    c = (c << 6) | (p[i] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  return len;
}

int lotse_utf8_valid(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    size_t l = utf8_seq(p + i, n - i);
    if (!l || (l == 1 && p[i] == 0)) return 0;
    i += l;
  }
  return 1;
}

char *lotse_utf8_sanitize(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  /* Worst case: every byte becomes U+FFFD (3 bytes). */
  if (n > (SIZE_MAX - 1) / 3) return NULL;
  char *out = malloc(n * 3 + 1), *w = out;
  if (!out) return NULL;
  size_t i = 0;
  while (i < n) {
    size_t l = utf8_seq(p + i, n - i);
    if (l == 1 && p[i] == 0) l = 0; /* NUL would cut strings short */
    if (l) {
      memcpy(w, p + i, l);
      w += l;
      i += l;
    } else {
      memcpy(w, "\xEF\xBF\xBD", 3);
      w += 3;
      i++;
    }
  }
  *w = '\0';
  return out;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * base/buf.c — bounded growable buffers and string vectors.
 *
 * Invariant: after any successful append, data[len] == '\0', so a buffer is
 * always usable as a C string; a failed append leaves the buffer unchanged.
 */
#include "base/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lotse_buf_init(lotse_buf_t *b, size_t max) {
  b->data = NULL;
  b->len = b->cap = 0;
  b->max = max ? max : (size_t)1 << 30;
}

void lotse_buf_release(lotse_buf_t *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void lotse_buf_reset(lotse_buf_t *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

static int grow(lotse_buf_t *b, size_t extra) {
  if (extra > b->max || b->len > b->max - extra) return LOTSE_ETOOBIG;
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p) return LOTSE_ENOMEM;
  b->data = p;
  b->cap = cap;
  return 0;
}

int lotse_buf_append(lotse_buf_t *b, const void *p, size_t n) {
  int rc = grow(b, n);
  if (rc) return rc;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int lotse_buf_puts(lotse_buf_t *b, const char *s) {
  return lotse_buf_append(b, s, strlen(s));
}

int lotse_buf_putc(lotse_buf_t *b, char c) {
  return lotse_buf_append(b, &c, 1);
}

int lotse_buf_printf(lotse_buf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return LOTSE_EINVAL;
  int rc = grow(b, (size_t)n);
  if (rc) return rc;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

char *lotse_buf_detach(lotse_buf_t *b) {
  char *p = b->data;
  if (!p) p = calloc(1, 1);
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}

int lotse_strv_push(lotse_strv_t *sv, const char *s) {
  if (sv->n == sv->cap) {
    size_t cap = sv->cap ? sv->cap * 2 : 8;
    char **v = realloc(sv->v, cap * sizeof *v);
    if (!v) return LOTSE_ENOMEM;
    sv->v = v;
    sv->cap = cap;
  }
  char *c = lotse_strdup(s);
  if (!c) return LOTSE_ENOMEM;
  sv->v[sv->n++] = c;
  return 0;
}

void lotse_strv_release(lotse_strv_t *sv) {
  for (size_t i = 0; i < sv->n; i++) free(sv->v[i]);
  free(sv->v);
  sv->v = NULL;
  sv->n = sv->cap = 0;
}

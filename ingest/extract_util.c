/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/extract_util.c — helpers shared by the format readers: one-time
 * library set-up (quiet logs), blocks with error messages, paragraph
 * splitting, metadata JSON and charset conversion to UTF-8.
 *
 * Contract: see ingest/extract_internal.h. The GLib log handlers installed
 * here only cover the domains of the libraries that parse untrusted input
 * (poppler, GMime), so their complaints about bad files reach lotse_log at
 * debug level and never spam stderr.
 */
#include "ingest/extract_internal.h"

#include <glib.h>
#include <gmime/gmime.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- set-up */

static void log_quiet(const gchar *domain, GLogLevelFlags level,
                      const gchar *msg, gpointer data) {
  (void)data;
  (void)level;
  lotse_log(LOTSE_LOG_DEBUG, "%s: %s", domain ? domain : "glib",
            msg ? msg : "");
}

static void libs_init_once(void) {
  xmlInitParser();
  g_mime_init();
  static const char *const domains[] = {"Poppler", "GMime", "gmime"};
  GLogLevelFlags levels = G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING |
                          G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO |
                          G_LOG_LEVEL_DEBUG;
  for (size_t i = 0; i < sizeof domains / sizeof *domains; i++)
    g_log_set_handler(domains[i], levels, log_quiet, NULL);
}

void ingest_libs_init(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, libs_init_once);
}

/* ------------------------------------------------------------- blocks */

int ingest_add_block(ingest_extract_t *x, ingest_block_kind_t kind, int level,
                     int page, const char *text, size_t len,
                     lotse_err_t *err) {
  int rc = ingest_extract_add(x, kind, level, page, text, len);
  if (rc == LOTSE_ETOOBIG)
    return lotse_err_set(err, rc,
                         "extracted text larger than the limit of %zu bytes",
                         x->max_text_bytes);
  if (rc) return lotse_err_set(err, rc, "out of memory");
  return 0;
}

static int is_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' &&
        s[i] != '\v')
      return 0;
  return 1;
}

/* Lower-case start of a word: ASCII or the German umlauts and sharp s. */
static int starts_lower(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  if (n >= 1 && p[0] >= 'a' && p[0] <= 'z') return 1;
  return n >= 2 && p[0] == 0xC3 &&
         (p[1] == 0xA4 || p[1] == 0xB6 || p[1] == 0xBC || p[1] == 0x9F);
}

static int is_letter_end(unsigned char c) {
  return c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* "und"/"oder"/"bzw" after a hyphen: a suspended compound ("Bund- und
 * Länderebene"), so the hyphen stays and a space follows. */
static int starts_conjunction(const char *s, size_t n) {
  static const char *const w[] = {"und ", "oder ", "bzw", "sowie "};
  for (size_t i = 0; i < sizeof w / sizeof *w; i++)
    if (n >= strlen(w[i]) && !memcmp(s, w[i], strlen(w[i]))) return 1;
  return 0;
}

/* Append one line to a paragraph, undoing an end-of-line hyphenation:
 * "Verwal-" + "tung" -> "Verwaltung", "E-Mail-" + "Adresse" ->
 * "E-Mail-Adresse". */
int ingest_para_join(lotse_buf_t *para, const char *line, size_t n) {
  while (n && (*line == ' ' || *line == '\t')) line++, n--;
  while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
               line[n - 1] == '\r'))
    n--;
  if (!n) return 0;
  int hyphen = para->len >= 2 && para->data[para->len - 1] == '-' &&
               is_letter_end((unsigned char)para->data[para->len - 2]) &&
               !starts_conjunction(line, n);
  if (hyphen && starts_lower(line, n))
    para->len--; /* drop the hyphen and glue */
  else if (hyphen && (unsigned char)line[0] >= 'A')
    ; /* keep the hyphen, glue */
  else if (para->len && lotse_buf_putc(para, ' '))
    return LOTSE_ENOMEM;
  return lotse_buf_append(para, line, n) ? LOTSE_ENOMEM : 0;
}

int ingest_add_paragraphs(ingest_extract_t *x, const char *text, size_t len,
                          int page, lotse_err_t *err) {
  lotse_buf_t para;
  lotse_buf_init(&para, 0);
  int rc = 0;
  size_t i = 0;
  while (i <= len && !rc) {
    const char *nl = i < len ? memchr(text + i, '\n', len - i) : NULL;
    size_t end = nl ? (size_t)(nl - text) : len;
    if (is_blank(text + i, end - i) || end == len) {
      if (!is_blank(text + i, end - i))
        rc = ingest_para_join(&para, text + i, end - i);
      if (!rc && para.len)
        rc = ingest_add_block(x, INGEST_BLOCK_PARA, 0, page, para.data,
                              para.len, err);
      lotse_buf_reset(&para);
    } else {
      rc = ingest_para_join(&para, text + i, end - i);
    }
    i = end + 1;
  }
  lotse_buf_release(&para);
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  return rc;
}

/* ----------------------------------------------------------- metadata */

int ingest_meta_set_str(json_t *obj, const char *key, const char *value) {
  if (!value || !*value) return 0;
  char *v = lotse_utf8_sanitize(value, strlen(value));
  if (!v) return LOTSE_ENOMEM;
  lotse_str_squeeze(v);
  int rc = 0;
  if (*v && json_object_set_new(obj, key, json_string(v)) != 0)
    rc = LOTSE_ENOMEM;
  free(v);
  return rc;
}

int ingest_meta_store(ingest_extract_t *x, json_t *obj, lotse_err_t *err) {
  char *s = obj ? json_dumps(obj, JSON_COMPACT) : lotse_strdup("{}");
  if (!s) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  /* json_dumps memory comes from malloc (jansson's default allocator). */
  free(x->metadata);
  x->metadata = s;
  return 0;
}

/* ------------------------------------------------------------ charsets */

/* Code points of Windows-1252 0x80..0x9F; 0 marks the five unused slots. */
static const unsigned short cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

char *ingest_cp1252_to_utf8(const char *s, size_t n, size_t *out_len) {
  if (n > (SIZE_MAX - 1) / 3) return NULL;
  char *out = malloc(n * 3 + 1);
  if (!out) return NULL;
  unsigned char *w = (unsigned char *)out;
  for (size_t i = 0; i < n; i++) {
    unsigned c = (unsigned char)s[i];
    if (c >= 0x80 && c < 0xA0) c = cp1252_high[c - 0x80] ? cp1252_high[c - 0x80]
                                                         : 0xFFFD;
    if (c < 0x80) {
      *w++ = (unsigned char)c;
    } else if (c < 0x800) {
      *w++ = (unsigned char)(0xC0 | (c >> 6));
      *w++ = (unsigned char)(0x80 | (c & 0x3F));
    } else {
      *w++ = (unsigned char)(0xE0 | (c >> 12));
      *w++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
      *w++ = (unsigned char)(0x80 | (c & 0x3F));
    }
  }
  *w = '\0';
  if (out_len) *out_len = (size_t)((char *)w - out);
  return out;
}

char *ingest_charset_to_utf8(const char *s, size_t n, const char *charset,
                             size_t *out_len) {
  if (!charset || !*charset) return NULL;
  gsize written = 0;
  GError *e = NULL;
  gchar *g = g_convert(s, (gssize)n, "UTF-8", charset, NULL, &written, &e);
  if (!g) {
    g_clear_error(&e);
    return NULL;
  }
  char *out = lotse_strndup(g, written);
  g_free(g);
  if (out && out_len) *out_len = written;
  return out;
}

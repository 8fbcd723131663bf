/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/easy_qr.c — URL -> QR code (libqrencode, level M) -> PNG (libpng)
 * or SVG; the permanent address of an easy version; all-or-nothing file
 * writing. See apps/easy_qr.h.
 */
#include "apps/easy_qr.h"

#include <errno.h>
#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ----------------------------------------------------------- review state */

static const char *const review_names[] = {
    "entwurf", "geprueft", "pruefgruppe", "veroeffentlicht", "zurueckgezogen"};
#define NREVIEW (sizeof review_names / sizeof review_names[0])

const char *easy_review_name(easy_review_t s) {
  return (unsigned)s < NREVIEW ? review_names[s] : NULL;
}

int easy_review_parse(const char *name, easy_review_t *out) {
  for (size_t i = 0; name && i < NREVIEW; i++)
    if (!strcmp(name, review_names[i])) {
      *out = (easy_review_t)i;
      return 0;
    }
  return LOTSE_EINVAL;
}

/* -------------------------------------------------------------- checking */

/* Length of "http://" or "https://" at the start of url (any case), else 0. */
static size_t scheme_len(const char *url) {
  if (!strncasecmp(url, "https://", 8)) return 8;
  if (!strncasecmp(url, "http://", 7)) return 7;
  return 0;
}

int easy_qr_url_check(const char *url, lotse_err_t *err) {
  if (!url || !*url)
    return lotse_err_set(err, LOTSE_EINVAL, "die Adresse (URL) ist leer");
  size_t n = strlen(url);
  if (n > EASY_QR_URL_MAX)
    return lotse_err_set(err, LOTSE_ETOOBIG,
                         "die Adresse ist zu lang (%zu Bytes, höchstens %d)", n,
                         EASY_QR_URL_MAX);
  size_t s = scheme_len(url);
  if (!s)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "die Adresse muss mit http:// oder https:// beginnen");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)url[i];
    if (c <= 0x20 || c >= 0x7f)
      return lotse_err_set(
          err, LOTSE_EINVAL,
          "die Adresse enthält an Stelle %zu ein unzulässiges Zeichen "
          "(Leerzeichen, Umlaute und Sonderzeichen bitte mit %% kodieren, "
          "z. B. ü als %%C3%%BC)", i + 1);
  }
  if (!url[s] || url[s] == '/' || url[s] == '?' || url[s] == '#')
    return lotse_err_set(err, LOTSE_EINVAL,
                         "die Adresse nennt keinen Server (Host)");
  return 0;
}

int easy_qr_id_check(const char *id, lotse_err_t *err) {
  size_t n = id ? strlen(id) : 0;
  if (!n || n > EASY_QR_ID_MAX)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "die Kennung muss 1 bis %d Zeichen lang sein",
                         EASY_QR_ID_MAX);
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '-' && c != '_' && c != '.')))
      return lotse_err_set(err, LOTSE_EINVAL,
                           "die Kennung '%s' enthält ein unzulässiges Zeichen "
                           "(erlaubt: Buchstaben a-z, Ziffern, '-', '_', '.'; "
                           "am Anfang ein Buchstabe oder eine Ziffer)", id);
  }
  return 0;
}

int easy_qr_permalink(const char *base, const char *id, char **out,
                      lotse_err_t *err) {
  *out = NULL;
  int rc = easy_qr_url_check(base, err);
  if (rc) return rc;
  if (strchr(base, '?') || strchr(base, '#'))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "die Basisadresse darf kein '?' und kein '#' "
                         "enthalten");
  if ((rc = easy_qr_id_check(id, err))) return rc;
  size_t n = strlen(base);
  while (n > scheme_len(base) && base[n - 1] == '/') n--;
  lotse_buf_t b;
  lotse_buf_init(&b, EASY_QR_URL_MAX + 1);
  if (lotse_buf_append(&b, base, n) || lotse_buf_puts(&b, "/leicht/") ||
      lotse_buf_puts(&b, id)) {
    lotse_buf_release(&b);
    return lotse_err_set(err, LOTSE_ETOOBIG,
                         "die Adresse wird zu lang (höchstens %d Bytes)",
                         EASY_QR_URL_MAX);
  }
  char *url = lotse_buf_detach(&b);
  if ((rc = easy_qr_url_check(url, err))) {
    free(url);
    return rc;
  }
  *out = url;
  return 0;
}

/* -------------------------------------------------------------- encoding */

int easy_qr_encode(const char *url, easy_qr_t *qr, lotse_err_t *err) {
  memset(qr, 0, sizeof *qr);
  int rc = easy_qr_url_check(url, err);
  if (rc) return rc;
  errno = 0;
  QRcode *c = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!c)
    return lotse_err_set(err, errno == ENOMEM ? LOTSE_ENOMEM : LOTSE_ETOOBIG,
                         "QR-Code nicht erzeugbar (%s)",
                         errno == ERANGE ? "Adresse zu lang" : strerror(errno));
  size_t w = (size_t)c->width;
  qr->mod = malloc(w * w);
  if (!qr->mod) {
    QRcode_free(c);
    return lotse_err_set(err, LOTSE_ENOMEM, "kein Speicher für den QR-Code");
  }
  for (size_t i = 0; i < w * w; i++) qr->mod[i] = c->data[i] & 1;
  qr->width = c->width;
  QRcode_free(c);
  return 0;
}

void easy_qr_free(easy_qr_t *qr) {
  if (!qr) return;
  free(qr->mod);
  qr->mod = NULL;
  qr->width = 0;
}

static int size_check(const easy_qr_t *qr, int px, lotse_err_t *err) {
  if (!qr || !qr->mod || qr->width <= 0)
    return lotse_err_set(err, LOTSE_EINVAL, "kein QR-Code");
  if (px < 1 || px > EASY_QR_SIZE_MAX)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Modulgröße %d außerhalb von 1 bis %d Pixel", px,
                         EASY_QR_SIZE_MAX);
  return 0;
}

/* ------------------------------------------------------------------- SVG */

int easy_qr_svg(const easy_qr_t *qr, int px, lotse_buf_t *out,
                lotse_err_t *err) {
  int rc = size_check(qr, px, err);
  if (rc) return rc;
  int w = qr->width, full = w + 2 * EASY_QR_QUIET;
  int bad = lotse_buf_printf(
      out,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">\n"
      "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n<path fill=\"#000\" "
      "d=\"",
      full * px, full * px, full, full, full, full);
  /* One rectangle per horizontal run of dark modules. */
  for (int y = 0; y < w && !bad; y++)
    for (int x = 0; x < w && !bad;) {
      if (!qr->mod[y * w + x]) {
        x++;
        continue;
      }
      int x0 = x;
      while (x < w && qr->mod[y * w + x]) x++;
      bad = lotse_buf_printf(out, "M%d %dh%dv1h-%dz", x0 + EASY_QR_QUIET,
                             y + EASY_QR_QUIET, x - x0, x - x0);
    }
  if (!bad) bad = lotse_buf_puts(out, "\"/>\n</svg>\n");
  return bad ? lotse_err_set(err, LOTSE_ENOMEM, "kein Speicher für das SVG")
             : 0;
}

/* ------------------------------------------------------------------- PNG */

static void png_sink(png_structp p, png_bytep d, png_size_t n) {
  lotse_buf_t *b = png_get_io_ptr(p);
  if (lotse_buf_append(b, d, n)) png_error(p, "out of memory");
}

static void png_noflush(png_structp p) { (void)p; }

/* 1-bit grey rows: bit set = white; MSB is the leftmost pixel. */
static void png_rows(png_structp p, const easy_qr_t *qr, int px,
                     unsigned char *row, size_t rowbytes) {
  int w = qr->width, full = (w + 2 * EASY_QR_QUIET) * px;
  for (int y = 0; y < full; y++) {
    int my = y / px - EASY_QR_QUIET;
    memset(row, 0, rowbytes);
    for (int x = 0; x < full; x++) {
      int mx = x / px - EASY_QR_QUIET;
      int dark = my >= 0 && my < w && mx >= 0 && mx < w && qr->mod[my * w + mx];
      if (!dark) row[x >> 3] |= (unsigned char)(0x80u >> (x & 7));
    }
    png_write_row(p, row);
  }
}

static int png_run(png_structp p, png_infop info, const easy_qr_t *qr, int px,
                   unsigned char *row, size_t rowbytes, lotse_buf_t *out) {
  if (setjmp(png_jmpbuf(p))) return LOTSE_EIO;
  png_uint_32 full = (png_uint_32)((qr->width + 2 * EASY_QR_QUIET) * px);
  png_set_write_fn(p, out, png_sink, png_noflush);
  png_set_IHDR(p, info, full, full, 1, PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(p, info);
  png_rows(p, qr, px, row, rowbytes);
  png_write_end(p, NULL);
  return 0;
}

int easy_qr_png(const easy_qr_t *qr, int px, lotse_buf_t *out,
                lotse_err_t *err) {
  int rc = size_check(qr, px, err);
  if (rc) return rc;
  size_t full = (size_t)(qr->width + 2 * EASY_QR_QUIET) * (size_t)px;
  size_t rowbytes = (full + 7) / 8;
  unsigned char *row = malloc(rowbytes);
  png_structp p =
      row ? png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL)
          : NULL;
  png_infop info = p ? png_create_info_struct(p) : NULL;
  size_t len0 = out->len;
  rc = info ? png_run(p, info, qr, px, row, rowbytes, out) : LOTSE_ENOMEM;
  if (p) png_destroy_write_struct(&p, info ? &info : NULL);
  free(row);
  if (rc) {
    out->len = len0;
    return lotse_err_set(err, rc, "PNG nicht erzeugbar");
  }
  return 0;
}

/* ------------------------------------------------------ all-or-nothing I/O */

static int write_tmp(const char *path, const lotse_buf_t *data, char **tmp,
                     lotse_err_t *err) {
  size_t n = strlen(path) + 16;
  *tmp = malloc(n);
  if (!*tmp) return lotse_err_set(err, LOTSE_ENOMEM, "kein Speicher");
  snprintf(*tmp, n, "%s.tmpXXXXXX", path);
  int fd = mkstemp(*tmp);
  if (fd < 0) {
    int e = errno;
    free(*tmp);
    *tmp = NULL;
    return lotse_err_set(err, LOTSE_EIO, "'%s' nicht schreibbar (%s)", path,
                         strerror(e));
  }
  size_t off = 0;
  while (off < data->len) {
    ssize_t w = write(fd, data->data + off, data->len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += (size_t)w;
  }
  int e = errno;
  int bad = off != data->len || fchmod(fd, 0644) || fsync(fd);
  if (close(fd)) bad = 1;
  if (bad) {
    unlink(*tmp);
    free(*tmp);
    *tmp = NULL;
    return lotse_err_set(err, LOTSE_EIO, "'%s' nicht schreibbar (%s)", path,
                         strerror(e ? e : EIO));
  }
  return 0;
}

int easy_qr_write_files(size_t n, const char *const *paths,
                        const lotse_buf_t *const *data, lotse_err_t *err) {
  char **tmp = calloc(n ? n : 1, sizeof *tmp);
  if (!tmp) return lotse_err_set(err, LOTSE_ENOMEM, "kein Speicher");
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++)
    rc = write_tmp(paths[i], data[i], &tmp[i], err);
  for (size_t i = 0; i < n && !rc; i++)
    if (rename(tmp[i], paths[i])) {
      rc = lotse_err_set(err, LOTSE_EIO, "'%s' nicht schreibbar (%s)",
                         paths[i], strerror(errno));
      break;
    } else {
      free(tmp[i]);
      tmp[i] = NULL;
    }
  for (size_t i = 0; i < n; i++) {
    if (tmp[i]) unlink(tmp[i]);
    free(tmp[i]);
  }
  free(tmp);
  return rc;
}

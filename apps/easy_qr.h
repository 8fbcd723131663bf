/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/easy_qr.h — the QR code printed on a binding Bescheid that links to
 * its easy-language version (Leichte Sprache). A URL is encoded with
 * libqrencode (byte mode, error-correction level M) and written as PNG
 * (libpng, 1-bit grey) or SVG (one path, crisp edges); both carry a quiet
 * zone of EASY_QR_QUIET modules. The permanent address of an easy version
 * is BASE/leicht/ID (easy_qr_permalink, docs/cli/easy-qr.md).
 */
#ifndef LOTSE_APPS_EASY_QR_H
#define LOTSE_APPS_EASY_QR_H

#include "base/base.h"

#define EASY_QR_URL_MAX 1024   /* bytes; longer URLs are refused */
#define EASY_QR_ID_MAX 64      /* identifier of an easy version */
#define EASY_QR_QUIET 4        /* quiet zone in modules, each side */
#define EASY_QR_SIZE_DEFAULT 8 /* pixels per module */
#define EASY_QR_SIZE_MAX 64

/* Not-legally-binding notice printed next to every easy version. */
#define EASY_NOTICE_DE                                                     \
  "Dieser Text ist in Leichter Sprache. Er ist nicht rechtlich "          \
  "verbindlich. Rechtlich gilt nur der Bescheid."

/* Review status of an easy version (docs/easy-language.md). */
typedef enum {
  EASY_REVIEW_DRAFT = 0,   /* "entwurf": generated or written, unchecked */
  EASY_REVIEW_CHECKED,     /* "geprueft": staff checked content */
  EASY_REVIEW_TESTED,      /* "pruefgruppe": tested with readers */
  EASY_REVIEW_PUBLISHED,   /* "veroeffentlicht": reachable at its URL */
  EASY_REVIEW_WITHDRAWN    /* "zurueckgezogen": URL answers with a notice */
} easy_review_t;

/* Stable lower-case names of the review states (NULL when out of range),
 * and the reverse (negative LOTSE_EINVAL for an unknown name). */
const char *easy_review_name(easy_review_t s);
int easy_review_parse(const char *name, easy_review_t *out);

/* Module matrix: mod[y * width + x] is 1 for a dark module. */
typedef struct easy_qr {
  int width;
  unsigned char *mod;
} easy_qr_t;

/* 0 when url is acceptable: http:// or https:// (any case), a non-empty
 * host, only printable ASCII without spaces (umlauts must be
 * percent-encoded), at most EASY_QR_URL_MAX bytes. German message. */
int easy_qr_url_check(const char *url, lotse_err_t *err);

/* Encode url (checked first). The caller calls easy_qr_free. */
int easy_qr_encode(const char *url, easy_qr_t *qr, lotse_err_t *err);
void easy_qr_free(easy_qr_t *qr);

/* Append the image to out; px = pixels per module (1..EASY_QR_SIZE_MAX).
 * The SVG's viewBox counts modules (width + 2 quiet zones); its
 * width/height attributes are in pixels. */
int easy_qr_svg(const easy_qr_t *qr, int px, lotse_buf_t *out,
                lotse_err_t *err);
int easy_qr_png(const easy_qr_t *qr, int px, lotse_buf_t *out,
                lotse_err_t *err);

/* 0 when id is a valid identifier: 1..EASY_QR_ID_MAX of [A-Za-z0-9._-],
 * starting with a letter or digit. */
int easy_qr_id_check(const char *id, lotse_err_t *err);

/* The permanent URL of an easy version: base (checked like a URL, trailing
 * slashes dropped) + "/leicht/" + id. Caller frees *out. */
int easy_qr_permalink(const char *base, const char *id, char **out,
                      lotse_err_t *err);

/* Write the n files paths[i] <- data[i] so that either all are replaced or
 * none is touched: each goes to a temporary file in its directory first,
 * then all are renamed. On error the temporaries are removed. */
int easy_qr_write_files(size_t n, const char *const *paths,
                        const lotse_buf_t *const *data, lotse_err_t *err);

#endif

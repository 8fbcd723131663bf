/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/extract.c — the extraction result (blocks, title, metadata), the
 * default limits and the dispatcher that picks a reader by detected type.
 *
 * Contract: ingest_extract() initialises x itself (pass a fresh or released
 * x) and on any error leaves it released, so the caller only releases after
 * success. It returns LOTSE_EEMPTY when the reader found no text at all.
 * Messages do not name the file: the caller prefixes it.
 * Invariants: every block's text is valid UTF-8, squeezed and non-empty;
 * x->text_bytes is the sum of their lengths and never exceeds the limit.
 */
#include "ingest/extract_internal.h"

#include <stdlib.h>
#include <string.h>

#define MIB ((size_t)1 << 20)

void ingest_limits_default(ingest_limits_t *l) {
  l->max_file_bytes = 100 * MIB;
  l->max_unpacked_bytes = 256 * MIB;
  l->max_text_bytes = 32 * MIB;
  l->max_pages = 2000;
  l->ocr = 1;
  l->ocr_lang = "deu";
  l->ocr_dpi = 300;
}

/* ------------------------------------------------------------ the result */

void ingest_extract_init(ingest_extract_t *x, size_t max_text_bytes) {
  memset(x, 0, sizeof *x);
  x->max_text_bytes = max_text_bytes ? max_text_bytes : 32 * MIB;
}

void ingest_extract_release(ingest_extract_t *x) {
  for (size_t i = 0; i < x->nblocks; i++) free(x->blocks[i].text);
  free(x->blocks);
  free(x->title);
  free(x->metadata);
  ingest_hidden_release(x);
  size_t max = x->max_text_bytes;
  memset(x, 0, sizeof *x);
  x->max_text_bytes = max;
}

int ingest_extract_add(ingest_extract_t *x, ingest_block_kind_t kind,
                       int level, int page, const char *text, size_t len) {
  if (!text || !len) return 0;
  char *t = lotse_utf8_sanitize(text, len);
  if (!t) return LOTSE_ENOMEM;
  lotse_str_squeeze(t);
  size_t n = strlen(t);
  if (!n) {
    free(t);
    return 0;
  }
  if (n > x->max_text_bytes || x->text_bytes > x->max_text_bytes - n) {
    free(t);
    return LOTSE_ETOOBIG;
  }
  if (x->nblocks == x->cap) {
    size_t cap = x->cap ? x->cap * 2 : 32;
    ingest_block_t *b = realloc(x->blocks, cap * sizeof *b);
    if (!b) {
      free(t);
      return LOTSE_ENOMEM;
    }
    x->blocks = b;
    x->cap = cap;
  }
  if (kind == INGEST_BLOCK_HEADING)
    level = level < 1 ? 1 : level > 6 ? 6 : level;
  else
    level = 0;
  x->blocks[x->nblocks++] = (ingest_block_t){
      .kind = kind, .level = level, .page = page, .text = t};
  x->text_bytes += n;
  return 0;
}

int ingest_extract_set_title(ingest_extract_t *x, const char *title) {
  if (!title) return 0;
  char *t = lotse_utf8_sanitize(title, strlen(title));
  if (!t) return LOTSE_ENOMEM;
  lotse_str_squeeze(t);
  if (!*t) {
    free(t);
    return 0;
  }
  if (strlen(t) > 500) { /* a title, not a paragraph: cut at a char edge */
    size_t cut = 500;
    while (cut > 0 && ((unsigned char)t[cut] & 0xC0) == 0x80) cut--;
    t[cut] = '\0';
  }
  free(x->title);
  x->title = t;
  return 0;
}

/* ------------------------------------------------------------ dispatcher */

static int refuse_type(ingest_type_t t, const char *d, size_t n,
                       lotse_err_t *err) {
  switch (t) {
  case INGEST_TYPE_OLE:
    /* An encrypted OOXML file is an OLE container holding these streams
     * (names are UTF-16LE in the directory). */
    if (memmem(d, n, "E\0n\0c\0r\0y\0p\0t\0i\0o\0n\0I\0n\0f\0o\0", 28) ||
        memmem(d, n, "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0", 32))
      return lotse_err_set(err, LOTSE_EENCRYPTED,
                           "encrypted office document (password protected), "
                           "not supported");
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "encrypted or legacy office file (.doc), "
                         "not supported");
  case INGEST_TYPE_ZIP: {
    ingest_zip_t *z = NULL;
    int rc = ingest_zip_open(d, n, 0, "zip", &z, err);
    if (rc) return rc;
    ingest_zip_close(z);
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "zip archive that is neither docx nor odt, "
                         "not supported");
  }
  default:
    return lotse_err_set(err, LOTSE_EUNSUPPORTED,
                         "binary file of unknown type, not supported");
  }
}

static int run_reader(ingest_type_t t, const char *d, size_t n,
                      const ingest_limits_t *lim, ingest_extract_t *x,
                      lotse_err_t *err) {
  switch (t) {
  case INGEST_TYPE_TEXT: return ingest_extract_text(d, n, 0, x, err);
  case INGEST_TYPE_MARKDOWN: return ingest_extract_text(d, n, 1, x, err);
  case INGEST_TYPE_HTML: return ingest_extract_html(d, n, x, err);
  case INGEST_TYPE_PDF: return ingest_extract_pdf(d, n, lim, x, err);
  case INGEST_TYPE_DOCX: return ingest_extract_docx(d, n, lim, x, err);
  case INGEST_TYPE_ODT: return ingest_extract_odt(d, n, lim, x, err);
  case INGEST_TYPE_EML: return ingest_extract_eml(d, n, lim, x, err);
  default: return refuse_type(t, d, n, err);
  }
}

/* Title fallback: first heading, else the file name. */
static int fill_title(ingest_extract_t *x, const char *path) {
  if (x->title) return 0;
  for (size_t i = 0; i < x->nblocks; i++)
    if (x->blocks[i].kind == INGEST_BLOCK_HEADING)
      return ingest_extract_set_title(x, x->blocks[i].text);
  const char *base = path ? lotse_path_base(path) : NULL;
  int rc = ingest_extract_set_title(x, base && *base ? base : "unbenannt");
  if (!rc && !x->title) rc = ingest_extract_set_title(x, "unbenannt");
  return rc;
}

int ingest_extract(const char *data, size_t len, const char *path,
                   const ingest_limits_t *lim, ingest_extract_t *x,
                   lotse_err_t *err) {
  ingest_limits_t defaults;
  if (!lim) {
    ingest_limits_default(&defaults);
    lim = &defaults;
  }
  ingest_extract_init(x, lim->max_text_bytes);
  lotse_err_clear(err);
  if (!data && len) return lotse_err_set(err, LOTSE_EINVAL, "no data");
  if (len > lim->max_file_bytes)
    return lotse_err_set(err, LOTSE_ETOOBIG,
                         "file is %zu bytes, larger than the limit of %zu",
                         len, lim->max_file_bytes);
  if (len == 0) return lotse_err_set(err, LOTSE_EEMPTY, "empty file");
  ingest_libs_init();
  x->type = ingest_detect(data, len, path);
  int rc = run_reader(x->type, data, len, lim, x, err);
  if (rc == LOTSE_ETOOBIG && err && !err->msg[0])
    lotse_err_set(err, rc, "extracted text larger than the limit of %zu",
                  lim->max_text_bytes);
  if (!rc && x->nblocks == 0)
    rc = lotse_err_set(err, LOTSE_EEMPTY, "no text found in %s file",
                       ingest_type_name(x->type));
  if (!rc) rc = fill_title(x, path);
  if (!rc && !x->metadata) rc = ingest_meta_store(x, NULL, err);
  if (!rc) rc = ingest_hidden_meta(x, err);
  if (rc) {
    ingest_type_t t = x->type;
    ingest_extract_release(x);
    x->type = t;
    if (rc == LOTSE_ENOMEM && err && !err->msg[0])
      lotse_err_set(err, rc, "out of memory");
  }
  return rc;
}

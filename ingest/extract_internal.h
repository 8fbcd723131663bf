/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/extract_internal.h — helpers shared by the format readers
 * (ingest/extract_*.c, ingest/ocr.c): one-time library set-up, metadata JSON,
 * charset conversion, paragraph splitting, safe XML parsing and the zip
 * guard used by DOCX and ODT.
 *
 * Contract: nothing here prints; every function that can fail returns 0 or a
 * negative LOTSE_E* code and fills err. The zip guard counts every byte it
 * unpacks against one budget per archive, whatever the headers claim.
 */
#ifndef LOTSE_INGEST_EXTRACT_INTERNAL_H
#define LOTSE_INGEST_EXTRACT_INTERNAL_H

#include "ingest/ingest.h"

#include <jansson.h>
#include <libxml/tree.h>

/* ------------------------------------------------- extract_util.c */

/* Initialise libxml2, GMime and the GLib log filters once (thread-safe).
 * Warnings of poppler, GMime and GLib about bad input go to lotse_log at
 * debug level instead of stderr. */
void ingest_libs_init(void);

/* ingest_extract_add() that fills err when the text limit is hit. */
int ingest_add_block(ingest_extract_t *x, ingest_block_kind_t kind, int level,
                     int page, const char *text, size_t len, lotse_err_t *err);

/* Split text into paragraphs at blank lines and append them; a word
 * hyphenated at a line end is joined again ("Verwal-\ntung" ->
 * "Verwaltung"). */
int ingest_add_paragraphs(ingest_extract_t *x, const char *text, size_t len,
                          int page, lotse_err_t *err);

/* Append one line to a paragraph buffer the same way (trimmed, joined with
 * a space or glued at a hyphen). 0 or LOTSE_ENOMEM. */
int ingest_para_join(lotse_buf_t *para, const char *line, size_t n);

/* Set key to a sanitised, squeezed copy of value; NULL or empty values are
 * skipped. Returns 0 or LOTSE_ENOMEM. */
int ingest_meta_set_str(json_t *obj, const char *key, const char *value);
/* Serialise obj into x->metadata (replacing it); obj is not consumed. */
int ingest_meta_store(ingest_extract_t *x, json_t *obj, lotse_err_t *err);

/* Windows-1252 (a superset of printable Latin-1) to UTF-8; caller frees. */
char *ingest_cp1252_to_utf8(const char *s, size_t n, size_t *out_len);
/* Any charset iconv knows to UTF-8; NULL when the charset is unknown or
 * the bytes are invalid in it. Caller frees. */
char *ingest_charset_to_utf8(const char *s, size_t n, const char *charset,
                             size_t *out_len);

/* ------------------------------------------------------ xml_safe.c */

/* Parse an XML part of an office package: no network, no DTD loading, no
 * entity substitution, no document type declaration at all (OOXML and ODF
 * never carry one). what names the part in messages ("word/document.xml"). */
int ingest_xml_parse(const char *d, size_t n, const char *what,
                     xmlDocPtr *out, lotse_err_t *err);
/* The element's namespace URI matches ns and its local name is name. */
int ingest_xml_is(const xmlNode *n, const char *ns, const char *name);
/* Attribute value (owned by the caller: xmlFree) by namespace and name. */
char *ingest_xml_attr(const xmlNode *n, const char *ns, const char *name);
/* Read Dublin Core title, creator and dates of an office metadata part
 * (docProps/core.xml, meta.xml) into meta; sets x's title from dc:title. */
int ingest_xml_read_core_meta(xmlDocPtr doc, ingest_extract_t *x,
                              json_t *meta, lotse_err_t *err);

/* ------------------------------------------------------ zip_guard.c */

typedef struct ingest_zip ingest_zip_t;

/* Open an archive held in memory; refuses more than INGEST_ZIP_MAX_ENTRIES
 * entries. The bytes must outlive the handle. what names the format in
 * messages ("docx"). */
#define INGEST_ZIP_MAX_ENTRIES 10000
int ingest_zip_open(const char *d, size_t n, size_t max_unpacked,
                    const char *what, ingest_zip_t **out, lotse_err_t *err);
void ingest_zip_close(ingest_zip_t *z);
/* Whether an entry of that exact name exists. */
int ingest_zip_has(ingest_zip_t *z, const char *name);
/* Unpack one entry into a new NUL-terminated buffer (caller frees). Checks
 * the declared size and counts the real bytes against the archive budget:
 * LOTSE_ETOOBIG past it, LOTSE_EENCRYPTED for an encrypted entry,
 * LOTSE_ENOTFOUND when missing, LOTSE_ECORRUPT when unreadable. */
int ingest_zip_read(ingest_zip_t *z, const char *name, char **data,
                    size_t *len, lotse_err_t *err);
/* Refuse an archive in which any entry is encrypted (LOTSE_EENCRYPTED). */
int ingest_zip_check_encryption(ingest_zip_t *z, lotse_err_t *err);

/* Detection helper (no limits needed): names a zip's document type by its
 * entries, or INGEST_TYPE_ZIP. Reads at most a few bytes of "mimetype". */
ingest_type_t ingest_zip_sniff(const char *d, size_t n);

/* ----------------------------------------------------------- ocr.c */

typedef struct ingest_ocr ingest_ocr_t;

/* One tesseract engine, reused for the pages of one document. */
int ingest_ocr_open(const char *lang, ingest_ocr_t **out, lotse_err_t *err);
void ingest_ocr_close(ingest_ocr_t *o);
int ingest_ocr_run(ingest_ocr_t *o, const unsigned char *pixels, int width,
                   int height, int bytes_per_pixel, int stride, int dpi,
                   int page, ingest_extract_t *x, lotse_err_t *err);

/* ------------------------------------------------------ pdf_layout.c */

struct _PopplerPage;

/* Font size and weight of one paragraph added from a PDF text layer. */
typedef struct ingest_pdf_para {
  size_t block; /* index in x->blocks */
  float size;
  int bold, nlines;
  size_t chars;
} ingest_pdf_para_t;

typedef struct ingest_pdf_layout {
  ingest_pdf_para_t *v;
  size_t n, cap;
} ingest_pdf_layout_t;

/* Split a page's text layer into paragraphs (added to x with pageno). */
int ingest_pdf_layout_page(ingest_pdf_layout_t *L, struct _PopplerPage *page,
                           const char *text, int pageno, ingest_extract_t *x,
                           lotse_err_t *err);
/* After the last page: turn short paragraphs set larger than the body text
 * (or bold at body size) into headings, levels by font size. */
void ingest_pdf_layout_headings(ingest_pdf_layout_t *L, ingest_extract_t *x);
void ingest_pdf_layout_release(ingest_pdf_layout_t *L);

/* -------------------------------------------------- extract_hidden.c */

/* Free x's hidden passages (ingest_extract_release calls it). */
void ingest_hidden_release(ingest_extract_t *x);
/* Add {"hidden_text": {"passages", "bytes", "reasons"}} to x->metadata
 * when x holds hidden passages (the text itself is not stored). */
int ingest_hidden_meta(ingest_extract_t *x, lotse_err_t *err);

/* ---------------------------------------------------- extract_html.c */

/* The HTML reader with a forced input encoding (NULL: detect). Sets the
 * title from <title> only when x has none yet. */
int ingest_html_parse(const char *d, size_t n, const char *encoding,
                      ingest_extract_t *x, lotse_err_t *err);

#endif

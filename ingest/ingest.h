/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/ingest.h — turning files into searchable documents: type detection
 * by content, text extraction per format (plain text, Markdown, HTML, PDF
 * with OCR for pages without a text layer, DOCX, ODT, EML), chunking along
 * headings and paragraphs, and the batch pipeline that stores the result.
 *
 * Contract: extraction never trusts its input. Every format reader checks
 * sizes against ingest_limits_t (including the unpacked size of archives,
 * so a zip bomb stops at the limit, not at the end of memory) and reports a
 * malformed, encrypted or oversized file as an error with a one-line reason;
 * it never aborts. Extraction writes nothing to the store: the pipeline
 * stores a document only after its extraction fully succeeded.
 */
#ifndef LOTSE_INGEST_H
#define LOTSE_INGEST_H

#include "base/base.h"
#include "store/store.h"

/* ------------------------------------------------------------------ limits */

typedef struct ingest_limits {
  size_t max_file_bytes;     /* larger files are refused (LOTSE_ETOOBIG) */
  size_t max_unpacked_bytes; /* total bytes unpacked from one archive */
  size_t max_text_bytes;     /* extracted text per document */
  int max_pages;             /* PDF pages read */
  int ocr;                   /* OCR pages without a text layer */
  const char *ocr_lang;      /* tesseract language, "deu" */
  int ocr_dpi;               /* rendering resolution for OCR */
} ingest_limits_t;

void ingest_limits_default(ingest_limits_t *l);

/* ------------------------------------------------------------- detection */

typedef enum {
  INGEST_TYPE_UNKNOWN = 0,
  INGEST_TYPE_TEXT,
  INGEST_TYPE_MARKDOWN,
  INGEST_TYPE_HTML,
  INGEST_TYPE_PDF,
  INGEST_TYPE_DOCX,
  INGEST_TYPE_ODT,
  INGEST_TYPE_EML,
  INGEST_TYPE_OLE,     /* legacy or encrypted MS Office container */
  INGEST_TYPE_ZIP,     /* a zip that is neither DOCX nor ODT */
  INGEST_TYPE_BINARY   /* anything else that is not text */
} ingest_type_t;

/* Decide the type from the bytes; the path's extension only breaks ties
 * between text formats (".md" vs ".txt"). */
ingest_type_t ingest_detect(const char *data, size_t len, const char *path);
const char *ingest_type_mime(ingest_type_t t);
const char *ingest_type_name(ingest_type_t t);

/* ------------------------------------------------------------- extraction */

typedef enum { INGEST_BLOCK_HEADING = 1, INGEST_BLOCK_PARA = 2 }
ingest_block_kind_t;

/* A block of extracted text: a heading (level 1..6) or a paragraph. */
typedef struct ingest_block {
  ingest_block_kind_t kind;
  int level; /* headings only */
  int page;  /* 1-based, 0 when the format has no pages */
  char *text; /* valid UTF-8, whitespace squeezed, owned */
} ingest_block_t;

/* Text the document hides from its reader: HTML display:none,
 * visibility:hidden, font-size:0, the hidden attribute, aria-hidden,
 * comments that carry instructions; DOCX w:vanish, w:webHidden, tiny or
 * white runs. Such text is kept out of the blocks — neither searchable
 * nor handed to a model — and recorded here so that ingest and
 * `lotse screen` can report it (text/inject.h screens it further). */
typedef struct ingest_hidden {
  const char *reason; /* static id: "display_none", "docx_vanish" … */
  int page;           /* 1-based, 0 when the format has no pages */
  size_t bytes;       /* length of the hidden text (squeezed) */
  char *text;         /* its first INGEST_HIDDEN_TEXT_MAX bytes, owned */
} ingest_hidden_t;

#define INGEST_HIDDEN_MAX 1000       /* passages kept per document */
#define INGEST_HIDDEN_TEXT_MAX 4096  /* bytes kept per passage */

typedef struct ingest_extract {
  ingest_type_t type;
  char *title;    /* best title found (metadata, first heading, file name) */
  char *metadata; /* JSON object text (author, date, pages, from, to …) */
  ingest_block_t *blocks;
  size_t nblocks, cap;
  size_t text_bytes; /* sum of block text lengths, checked against limits */
  size_t max_text_bytes;
  int pages;
  int ocr_pages;  /* pages whose text came from OCR */
  ingest_hidden_t *hidden; /* hidden passages, at most INGEST_HIDDEN_MAX */
  size_t nhidden, hidden_cap;
  size_t hidden_total; /* hidden passages found, also beyond the cap */
} ingest_extract_t;

void ingest_extract_init(ingest_extract_t *x, size_t max_text_bytes);
void ingest_extract_release(ingest_extract_t *x);
/* Append a block: text is copied, made valid UTF-8 and squeezed; empty
 * text is ignored. LOTSE_ETOOBIG once max_text_bytes is exceeded. */
int ingest_extract_add(ingest_extract_t *x, ingest_block_kind_t kind,
                       int level, int page, const char *text, size_t len);
int ingest_extract_set_title(ingest_extract_t *x, const char *title);
/* Record hidden text (ingest/extract_hidden.c): copied, made valid UTF-8,
 * squeezed, cut at INGEST_HIDDEN_TEXT_MAX; blank text is ignored. reason
 * must be a static string. 0 or LOTSE_ENOMEM. */
int ingest_extract_hide(ingest_extract_t *x, const char *reason, int page,
                        const char *text, size_t len);

/* Extract text from a file's bytes (type from ingest_detect). Fills x.
 * Errors: LOTSE_ECORRUPT (malformed), LOTSE_EENCRYPTED, LOTSE_ETOOBIG,
 * LOTSE_EUNSUPPORTED, LOTSE_EEMPTY (no text at all). */
int ingest_extract(const char *data, size_t len, const char *path,
                   const ingest_limits_t *lim, ingest_extract_t *x,
                   lotse_err_t *err);

/* One reader per format (ingest/extract_<format>.c). */
int ingest_extract_text(const char *d, size_t n, int markdown,
                        ingest_extract_t *x, lotse_err_t *err);
int ingest_extract_html(const char *d, size_t n, ingest_extract_t *x,
                        lotse_err_t *err);
int ingest_extract_pdf(const char *d, size_t n, const ingest_limits_t *lim,
                       ingest_extract_t *x, lotse_err_t *err);
int ingest_extract_docx(const char *d, size_t n, const ingest_limits_t *lim,
                        ingest_extract_t *x, lotse_err_t *err);
int ingest_extract_odt(const char *d, size_t n, const ingest_limits_t *lim,
                       ingest_extract_t *x, lotse_err_t *err);
int ingest_extract_eml(const char *d, size_t n, const ingest_limits_t *lim,
                       ingest_extract_t *x, lotse_err_t *err);

/* OCR of one RGB/ARGB image (ingest/ocr.c); appends paragraphs to x. */
int ingest_ocr_image(const unsigned char *pixels, int width, int height,
                     int bytes_per_pixel, int stride, int dpi,
                     const char *lang, int page, ingest_extract_t *x,
                     lotse_err_t *err);

/* --------------------------------------------------------------- chunking */

typedef struct ingest_chunks {
  store_chunk_t *v;
  size_t n;
  char *text; /* the document's extracted text; chunks point into copies */
  size_t text_len;
} ingest_chunks_t;

/* Group blocks into passages of about target bytes along headings and
 * paragraphs; each chunk carries its heading path ("A › B") and the page of
 * its first block. Offsets are byte offsets into chunks->text. */
int ingest_chunk(const ingest_extract_t *x, size_t target,
                 ingest_chunks_t *out, lotse_err_t *err);
void ingest_chunks_release(ingest_chunks_t *c);

/* --------------------------------------------------------------- pipeline */

typedef struct ingest_opts {
  ingest_limits_t limits;
  int data_class;              /* store_class_t */
  const char *const *groups;   /* access groups */
  size_t ngroups;
  size_t chunk_target;         /* bytes per chunk */
} ingest_opts_t;

typedef struct ingest_summary {
  int files;      /* files looked at */
  int added;      /* new documents */
  int updated;    /* new versions */
  int unchanged;  /* skipped: same sha256 */
  int access;     /* same content, access changed */
  int failed;     /* reported and skipped */
  int64_t bytes_in;    /* bytes of the files read */
  int64_t text_bytes;  /* bytes of extracted text stored */
  int ocr_pages;
  int hidden;     /* stored files that hide text (kept out of the index) */
  double seconds;
} ingest_summary_t;

typedef enum {
  INGEST_EV_FILE_DONE = 1, /* one file finished (any outcome) */
  INGEST_EV_FILE_FAILED,   /* msg says why */
  INGEST_EV_SCAN_DONE      /* total is known */
} ingest_event_t;

/* Progress callback: called on the ingesting thread. */
typedef void (*ingest_progress_cb)(void *ctx, ingest_event_t ev,
                                   const char *path, int done, int total,
                                   const char *msg);

/* Ingest files and directories (recursively, sorted, following no
 * symlinks out of the tree). Each file is its own transaction. Returns 0
 * when the batch ran (individual failures are counted in the summary), or an
 * error when the batch itself could not run (bad path, database gone). */
int ingest_run(store_t *st, const char *const *paths, size_t npaths,
               const ingest_opts_t *opts, ingest_progress_cb cb, void *ctx,
               ingest_summary_t *sum, lotse_err_t *err);

/* Ingest one file's bytes under the given source name. */
int ingest_one(store_t *st, const char *source, const char *data, size_t len,
               int64_t mtime, const ingest_opts_t *opts,
               store_put_result_t *res, ingest_summary_t *sum,
               lotse_err_t *err);

void ingest_opts_default(ingest_opts_t *o);

#endif

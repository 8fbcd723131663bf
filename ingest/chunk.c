/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/chunk.c — cutting extracted blocks into passages for search.
 *
 * Contract: chunks follow the document's structure: a heading or a page
 * change always starts a new chunk, paragraphs are packed up to the target
 * size, and a paragraph longer than twice the target is cut at sentence
 * ends (or, failing that, at spaces). Every chunk carries the heading path
 * above it and the page of its first block, which is what a citation shows.
 * Invariant: chunk texts are non-empty and their [start, end) ranges are
 * ascending, non-overlapping byte ranges of out->text.
 */
#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>

#define MAX_LEVEL 6
#define PATH_SEP " \xE2\x80\xBA " /* " › " */

typedef struct chunker {
  ingest_chunks_t *out;
  size_t cap;
  size_t target;
  const char *heads[MAX_LEVEL + 1];
  lotse_buf_t doc;  /* the whole extracted text */
  size_t cur_start; /* offset of the open chunk in doc, or SIZE_MAX */
  int cur_page;
} chunker_t;

void ingest_chunks_release(ingest_chunks_t *c) {
  for (size_t i = 0; i < c->n; i++) {
    free((char *)c->v[i].heading);
    free((char *)c->v[i].text);
  }
  free(c->v);
  free(c->text);
  memset(c, 0, sizeof *c);
}

static char *heading_path(const chunker_t *k) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 16);
  for (int l = 1; l <= MAX_LEVEL; l++) {
    if (!k->heads[l]) continue;
    if ((b.len && lotse_buf_puts(&b, PATH_SEP)) || lotse_buf_puts(&b, k->heads[l])) {
      lotse_buf_release(&b);
      return NULL;
    }
  }
  return lotse_buf_detach(&b);
}

/* Close the open chunk [cur_start, doc.len). */
static int flush(chunker_t *k) {
  if (k->cur_start == SIZE_MAX || k->cur_start >= k->doc.len) {
    k->cur_start = SIZE_MAX;
    return 0;
  }
  ingest_chunks_t *o = k->out;
  if (o->n == k->cap) {
    size_t cap = k->cap ? k->cap * 2 : 16;
    store_chunk_t *v = realloc(o->v, cap * sizeof *v);
    if (!v) return LOTSE_ENOMEM;
    o->v = v;
    k->cap = cap;
  }
  store_chunk_t *c = &o->v[o->n];
  memset(c, 0, sizeof *c);
  c->ord = (int)o->n;
  c->page = k->cur_page;
  c->start = (int64_t)k->cur_start;
  c->end = (int64_t)k->doc.len;
  c->text = lotse_strndup(k->doc.data + k->cur_start, k->doc.len - k->cur_start);
  c->heading = heading_path(k);
  if (!c->text || !c->heading) {
    free((char *)c->text);
    free((char *)c->heading);
    return LOTSE_ENOMEM;
  }
  o->n++;
  k->cur_start = SIZE_MAX;
  return 0;
}

/* Append text to the document, opening a chunk if none is open. */
static int emit(chunker_t *k, const char *s, size_t n, int page) {
  int rc = 0;
  if (k->doc.len) rc = lotse_buf_puts(&k->doc, "\n\n");
  if (rc) return rc;
  if (k->cur_start == SIZE_MAX) {
    k->cur_start = k->doc.len;
    k->cur_page = page;
  }
  return lotse_buf_append(&k->doc, s, n);
}

/* Where to cut a long paragraph: the last sentence end (". " "? " "! ")
 * before limit, else the last space, else limit itself (on a UTF-8
 * boundary). */
static size_t cut_point(const char *s, size_t n, size_t limit) {
  if (n <= limit) return n;
  size_t space = 0;
  for (size_t i = limit; i > limit / 2; i--) {
    if (s[i] != ' ') continue;
    if (s[i - 1] == '.' || s[i - 1] == '?' || s[i - 1] == '!' ||
        s[i - 1] == ';')
      return i + 1;
    if (!space) space = i + 1;
  }
  if (space) return space;
  size_t i = limit;
  while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
  return i ? i : limit;
}

static int add_para(chunker_t *k, const char *s, int page) {
  size_t n = strlen(s);
  int rc;
  if (k->cur_start != SIZE_MAX &&
      (page != k->cur_page || k->doc.len - k->cur_start + n > k->target))
    if ((rc = flush(k))) return rc;
  while (n > 2 * k->target) {
    size_t cut = cut_point(s, n, k->target), keep = cut;
    while (keep > 1 && s[keep - 1] == ' ') keep--;
    if ((rc = emit(k, s, keep, page)) || (rc = flush(k))) return rc;
    s += cut;
    n -= cut;
    while (n && *s == ' ') s++, n--;
  }
  return n ? emit(k, s, n, page) : 0;
}

static int add_heading(chunker_t *k, const ingest_block_t *b) {
  int rc = flush(k);
  if (rc) return rc;
  int l = b->level < 1 ? 1 : b->level > MAX_LEVEL ? MAX_LEVEL : b->level;
  k->heads[l] = b->text;
  for (int d = l + 1; d <= MAX_LEVEL; d++) k->heads[d] = NULL;
  /* The heading is part of the document text but not of a chunk body: it
   * is indexed through the heading column of the chunks below it. */
  if (k->doc.len && (rc = lotse_buf_puts(&k->doc, "\n\n"))) return rc;
  return lotse_buf_puts(&k->doc, b->text);
}

int ingest_chunk(const ingest_extract_t *x, size_t target,
                 ingest_chunks_t *out, lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  chunker_t k;
  memset(&k, 0, sizeof k);
  k.out = out;
  k.target = target < 200 ? 200 : target;
  k.cur_start = SIZE_MAX;
  lotse_buf_init(&k.doc, x->max_text_bytes ? x->max_text_bytes * 2 + 1024 : 0);
  int rc = 0;
  for (size_t i = 0; i < x->nblocks && !rc; i++) {
    const ingest_block_t *b = &x->blocks[i];
    rc = b->kind == INGEST_BLOCK_HEADING ? add_heading(&k, b)
                                         : add_para(&k, b->text, b->page);
  }
  if (!rc) rc = flush(&k);
  /* A document of headings only still has text: index it as one chunk. */
  if (!rc && out->n == 0 && k.doc.len) {
    k.cur_start = 0;
    k.cur_page = x->nblocks ? x->blocks[0].page : 0;
    for (int l = 0; l <= MAX_LEVEL; l++) k.heads[l] = NULL;
    rc = flush(&k);
  }
  if (rc) {
    lotse_buf_release(&k.doc);
    ingest_chunks_release(out);
    return lotse_err_set(err, rc, "unable to chunk document: %s",
                         lotse_strerror(rc));
  }
  out->text_len = k.doc.len;
  out->text = lotse_buf_detach(&k.doc);
  return 0;
}

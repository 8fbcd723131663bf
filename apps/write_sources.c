/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/write_sources.c — the texts a summary is written from: a document
 * or search passages, read within the user's rights (apps/write.h).
 */
#include "apps/write.h"

#include <stdlib.h>
#include <string.h>

void write_sources_release(write_sources_t *w) {
  if (!w) return;
  for (size_t i = 0; i < w->n; i++) {
    free((char *)w->v[i].text);
    free((char *)w->v[i].title);
    free((char *)w->v[i].section);
  }
  free(w->v);
  memset(w, 0, sizeof *w);
}

static int add(write_sources_t *w, const store_doc_t *d,
               const store_chunk_out_t *c) {
  gov_source_t *s = &w->v[w->n];
  *s = (gov_source_t){.doc_id = d->id, .chunk_id = c->id,
                      .data_class = d->data_class, .page = c->page};
  s->text = lotse_strdup(c->text ? c->text : "");
  s->title = lotse_strdup(d->title ? d->title : d->source);
  s->section = lotse_strdup(c->heading ? c->heading : "");
  w->n++;
  return s->text && s->title && s->section ? 0 : LOTSE_ENOMEM;
}

int write_sources_doc(store_t *st, const store_principal_t *user, int64_t id,
                      write_sources_t *out, lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  store_doc_t *d = NULL;
  int rc = store_doc_get(st, user, id, &d, err);
  if (rc == LOTSE_ENOTFOUND)
    return lotse_err_set(err, rc, "Dokument %lld nicht gefunden", (long long)id);
  if (rc) return rc;
  if (d->nchunks == 0) {
    store_doc_free(d);
    return lotse_err_set(err, LOTSE_EEMPTY, "Dokument %lld hat keinen Text",
                         (long long)id);
  }
  out->v = calloc(d->nchunks, sizeof *out->v);
  rc = out->v ? 0 : LOTSE_ENOMEM;
  for (size_t i = 0; i < d->nchunks && !rc; i++) rc = add(out, d, &d->chunks[i]);
  store_doc_free(d);
  if (rc) {
    write_sources_release(out);
    return lotse_err_set(err, rc, "out of memory");
  }
  return 0;
}

/* The chunk of a hit, read again under the user's rights. */
static int add_hit(store_t *st, const store_principal_t *user,
                   const search_hit_t *h, write_sources_t *out,
                   lotse_err_t *err) {
  store_doc_t *d = NULL;
  int rc = store_doc_get(st, user, h->doc_id, &d, err);
  if (rc == LOTSE_ENOTFOUND) return 0;
  if (rc) return rc;
  for (size_t i = 0; i < d->nchunks && !rc; i++)
    if (d->chunks[i].id == h->chunk_id) {
      rc = add(out, d, &d->chunks[i]);
      if (rc) lotse_err_set(err, rc, "out of memory");
    }
  store_doc_free(d);
  return rc;
}

int write_sources_query(search_t *s, store_t *st,
                        const store_principal_t *user, const char *query,
                        int limit, write_sources_t *out, lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  search_opts_t so;
  search_opts_default(&so);
  so.limit = limit > 0 ? limit : WRITE_QUERY_PASSAGES;
  so.per_document = 0;
  so.mark_open = so.mark_close = "";
  search_result_t res;
  int rc = search_run(s, user, query, &so, &res, err);
  if (rc) return rc;
  out->v = res.n ? calloc(res.n, sizeof *out->v) : NULL;
  if (res.n && !out->v) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i < res.n && !rc; i++)
    rc = add_hit(st, user, &res.hits[i], out, err);
  search_result_release(&res);
  if (!rc && out->n == 0)
    rc = lotse_err_set(err, LOTSE_ENOTFOUND,
                       "zur Suche „%s“ nichts gefunden, das Sie lesen dürfen",
                       query);
  if (rc) write_sources_release(out);
  return rc;
}

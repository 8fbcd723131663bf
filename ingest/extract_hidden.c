/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/extract_hidden.c — the record of text a document hides from its
 * reader (see ingest_hidden_t in ingest/ingest.h): the readers call
 * ingest_extract_hide() instead of adding such text as a block, and the
 * dispatcher summarises the passages in the document's metadata.
 *
 * Contract: a hidden passage never becomes a block, so it is neither
 * indexed nor handed to a model; the metadata names only how many
 * passages, how many bytes and why (never the text). At most
 * INGEST_HIDDEN_MAX passages are kept; hidden_total counts all.
 */
#include "ingest/extract_internal.h"

#include <stdlib.h>
#include <string.h>

int ingest_extract_hide(ingest_extract_t *x, const char *reason, int page,
                        const char *text, size_t len) {
  if (!text || !len) return 0;
  char *t = lotse_utf8_sanitize(text, len);
  if (!t) return LOTSE_ENOMEM;
  lotse_str_squeeze(t);
  size_t n = strlen(t);
  if (!n || x->nhidden >= INGEST_HIDDEN_MAX) {
    x->hidden_total += n > 0;
    free(t);
    return 0;
  }
  if (n > INGEST_HIDDEN_TEXT_MAX) { /* cut at a character edge */
    size_t cut = INGEST_HIDDEN_TEXT_MAX;
    while (cut > 0 && ((unsigned char)t[cut] & 0xC0) == 0x80) cut--;
    t[cut] = '\0';
  }
  if (x->nhidden == x->hidden_cap) {
    size_t cap = x->hidden_cap ? x->hidden_cap * 2 : 8;
    ingest_hidden_t *v = realloc(x->hidden, cap * sizeof *v);
    if (!v) {
      free(t);
      return LOTSE_ENOMEM;
    }
    x->hidden = v;
    x->hidden_cap = cap;
  }
  x->hidden[x->nhidden++] =
      (ingest_hidden_t){.reason = reason, .page = page, .bytes = n, .text = t};
  x->hidden_total++;
  return 0;
}

void ingest_hidden_release(ingest_extract_t *x) {
  for (size_t i = 0; i < x->nhidden; i++) free(x->hidden[i].text);
  free(x->hidden);
  x->hidden = NULL;
  x->nhidden = x->hidden_cap = x->hidden_total = 0;
}

/* {"passages": N, "bytes": B, "reasons": [distinct reasons in order]} */
static json_t *summary(const ingest_extract_t *x) {
  json_t *o = json_object(), *reasons = json_array();
  size_t bytes = 0;
  int bad = !o || !reasons;
  for (size_t i = 0; i < x->nhidden && !bad; i++) {
    bytes += x->hidden[i].bytes;
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++)
      seen = !strcmp(x->hidden[j].reason, x->hidden[i].reason);
    if (!seen) bad = json_array_append_new(reasons,
                                           json_string(x->hidden[i].reason));
  }
  if (!bad)
    bad = json_object_set_new(o, "passages",
                              json_integer((json_int_t)x->hidden_total)) ||
          json_object_set_new(o, "bytes", json_integer((json_int_t)bytes)) ||
          json_object_set(o, "reasons", reasons);
  json_decref(reasons);
  if (bad) {
    json_decref(o);
    return NULL;
  }
  return o;
}

int ingest_hidden_meta(ingest_extract_t *x, lotse_err_t *err) {
  if (!x->hidden_total) return 0;
  json_t *meta = x->metadata ? json_loads(x->metadata, 0, NULL) : NULL;
  if (!meta || !json_is_object(meta)) {
    json_decref(meta);
    meta = json_object();
  }
  json_t *h = summary(x);
  int rc = !meta || !h || json_object_set_new(meta, "hidden_text", h);
  if (rc) {
    if (!meta) json_decref(h);
    json_decref(meta);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  rc = ingest_meta_store(x, meta, err);
  json_decref(meta);
  return rc;
}

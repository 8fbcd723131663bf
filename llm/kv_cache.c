/* SPDX-License-Identifier: EUPL-1.2
 *
 * llm/kv_cache.c — the f16 key/value cache of a context.
 *
 * Layout: per layer and KV head a contiguous [n_ctx][head_dim] block for
 * K and one for V, so attention over one head streams one block. Memory
 * comes from calloc: untouched positions cost no resident memory.
 * Truncation needs no work here: positions at or beyond n_past are never
 * read (forward.c tracks n_past).
 */
#include <stdlib.h>

#include "llm/model_internal.h"

int llm_kv_init(llm_kv_t *kv, int n_layer, int n_head_kv, int n_ctx, int hd) {
  kv->n_layer = n_layer;
  kv->n_head_kv = n_head_kv;
  kv->n_ctx = n_ctx;
  kv->hd = hd;
  size_t n = (size_t)n_layer * n_head_kv * n_ctx * hd;
  kv->k = calloc(n, sizeof *kv->k);
  kv->v = calloc(n, sizeof *kv->v);
  if (!kv->k || !kv->v) {
    llm_kv_release(kv);
    return LOTSE_ENOMEM;
  }
  return 0;
}

void llm_kv_release(llm_kv_t *kv) {
  free(kv->k);
  free(kv->v);
  kv->k = kv->v = NULL;
}

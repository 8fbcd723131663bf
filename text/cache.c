/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/cache.c — the per-analyzer word cache: surface word -> analysed
 * terms, so folding, stemming and compound splitting run once per distinct
 * word and not once per occurrence.
 *
 * Contract: bounded memory. When CACHE_LIMIT entries or CACHE_POOL_MAX
 * bytes are reached the whole cache is dropped and refilled (simple and
 * good enough: German text follows Zipf's law, the frequent words come
 * back within a few hundred tokens).
 * Invariants: (1) a record in the pool is [keylen][key][stop][nterms]
 * followed by nterms x [len][bytes]; (2) slots hold pool offset + 1, the
 * table is at most half full (linear probing); (3) a cache never shares
 * memory with another one (one per analyzer, i.e. per thread).
 */
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS (1u << 16) /* power of two */
#define CACHE_LIMIT (CACHE_SLOTS / 2)
#define CACHE_POOL_MAX (8u << 20)

struct text_cache {
  uint32_t slot[CACHE_SLOTS];
  uint32_t hash[CACHE_SLOTS];
  size_t count;
  unsigned char *pool;
  size_t pool_len, pool_cap;
};

/* FNV-1a, 32 bit: short keys, good spread, incremental (compound.c). */
uint32_t text_hash(const char *s, size_t n) {
  uint32_t h = TEXT_HASH_INIT;
  for (size_t i = 0; i < n; i++) h = text_hash_step(h, (unsigned char)s[i]);
  return h;
}

text_cache_t *text_cache_new(void) { return calloc(1, sizeof(text_cache_t)); }

void text_cache_free(text_cache_t *c) {
  if (!c) return;
  free(c->pool);
  free(c);
}

static void decode(const unsigned char *r, text_word_t *out) {
  r += 1 + r[0];
  out->stop = r[0];
  out->nterms = r[1];
  r += 2;
  for (int i = 0; i < out->nterms; i++) {
    out->len[i] = r[0];
    out->term[i] = (const char *)r + 1;
    r += 1 + r[0];
  }
}

int text_cache_get(text_cache_t *c, const char *key, size_t n, uint32_t h,
                   text_word_t *out) {
  for (size_t i = h & (CACHE_SLOTS - 1); c->slot[i];
       i = (i + 1) & (CACHE_SLOTS - 1)) {
    if (c->hash[i] != h) continue;
    const unsigned char *r = c->pool + c->slot[i] - 1;
    if (r[0] == n && memcmp(r + 1, key, n) == 0) {
      decode(r, out);
      return 1;
    }
  }
  return 0;
}

static void cache_clear(text_cache_t *c) {
  memset(c->slot, 0, sizeof c->slot);
  c->count = 0;
  c->pool_len = 0;
}

static size_t record_size(size_t n, const text_word_t *w) {
  size_t need = 1 + n + 2;
  for (int i = 0; i < w->nterms; i++) need += 1 + w->len[i];
  return need;
}

static int reserve(text_cache_t *c, size_t need) {
  if (c->count >= CACHE_LIMIT || c->pool_len + need > CACHE_POOL_MAX)
    cache_clear(c);
  if (c->pool_len + need <= c->pool_cap) return 0;
  size_t nc = c->pool_cap ? c->pool_cap * 2 : 64u << 10;
  while (nc < c->pool_len + need) nc *= 2;
  unsigned char *np = realloc(c->pool, nc);
  if (!np) return LOTSE_ENOMEM;
  c->pool = np;
  c->pool_cap = nc;
  return 0;
}

int text_cache_put(text_cache_t *c, const char *key, size_t n, uint32_t h,
                   const text_word_t *w) {
  if (n > 255) return 0; /* not cacheable; callers cap at TEXT_WORD_MAX */
  size_t need = record_size(n, w);
  if (reserve(c, need) != 0) return LOTSE_ENOMEM;
  unsigned char *r = c->pool + c->pool_len, *p = r;
  *p++ = (unsigned char)n;
  memcpy(p, key, n);
  p += n;
  *p++ = (unsigned char)w->stop;
  *p++ = (unsigned char)w->nterms;
  for (int i = 0; i < w->nterms; i++) {
    *p++ = w->len[i];
    memcpy(p, w->term[i], w->len[i]);
    p += w->len[i];
  }
  size_t i = h & (CACHE_SLOTS - 1);
  while (c->slot[i]) i = (i + 1) & (CACHE_SLOTS - 1);
  c->slot[i] = (uint32_t)(c->pool_len + 1);
  c->hash[i] = h;
  c->pool_len += need;
  c->count++;
  return 0;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/lexicon.c — the compound-splitting lexicon: a compact hash set of
 * folded words read from a Hunspell .dic file (default the Debian
 * hunspell-de-de dictionary), with a few suffix classes of the matching
 * .aff file expanded (see affix.c).
 *
 * Contract: text_lexicon_load() reads "word/FLAGS" lines (an optional first
 * line with the entry count and indented comment lines are skipped; a plain
 * word list works too), folds each word like the analysis (steps 1-2) and
 * keeps words of letters only, at least TEXT_COMPOUND_MIN_PART code points
 * long. Entries marked NEEDAFFIX or ONLYINCOMPOUND in the .aff
 * ("urlaubs/hke") are kept as compound-only forms (TEXT_LEX_INCOMPOUND);
 * FORBIDDENWORD entries are skipped.
 * Invariants: (1) records in the pool are [len][flags][bytes]; (2) the slot
 * table is a power of two, at most half full, linear probing; (3) after
 * loading the set is never modified.
 */
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>

/* Suffix classes of de_DE.aff worth expanding: J (-ung, -ungen),
 * p (umlaut plurals), F (feminine -in, -innen), q and Q (-nis -> -nisse). */
#define LEX_AFFIX_FLAGS "JpFqQ"
#define LEX_FILE_MAX (64u << 20)

#define PREFIX_BITS (1u << 23) /* Bloom filter of word prefixes, 1 MiB */

struct text_lexicon {
  uint64_t *prefix; /* PREFIX_BITS bits */
  unsigned char *pool;
  size_t pool_len, pool_cap;
  uint32_t *slot; /* pool offset + 1; 0 = empty */
  uint32_t *hash;
  size_t mask, count;
};

/* ---------------------------------------------------------- hash set */

static size_t probe(const text_lexicon_t *lx, const char *w, size_t n,
                    uint32_t h) {
  size_t i = h & lx->mask;
  for (; lx->slot[i]; i = (i + 1) & lx->mask) {
    if (lx->hash[i] != h) continue;
    const unsigned char *r = lx->pool + lx->slot[i] - 1;
    if (r[0] == n && memcmp(r + 2, w, n) == 0) break;
  }
  return i;
}

static int grow_table(text_lexicon_t *lx) {
  size_t nsize = lx->mask ? (lx->mask + 1) * 2 : 1u << 16;
  uint32_t *ns = calloc(nsize, sizeof *ns), *nh = calloc(nsize, sizeof *nh);
  if (!ns || !nh) {
    free(ns);
    free(nh);
    return LOTSE_ENOMEM;
  }
  for (size_t i = 0; lx->mask && i <= lx->mask; i++) {
    if (!lx->slot[i]) continue;
    size_t j = lx->hash[i] & (nsize - 1);
    while (ns[j]) j = (j + 1) & (nsize - 1);
    ns[j] = lx->slot[i];
    nh[j] = lx->hash[i];
  }
  free(lx->slot);
  free(lx->hash);
  lx->slot = ns;
  lx->hash = nh;
  lx->mask = nsize - 1;
  return 0;
}

/* Spread the FNV hash over the filter (Fibonacci hashing). */
static uint32_t prefix_bit(uint32_t h) {
  return (uint32_t)((h * 2654435769u) >> (32 - 23));
}

int text_lexicon_maybe_prefix(const text_lexicon_t *lx, uint32_t h) {
  uint32_t b = prefix_bit(h);
  return lx && (lx->prefix[b >> 6] >> (b & 63)) & 1;
}

static void prefix_add(text_lexicon_t *lx, const char *w, size_t n) {
  uint32_t h = TEXT_HASH_INIT;
  for (size_t i = 0; i < n; i++) {
    h = text_hash_step(h, (unsigned char)w[i]);
    uint32_t b = prefix_bit(h);
    lx->prefix[b >> 6] |= (uint64_t)1 << (b & 63);
  }
}

static int lex_insert(text_lexicon_t *lx, const char *w, size_t n, int flags) {
  if (n == 0 || n > TEXT_WORD_MAX) return 0;
  if ((lx->count + 1) * 2 > lx->mask + 1 && grow_table(lx) != 0)
    return LOTSE_ENOMEM;
  uint32_t h = text_hash(w, n);
  size_t i = probe(lx, w, n, h);
  if (lx->slot[i]) {
    lx->pool[lx->slot[i] - 1 + 1] |= (unsigned char)flags;
    return 0;
  }
  if (lx->pool_len + n + 2 > lx->pool_cap) {
    size_t nc = lx->pool_cap ? lx->pool_cap * 2 : 1u << 20;
    if (nc > UINT32_MAX - 1) return LOTSE_ETOOBIG;
    unsigned char *np = realloc(lx->pool, nc);
    if (!np) return LOTSE_ENOMEM;
    lx->pool = np;
    lx->pool_cap = nc;
  }
  unsigned char *r = lx->pool + lx->pool_len;
  r[0] = (unsigned char)n;
  r[1] = (unsigned char)flags;
  memcpy(r + 2, w, n);
  lx->slot[i] = (uint32_t)(lx->pool_len + 1);
  lx->hash[i] = h;
  lx->pool_len += n + 2;
  lx->count++;
  prefix_add(lx, w, n);
  return 0;
}

int text_lexicon_lookup_h(const text_lexicon_t *lx, const char *w, size_t n,
                          uint32_t h) {
  if (!lx || n == 0 || n > TEXT_WORD_MAX) return 0;
  size_t i = probe(lx, w, n, h);
  return lx->slot[i] ? lx->pool[lx->slot[i] - 1 + 1] : 0;
}

int text_lexicon_lookup(const text_lexicon_t *lx, const char *w, size_t n) {
  return text_lexicon_lookup_h(lx, w, n, text_hash(w, n));
}


size_t text_lexicon_size(const text_lexicon_t *lx) {
  return lx ? lx->count : 0;
}

static void lexicon_free(text_lexicon_t *lx) {
  if (!lx) return;
  free(lx->prefix);
  free(lx->pool);
  free(lx->slot);
  free(lx->hash);
  free(lx);
}

/* ------------------------------------------------------------ loading */

typedef struct load_ctx {
  text_lexicon_t *lx;
  int flags; /* TEXT_LEX_* for the forms of the current entry */
  int rc;
} load_ctx_t;

/* Letters only: ASCII a-z or any non-ASCII byte (folded letters). */
static int letters_only(const char *w, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)w[i];
    if (c < 0x80 && !(c >= 'a' && c <= 'z')) return 0;
  }
  return 1;
}

static void add_form(void *ctx, const char *form, size_t n) {
  load_ctx_t *lc = ctx;
  char folded[TEXT_WORD_MAX];
  int len = text_fold_word(form, n, folded, sizeof folded);
  if (len <= 0 || lc->rc != 0 || !letters_only(folded, (size_t)len)) return;
  if (text_utf8_count(folded, (size_t)len) < TEXT_COMPOUND_MIN_PART) return;
  lc->rc = lex_insert(lc->lx, folded, (size_t)len, lc->flags);
}

/* TEXT_LEX_MODIFIER / TEXT_LEX_HEAD from Hunspell compound roles. */
static int lex_roles(int roles) {
  return (roles & (TEXT_AFFIX_ROLE_BEGIN | TEXT_AFFIX_ROLE_MIDDLE)
              ? TEXT_LEX_MODIFIER
              : 0) |
         (roles & TEXT_AFFIX_ROLE_END ? TEXT_LEX_HEAD : 0);
}

static void load_line(load_ctx_t *lc, const text_affix_t *af, char *line) {
  size_t wl = strcspn(line, "/ \t\r");
  char *fl = line + wl;
  size_t nfl = 0;
  if (*fl == '/') {
    fl++;
    nfl = strcspn(fl, " \t\r");
  }
  char forbidden = text_affix_special(af, TEXT_AFFIX_FORBIDDEN);
  char need = text_affix_special(af, TEXT_AFFIX_NEEDAFFIX);
  char only = text_affix_special(af, TEXT_AFFIX_ONLYINCOMPOUND);
  if (wl == 0 || (forbidden && memchr(fl, forbidden, nfl))) return;
  int in_only = only && memchr(fl, only, nfl);
  /* Without compound roles in the .aff (or without .aff) every word may
   * take every place in a compound. */
  int all = TEXT_LEX_MODIFIER | TEXT_LEX_HEAD;
  int has = text_affix_has_roles(af);
  int roles = has ? lex_roles(text_affix_roles(af, fl, nfl, 1)) : all;
  /* Roles given directly (not through an identity rule) carry over to
   * the derived forms: "abrechnen/SJozm" -> "abrechnung" may end one. */
  int direct = has ? lex_roles(text_affix_roles(af, fl, nfl, 0)) : all;
  lc->flags = ((need && memchr(fl, need, nfl)) || in_only
                   ? TEXT_LEX_INCOMPOUND
                   : TEXT_LEX_STANDALONE) |
              roles;
  add_form(lc, line, wl);
  lc->flags = (in_only ? TEXT_LEX_INCOMPOUND : TEXT_LEX_STANDALONE) | direct;
  if (af && nfl) text_affix_expand(af, line, wl, fl, nfl, add_form, lc);
}

static text_affix_t *affix_for(const char *path) {
  size_t n = strlen(path);
  if (n < 4 || strcmp(path + n - 4, ".dic") != 0) return NULL;
  char *aff = lotse_strdup(path);
  if (!aff) return NULL;
  memcpy(aff + n - 4, ".aff", 4);
  text_affix_t *af = text_affix_load(aff, LEX_AFFIX_FLAGS);
  free(aff);
  return af;
}

static int parse_dic(text_lexicon_t *lx, char *data, const text_affix_t *af) {
  load_ctx_t lc = {lx, 0, 0};
  int first = 1;
  for (char *line = data; lc.rc == 0 && line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    int count_line = first && strspn(line, "0123456789 \r") == strlen(line);
    if (!count_line && *line != ' ' && *line != '\t' && *line != '#')
      load_line(&lc, af, line);
    first = 0;
    line = nl ? nl + 1 : NULL;
  }
  return lc.rc;
}

text_lexicon_t *text_lexicon_load(const char *path) {
  char *data = NULL;
  size_t len = 0;
  lotse_err_t err;
  if (lotse_file_read(path, LEX_FILE_MAX, &data, &len, &err) != 0) {
    lotse_log(LOTSE_LOG_WARN,
              "text: compound lexicon unavailable, splitting off: %s",
              err.msg);
    return NULL;
  }
  text_lexicon_t *lx = calloc(1, sizeof *lx);
  text_affix_t *af = affix_for(path);
  int rc = lx ? grow_table(lx) : LOTSE_ENOMEM;
  if (rc == 0 && !(lx->prefix = calloc(PREFIX_BITS / 64, sizeof(uint64_t))))
    rc = LOTSE_ENOMEM;
  if (rc == 0) rc = parse_dic(lx, data, af);
  free(data);
  text_affix_free(af);
  if (rc != 0 || lx->count == 0) {
    lotse_log(LOTSE_LOG_WARN,
              "text: compound lexicon '%s' has no usable words, splitting off",
              path);
    lexicon_free(lx);
    return NULL;
  }
  return lx;
}

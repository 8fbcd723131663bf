/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/affix.c — a small reader for Hunspell suffix rules ("SFX flag strip
 * add condition") so that the compound lexicon knows derived forms that the
 * .dic file only implies: "Abrechnen/J" -> "Abrechnung", "Antrag/p" ->
 * "Anträge", "Bürger/F" -> "Bürgerin", "Ergebnis/q" -> "Ergebnisse".
 *
 * Contract: only the rules of the flags passed to text_affix_load() are
 * kept; prefixes, continuation flags ("add/flags") and cross products are
 * ignored, which is enough for a splitting lexicon (not a spell checker).
 * Conditions support literals, "." and bracket classes "[abc]", "[^abc]"
 * over UTF-8 code points, matched against the end of the word.
 * Invariants: rules and conditions have fixed caps; longer ones are
 * dropped, never truncated.
 */
#include "text/text_internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define COND_MAX 8       /* elements of a condition */
#define CLASS_MAX 24     /* code points in one bracket class */
#define AFFIX_STR_MAX 24 /* bytes of strip / add */

typedef struct cond_elem {
  uint8_t any, neg, n;
  int32_t cp[CLASS_MAX];
} cond_elem_t;

typedef struct affix_rule {
  char flag;
  uint8_t striplen, addlen, ncond;
  char strip[AFFIX_STR_MAX];
  char add[AFFIX_STR_MAX];
  cond_elem_t cond[COND_MAX];
} affix_rule_t;

#define NSPECIAL 7

struct text_affix {
  affix_rule_t *rule;
  size_t n, cap;
  char special[NSPECIAL]; /* flag per TEXT_AFFIX_* role */
  /* Continuation flags of identity rules ("SFX j 0 0/xoc ."): they give
   * the bare word compound roles. Indexed by the rule's flag. */
  char ident[128][8];
};

static const char *const k_special[NSPECIAL] = {
    "FORBIDDENWORD",  "NEEDAFFIX",      "ONLYINCOMPOUND", "COMPOUNDBEGIN",
    "COMPOUNDMIDDLE", "COMPOUNDEND",    "COMPOUNDFLAG"};

/* ------------------------------------------------------------ parsing */

static int next_cp(const char **p, const char *end, int32_t *cp) {
  utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)*p,
                                        end - *p, cp);
  if (l <= 0) return -1;
  *p += l;
  return 0;
}

/* Parse a condition such as "[^aeiou]er" into elements; -1 if too big. */
static int parse_cond(const char *s, size_t n, affix_rule_t *r) {
  const char *p = s, *end = s + n;
  r->ncond = 0;
  if (n == 1 && *s == '.') return 0;
  while (p < end) {
    if (r->ncond == COND_MAX) return -1;
    cond_elem_t *e = &r->cond[r->ncond++];
    memset(e, 0, sizeof *e);
    if (*p == '.') {
      e->any = 1;
      p++;
    } else if (*p == '[') {
      p++;
      if (p < end && *p == '^') {
        e->neg = 1;
        p++;
      }
      while (p < end && *p != ']') {
        if (e->n == CLASS_MAX || next_cp(&p, end, &e->cp[e->n++]) < 0)
          return -1;
      }
      if (p == end) return -1;
      p++;
    } else {
      e->n = 1;
      if (next_cp(&p, end, &e->cp[0]) < 0) return -1;
    }
  }
  return 0;
}

static int split_fields(char *line, char **f, int max) {
  int k = 0;
  char *save = NULL;
  for (char *t = strtok_r(line, " \t\r", &save); t && k < max;
       t = strtok_r(NULL, " \t\r", &save))
    f[k++] = t;
  return k;
}

static void note_identity(text_affix_t *af, char **f) {
  unsigned char fl = (unsigned char)f[1][0];
  if (strlen(f[1]) != 1 || fl >= 128 || strcmp(f[2], "0") != 0 ||
      strncmp(f[3], "0/", 2) != 0)
    return;
  size_t used = strlen(af->ident[fl]);
  size_t add = strlen(f[3] + 2);
  if (used + add < sizeof af->ident[fl])
    memcpy(af->ident[fl] + used, f[3] + 2, add + 1);
}

static int add_rule(text_affix_t *af, char **f) {
  affix_rule_t r;
  memset(&r, 0, sizeof r);
  r.flag = f[1][0];
  char *slash = strchr(f[3], '/');
  if (slash) *slash = '\0';
  const char *strip = strcmp(f[2], "0") == 0 ? "" : f[2];
  const char *add = strcmp(f[3], "0") == 0 ? "" : f[3];
  if (strlen(strip) >= AFFIX_STR_MAX || strlen(add) >= AFFIX_STR_MAX) return 0;
  r.striplen = (uint8_t)strlen(strip);
  r.addlen = (uint8_t)strlen(add);
  memcpy(r.strip, strip, r.striplen);
  memcpy(r.add, add, r.addlen);
  if (parse_cond(f[4], strlen(f[4]), &r) < 0) return 0; /* drop, not fail */
  if (af->n == af->cap) {
    size_t nc = af->cap ? af->cap * 2 : 64;
    affix_rule_t *nr = realloc(af->rule, nc * sizeof *nr);
    if (!nr) return LOTSE_ENOMEM;
    af->rule = nr;
    af->cap = nc;
  }
  af->rule[af->n++] = r;
  return 0;
}

text_affix_t *text_affix_load(const char *path, const char *keep) {
  char *data = NULL;
  size_t len = 0;
  if (lotse_file_read(path, 16u << 20, &data, &len, NULL) != 0) return NULL;
  text_affix_t *af = calloc(1, sizeof *af);
  int rc = af ? 0 : LOTSE_ENOMEM;
  for (char *line = data; rc == 0 && line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    char *f[6];
    int k = split_fields(line, f, 6);
    if (k >= 5 && strcmp(f[0], "SFX") == 0 && strlen(f[1]) == 1 &&
        strchr(keep, f[1][0]))
      rc = add_rule(af, f);
    for (int i = 0; i < NSPECIAL && k == 2; i++)
      if (strcmp(f[0], k_special[i]) == 0 && strlen(f[1]) == 1)
        af->special[i] = f[1][0];
    if (k >= 5 && (strcmp(f[0], "SFX") == 0 || strcmp(f[0], "PFX") == 0))
      note_identity(af, f);
    line = nl ? nl + 1 : NULL;
  }
  free(data);
  if (rc != 0) {
    text_affix_free(af);
    return NULL;
  }
  return af;
}

void text_affix_free(text_affix_t *af) {
  if (!af) return;
  free(af->rule);
  free(af);
}

char text_affix_special(const text_affix_t *af, int which) {
  return af && which >= 0 && which < NSPECIAL ? af->special[which] : 0;
}

static int roles_of(const text_affix_t *af, const char *fl, size_t n) {
  static const int bits[4] = {TEXT_AFFIX_ROLE_BEGIN, TEXT_AFFIX_ROLE_MIDDLE,
                              TEXT_AFFIX_ROLE_END, TEXT_AFFIX_ROLE_BEGIN |
                                  TEXT_AFFIX_ROLE_MIDDLE |
                                  TEXT_AFFIX_ROLE_END};
  int r = 0;
  for (int i = 0; i < 4; i++) {
    char c = af->special[TEXT_AFFIX_COMPOUNDBEGIN + i];
    if (c && memchr(fl, c, n)) r |= bits[i];
  }
  return r;
}

int text_affix_roles(const text_affix_t *af, const char *flags, size_t n,
                     int with_identity) {
  if (!af) return 0;
  int r = roles_of(af, flags, n);
  for (size_t i = 0; with_identity && i < n; i++) {
    unsigned char c = (unsigned char)flags[i];
    if (c < 128 && af->ident[c][0])
      r |= roles_of(af, af->ident[c], strlen(af->ident[c]));
  }
  return r;
}

int text_affix_has_roles(const text_affix_t *af) {
  for (int i = TEXT_AFFIX_COMPOUNDBEGIN; af && i < NSPECIAL; i++)
    if (af->special[i]) return 1;
  return 0;
}

/* ---------------------------------------------------------- applying */

static int elem_match(const cond_elem_t *e, int32_t cp) {
  if (e->any) return 1;
  int in = 0;
  for (int i = 0; i < e->n && !in; i++) in = e->cp[i] == cp;
  return e->neg ? !in : in;
}

static int rule_match(const affix_rule_t *r, const int32_t *cps, size_t ncp,
                      const char *word, size_t n) {
  if (r->striplen >= n || r->ncond > ncp) return 0;
  if (memcmp(word + n - r->striplen, r->strip, r->striplen) != 0) return 0;
  for (size_t i = 0; i < r->ncond; i++)
    if (!elem_match(&r->cond[i], cps[ncp - r->ncond + i])) return 0;
  return 1;
}

void text_affix_expand(const text_affix_t *af, const char *word, size_t n,
                       const char *flags, size_t nflags,
                       text_affix_emit_fn emit, void *ctx) {
  if (!af || n == 0 || n > TEXT_WORD_MAX) return;
  int32_t cps[TEXT_WORD_MAX];
  size_t ncp = 0;
  const char *p = word, *end = word + n;
  while (p < end)
    if (next_cp(&p, end, &cps[ncp++]) < 0) return;
  for (size_t i = 0; i < af->n; i++) {
    const affix_rule_t *r = &af->rule[i];
    if (!memchr(flags, r->flag, nflags) || !rule_match(r, cps, ncp, word, n))
      continue;
    char form[TEXT_WORD_MAX];
    size_t base = n - r->striplen;
    if (base + r->addlen > sizeof form) continue;
    memcpy(form, word, base);
    memcpy(form + base, r->add, r->addlen);
    emit(ctx, form, base + r->addlen);
  }
}

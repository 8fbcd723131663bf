/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/compound.c — dictionary-based splitting of German compounds
 * ("urlaubsantrag" -> "urlaub" + "antrag", "reisekostenabrechnung" ->
 * "reise" + "kosten" + "abrechnung").
 *
 * Method: dynamic programming over the code point boundaries of a folded
 * word, from the end. A split is a sequence of modifiers followed by one
 * head. A modifier is a lexicon entry that Hunspell lets begin or stand
 * inside a compound (COMPOUNDBEGIN/-MIDDLE, e.g. "Urlaubs/hij",
 * "reise/hke"), optionally followed by a linking element (-s-, -es-, -n-,
 * -en-, -er-, -e-, -ens-, -nen-). The head is an entry that may end a
 * compound (COMPOUNDEND, e.g. "antrag/pSTozm" and its derived forms), or
 * any other standalone word of at least HEAD_FREE_MIN code points
 * ("unterlagen"), possibly inflected (one of k_endings stripped). These
 * roles come from the dictionary itself and keep most non-compounds whole:
 * "Tran" may not begin a compound, so "transformation" stays one word.
 * Every part has at least TEXT_COMPOUND_MIN_PART code points (three-letter
 * parts only from k_short_parts), and words shorter than
 * TEXT_COMPOUND_MIN_WORD are never split. Parts are not split again.
 * Choice among splits: fewer parts first, then the longer shortest part
 * (linking elements not counted), then more standalone parts,
 * then shorter linking elements, then the larger sum of squared lengths.
 * Modifiers ending in -ung, -heit, -keit, -schaft, -ion, -tät, -ling, -tum
 * must be followed by the linking "s".
 * Guards against false splits: no part may be a stop word or a verbal
 * particle ("unter" + "lagen", "gegen" + "stand"); derivational suffixes
 * are no heads ("körper" + "schaft"); "-ende"/"-haft" heads need "s" or
 * "n" before them ("woche-n-ende", not "lauf-enden"); and known
 * non-compounds are listed in k_not_compound ("richtlinie", "freitag").
 * Known false splits that remain (seen on the 2024 Lower Saxony gazette):
 * "angelernte" -> "angel" + "ernte", "wildwachsende" -> "wild" + "wachs"
 * + "ende", "brieflosen" -> "brief" + "losen", "niederschlug" -> "nieder"
 * + "schlug", "neuseeland" -> "neu" + "see" + "land"; lexicalised ones
 * such as "haushalt" -> "haus" + "halt" are split on purpose.
 * Contract: text_compound_find() is pure (reads the shared lexicon only)
 * and thread-safe.
 */
#include "text/text_internal.h"

#include <string.h>

typedef struct word {
  const char *s;
  size_t n;
} word_t;
#define W(lit) {lit, sizeof(lit) - 1}

static const word_t k_linkers[] = {
    W(""), W("s"), W("es"), W("n"), W("en"), W("er"), W("e"), W("ens"),
    W("nen"),
};
static const word_t k_endings[] = {
    W("e"), W("en"), W("n"), W("s"), W("es"), W("er"), W("ern"), W("em"),
    W("nen"),
};
/* Particles and prefixes that are words of their own but almost never the
 * first part of a real compound in administrative text. */
static const word_t k_particles[] = {
    W("ent"), W("zer"), W("miss"), W("dar"), W("ur"), W("wider"), W("gegen"),
    W("zurück"), W("zusammen"), W("herab"), W("heran"), W("herauf"),
    W("heraus"), W("herbei"), W("herein"), W("hinab"), W("hinauf"), W("hinaus"),
    W("hinein"), W("voran"), W("voraus"), W("vorbei"), W("empor"), W("fort"),
    W("weiter"), W("mit"), W("nach"), W("vor"), W("über"), W("unter"),
    W("durch"), W("um"), W("auf"), W("aus"), W("ein"), W("ab"), W("an"),
    W("bei"), W("zu"), W("los"),
};
/* Derivational suffixes that the lexicon also knows as words ("Schaft",
 * "Bar", "innen"): never a head, so "körperschaft" and "zahlbar" stay
 * whole. */
static const word_t k_suffix_heads[] = {
    W("schaft"), W("schaften"), W("innen"), W("bar"), W("bare"), W("baren"),
    W("barer"), W("bares"), W("barem"), W("sam"), W("same"), W("samen"),
    W("lich"), W("heit"), W("keit"), W("tum"), W("nis"), W("chen"), W("lein"),
    W("ling"), W("linge"), W("lingen"), W("ion"), W("ionen"), W("lunge"),
    W("lungen"), W("teller"), W("tellern"), W("tellers"), W("nisch"),
    W("nische"), W("nischen"), W("nischer"), W("nisches"), W("nischem"),
    W("logisch"), W("logische"), W("logischen"), W("logischer"), W("logisches"),
    W("logischem"), W("nomen"),
};
/* Suffixes that demand the linking "s" ("ordnung-s-amt", never
 * "ordnung" + "samt"). */
static const word_t k_s_suffixes[] = {
    W("ung"), W("heit"), W("keit"), W("schaft"), W("ion"), W("tät"), W("ling"),
    W("tum"),
};
/* Heads that look like a suffix when glued on directly ("laufenden",
 * "dauerhaft") but are real heads after "s" or "n" ("wochenende",
 * "untersuchungshaft"). */
static const word_t k_linked_heads[] = {
    W("ende"), W("enden"), W("endes"), W("endem"), W("ender"), W("haft"),
    W("hafte"), W("haften"), W("hafter"), W("haftes"), W("haftem"),
};
/* The only three-letter words used as parts: short lexicon entries
 * ("ren", "nie", "abt") cause most false splits. */
static const word_t k_short_parts[] = {
    W("akt"), W("alt"), W("amt"), W("arm"), W("art"), W("bad"), W("bau"),
    W("bio"), W("bus"), W("dom"), W("ehe"), W("eid"), W("eis"), W("erz"),
    W("fax"), W("gas"), W("gen"), W("gut"), W("hof"), W("kfz"), W("kuh"),
    W("kur"), W("lkw"), W("neu"), W("not"), W("ohr"), W("öko"), W("ort"),
    W("pkw"), W("rad"), W("rat"), W("reh"), W("rot"), W("ruf"), W("see"),
    W("tag"), W("tal"), W("tat"), W("tee"), W("tor"), W("tür"), W("uhr"),
    W("weg"), W("zoo"), W("zug"), W("web"), W("mut"), W("ton"), W("hut"),
    W("kot"),
};
/* Words the lexicon would split wrongly or with a misleading part
 * ("abt" + "eilung", "maß" + "nahme"); folded spellings, matched against
 * the whole word only. */
static const word_t k_not_compound[] = {
    W("abteilung"), W("abteilungen"), W("beamter"), W("beamten"), W("beamtin"),
    W("beamtinnen"), W("bescheid"), W("bescheide"), W("bescheiden"),
    W("bescheides"), W("verwaltung"), W("verwaltungen"), W("bearbeitung"),
    W("bearbeitungen"), W("erklärung"), W("erklärungen"), W("gebühren"),
    W("behörde"), W("behörden"), W("beinhalten"), W("beinhaltet"),
    W("beinhaltung"), W("maßnahme"), W("maßnahmen"), W("maßgabe"),
    W("maßgaben"), W("richtlinie"), W("richtlinien"), W("gutachten"),
    W("gutachter"), W("gutachterin"), W("gutachtens"), W("deutschland"),
    W("deutschlands"), W("niedersachsen"), W("niedersachsens"),
    W("niedersächsisch"), W("niedersächsische"), W("niedersächsischen"),
    W("niedersächsischer"), W("niedersächsisches"), W("niedersächsischem"),
    W("montag"), W("montags"), W("dienstag"), W("dienstags"), W("donnerstag"),
    W("donnerstags"), W("freitag"), W("freitags"), W("samstag"), W("samstags"),
    W("sonntag"), W("sonntags"), W("ökonom"), W("ökonomen"), W("ökonomie"),
    W("ökonomisch"), W("ökonomische"), W("ökonomischen"), W("ökonomischer"),
    W("ökonomisches"),
};

#define NMAX (TEXT_WORD_MAX + 1)

typedef struct cand {
  int8_t nparts; /* 0: none */
  int8_t standalone;
  int8_t minlen; /* shortest part (code points, linker excluded) */
  uint8_t next;    /* byte offset of the following part (or n) */
  uint8_t partlen; /* bytes of this part without linking element */
  int16_t link;    /* bytes of linking elements */
  int32_t sumsq;   /* squared part lengths, linkers included */
} cand_t;

/* Per byte offset i: can w[i..n) be a head, and its best split into two or
 * more parts. */
typedef struct dp {
  int8_t head[NMAX]; /* -1 not yet known, else HEAD_* */
  cand_t multi[NMAX];
} dp_t;

static int in_list(const word_t *list, size_t nlist, const char *w,
                   size_t n) {
  for (size_t i = 0; i < nlist; i++)
    if (list[i].n == n && memcmp(list[i].s, w, n) == 0) return 1;
  return 0;
}

#define IN_LIST(list, w, n) in_list(list, sizeof list / sizeof *list, w, n)

/* May w[0..n) (ncp code points) be a part at all? */
static int part_ok(const char *w, size_t n, size_t ncp) {
  if (ncp < TEXT_COMPOUND_MIN_PART) return 0;
  if (ncp == 3 && !IN_LIST(k_short_parts, w, n)) return 0;
  return !text_is_stopword(w, n) && !IN_LIST(k_particles, w, n);
}

static int ends_with(const char *w, size_t n, const char *e, size_t el) {
  return n >= el && memcmp(w + n - el, e, el) == 0;
}

/* Head roles: a word the dictionary lets end a compound, or any other
 * standalone word of at least HEAD_FREE_MIN code points ("unterlagen",
 * which de_DE.dic only knows as a verb form). */
#define HEAD_FREE_MIN 6

static int head_flags_ok(int f, size_t ncp) {
  return (f & TEXT_LEX_HEAD) ||
         ((f & TEXT_LEX_STANDALONE) && ncp >= HEAD_FREE_MIN);
}

enum { HEAD_NO, HEAD_YES, HEAD_AFTER_SN, HEAD_NOT_AFTER_E };

/* Is w[0..n) a head: a lexicon word, possibly inflected? HEAD_AFTER_SN:
 * only after "s" or "n" ("wochen|ende", not "lauf|enden");
 * HEAD_NOT_AFTER_E: not after "e" ("nutze|rinnen" is "nutzer|innen"). */
static int head_ok(const text_lexicon_t *lx, const char *w, size_t n,
                   size_t ncp) {
  if (ncp < TEXT_COMPOUND_MIN_PART) return HEAD_NO;
  uint32_t hs[4] = {0}; /* hash of w[0..n-3+k) for k = 0..3 */
  uint32_t h = TEXT_HASH_INIT;
  for (size_t i = 0; i < n; i++) {
    if (i + 3 >= n) hs[i + 3 - n] = h;
    h = text_hash_step(h, (unsigned char)w[i]);
  }
  hs[3] = h;
  size_t base = n; /* bytes of the uninflected head */
  int ok = head_flags_ok(text_lexicon_lookup_h(lx, w, n, h), ncp);
  for (size_t k = 0; !ok && k < sizeof k_endings / sizeof *k_endings; k++) {
    size_t el = k_endings[k].n;
    if (ncp < TEXT_COMPOUND_MIN_PART + el ||
        !ends_with(w, n, k_endings[k].s, el))
      continue;
    ok = head_flags_ok(text_lexicon_lookup_h(lx, w, n - el, hs[3 - el]),
                       ncp - el);
    base = n - el;
  }
  if (!ok || !part_ok(w, n, ncp) || IN_LIST(k_suffix_heads, w, n) ||
      IN_LIST(k_suffix_heads, w, base))
    return HEAD_NO;
  if (IN_LIST(k_linked_heads, w, n)) return HEAD_AFTER_SN;
  return n >= 4 && memcmp(w, "rinn", 4) == 0 ? HEAD_NOT_AFTER_E : HEAD_YES;
}

/* May the head at w[k] follow what precedes it? */
static int head_fits(int head, const char *w, size_t k) {
  if (head == HEAD_AFTER_SN) return w[k - 1] == 's' || w[k - 1] == 'n';
  if (head == HEAD_NOT_AFTER_E) return w[k - 1] != 'e';
  return head == HEAD_YES;
}

static int better(const cand_t *a, const cand_t *b) {
  if (!b->nparts) return 1;
  if (a->nparts != b->nparts) return a->nparts < b->nparts;
  if (a->minlen != b->minlen) return a->minlen > b->minlen;
  if (a->standalone != b->standalone) return a->standalone > b->standalone;
  if (a->link != b->link) return a->link < b->link;
  return a->sumsq > b->sumsq;
}

static int needs_s(const char *w, size_t n) {
  for (size_t k = 0; k < sizeof k_s_suffixes / sizeof *k_s_suffixes; k++)
    if (ends_with(w, n, k_s_suffixes[k].s, k_s_suffixes[k].n)) return 1;
  return 0;
}

static void consider(cand_t *best, const cand_t *c) {
  if (better(c, best)) *best = *c;
}

/* Try w[i..j) as a modifier followed by each linking element. */
static void try_modifier(const text_lexicon_t *lx, const char *w, size_t n,
                         const uint8_t *cpi, size_t i, size_t j, uint32_t h,
                         dp_t *dp, int max) {
  int f = text_lexicon_lookup_h(lx, w + i, j - i, h);
  int mlen = cpi[j] - cpi[i];
  if (!(f & TEXT_LEX_MODIFIER) || !part_ok(w + i, j - i, (size_t)mlen))
    return;
  int st = !!(f & TEXT_LEX_STANDALONE);
  int need_s = needs_s(w + i, j - i);
  for (size_t l = 0; l < sizeof k_linkers / sizeof *k_linkers; l++) {
    size_t ll = k_linkers[l].n, k = j + ll;
    if (k >= n || memcmp(w + j, k_linkers[l].s, ll) != 0) continue;
    if (need_s && !(ll == 1 && w[j] == 's')) continue;
    int len = cpi[k] - cpi[i], tail = cpi[n] - cpi[k];
    if (dp->head[k] < 0) /* computed on demand: most offsets never are */
      dp->head[k] = (int8_t)head_ok(lx, w + k, n - k, (size_t)tail);
    if (head_fits(dp->head[k], w, k)) {
      cand_t c = {2, (int8_t)(st + 1), (int8_t)(mlen < tail ? mlen : tail),
                  (uint8_t)k, (uint8_t)(j - i), (int16_t)ll,
                  len * len + tail * tail};
      consider(&dp->multi[i], &c);
    }
    const cand_t *r = &dp->multi[k];
    if (r->nparts && r->nparts < max) {
      cand_t c = {(int8_t)(r->nparts + 1), (int8_t)(r->standalone + st),
                  (int8_t)(mlen < r->minlen ? mlen : r->minlen), (uint8_t)k,
                  (uint8_t)(j - i), (int16_t)(r->link + ll),
                  r->sumsq + len * len};
      consider(&dp->multi[i], &c);
    }
  }
}

static void solve_at(const text_lexicon_t *lx, const char *w, size_t n,
                     const uint8_t *cpi, size_t i, dp_t *dp, int max) {
  memset(&dp->multi[i], 0, sizeof dp->multi[i]);
  uint32_t h = TEXT_HASH_INIT; /* of w[i..j), grown byte by byte */
  for (size_t j = i + 1; j < n; j++) {
    h = text_hash_step(h, (unsigned char)w[j - 1]);
    if (!text_lexicon_maybe_prefix(lx, h)) break; /* no word starts so */
    if (((unsigned char)w[j] & 0xC0) == 0x80) continue;
    if (cpi[j] - cpi[i] < TEXT_COMPOUND_MIN_PART) continue;
    if (cpi[n] - cpi[j] < TEXT_COMPOUND_MIN_PART) break;
    try_modifier(lx, w, n, cpi, i, j, h, dp, max);
  }
}

/* A compound-only modifier ("urlaubs") is reported as its standalone word
 * ("urlaub") when the difference is a linking element. */
static uint8_t trim_linker(const text_lexicon_t *lx, const char *w,
                           uint8_t n) {
  if (text_lexicon_lookup(lx, w, n) & TEXT_LEX_STANDALONE) return n;
  for (size_t l = 1; l < sizeof k_linkers / sizeof *k_linkers; l++) {
    size_t ll = k_linkers[l].n;
    if (n < ll + TEXT_COMPOUND_MIN_PART || !ends_with(w, n, k_linkers[l].s, ll))
      continue;
    size_t m = n - ll;
    if ((text_lexicon_lookup(lx, w, m) & TEXT_LEX_STANDALONE) &&
        part_ok(w, m, text_utf8_count(w, m)))
      return (uint8_t)m;
  }
  return n;
}

int text_compound_find(const text_lexicon_t *lx, const char *w, size_t n,
                       text_span_t *parts, int max) {
  if (!lx || n == 0 || n > TEXT_WORD_MAX || max < 2) return 0;
  if (max > TEXT_COMPOUND_MAX_PARTS) max = TEXT_COMPOUND_MAX_PARTS;
  uint8_t cpi[NMAX];
  int cp = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)w[i];
    if (c < 0x80 && !(c >= 'a' && c <= 'z')) return 0; /* digits etc. */
    cpi[i] = (uint8_t)cp; /* continuation bytes: index of the next char */
    if ((c & 0xC0) != 0x80) cp++;
  }
  cpi[n] = (uint8_t)cp;
  if (cp < TEXT_COMPOUND_MIN_WORD || IN_LIST(k_not_compound, w, n)) return 0;
  dp_t dp;
  memset(dp.head, -1, sizeof dp.head);
  memset(&dp.multi[n], 0, sizeof dp.multi[n]);
  for (size_t i = n; i-- > 0;) {
    if (((unsigned char)w[i] & 0xC0) == 0x80) continue;
    solve_at(lx, w, n, cpi, i, &dp, max);
  }
  if (dp.multi[0].nparts < 2) return 0;
  /* multi[i] with two parts ends in the head at .next, with more parts it
   * continues with multi[.next]. */
  int k = 0;
  for (size_t i = 0;;) {
    const cand_t *c = &dp.multi[i];
    parts[k++] = (text_span_t){(uint8_t)i, trim_linker(lx, w + i, c->partlen)};
    if (c->nparts == 2) {
      parts[k++] = (text_span_t){c->next, (uint8_t)(n - c->next)};
      return k;
    }
    i = c->next;
  }
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/easy.c — Leichte-Sprache rule check (rules documented in
 * text/easy.h). Word-level rules look at one word (and its neighbours in
 * the same sentence); sentence-level rules at the whole sentence.
 */
#include "text/easy.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *id, *msg;
} rules[TEXT_EASY_RULE_COUNT] = {
    {"sentence_length", "Langer Satz: kurze Sätze mit höchstens einer "
                        "Aussage sind leichter"},
    {"statements", "Mehr als eine Aussage im Satz: besser zwei Sätze"},
    {"passive", "Passiv: besser aktiv schreiben (wer macht was?)"},
    {"genitive", "Genitiv: besser mit \"von\" oder \"vom\" schreiben"},
    {"subjunctive", "Konjunktiv: besser klar und direkt schreiben"},
    {"negation", "Verneinung: besser positiv formulieren"},
    {"abbreviation", "Abkürzung: Wort ausschreiben oder erklären"},
    {"roman_numeral", "Römische Zahl: besser arabische Ziffern (1, 2, 3)"},
    {"large_number", "Große Zahl: besser \"viele\" schreiben oder runden"},
    {"percentage", "Prozent-Angabe: besser \"die Hälfte\", \"fast alle\" "
                   "usw."},
    {"date", "Datum in Ziffern: Monat als Wort schreiben"},
    {"long_word", "Langes Wort: mit Medio·punkt oder Binde-Strich "
                  "trennen"},
    {"foreign_word", "Fremd- oder Fachwort: erklären oder ein einfaches "
                     "Wort nehmen"},
};

const char *text_easy_rule_id(text_easy_rule_t r) {
  return (unsigned)r < TEXT_EASY_RULE_COUNT ? rules[r].id : "?";
}

const char *text_easy_rule_message(text_easy_rule_t r) {
  return (unsigned)r < TEXT_EASY_RULE_COUNT ? rules[r].msg : "?";
}

/* ---- word helpers ------------------------------------------------------ */

#define FOLD_MAX 64

typedef struct {
  const char *s;
  const text_rd_doc_t *d;
  size_t sent; /* current sentence */
  text_easy_result_t *res;
  const text_hyphen_t *h;
  int max_words, long_letters;
  int rc;
} ctx_t;

/* Lower-cased copy of word k (ASCII and Ä/Ö/Ü), "" when too long. */
static const char *fold(const ctx_t *c, size_t k, char *buf) {
  const text_rd_word_t *w = &c->d->w[k];
  size_t n = w->end - w->start;
  if (n >= FOLD_MAX) return buf[0] = 0, buf;
  for (size_t i = 0; i < n; i++) {
    unsigned char b = (unsigned char)c->s[w->start + i];
    if (b >= 'A' && b <= 'Z') b += 32;
    if (i && (unsigned char)c->s[w->start + i - 1] == 0xC3 &&
        (b == 0x84 || b == 0x96 || b == 0x9C))
      b += 0x20;
    buf[i] = (char)b;
  }
  buf[n] = 0;
  return buf;
}

static bool in_list(const char *w, const char *const *list) {
  for (size_t i = 0; list[i]; i++)
    if (!strcmp(w, list[i])) return true;
  return false;
}

static bool ends_with(const char *w, const char *suf) {
  size_t a = strlen(w), b = strlen(suf);
  return a >= b && !memcmp(w + a - b, suf, b);
}

static bool starts_with(const char *w, const char *pre) {
  return !strncmp(w, pre, strlen(pre));
}

static bool is_upper_start(const ctx_t *c, size_t k) {
  unsigned char b = (unsigned char)c->s[c->d->w[k].start];
  if (b >= 'A' && b <= 'Z') return true;
  return b == 0xC3 && c->d->w[k].end - c->d->w[k].start > 1 &&
         (unsigned char)c->s[c->d->w[k].start + 1] < 0xA0;
}

static int add(ctx_t *c, text_easy_rule_t rule, size_t start, size_t end,
               const char *hint) {
  text_easy_result_t *r = c->res;
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 32;
    text_easy_finding_t *p = realloc(r->f, cap * sizeof *p);
    if (!p) return c->rc = LOTSE_ENOMEM;
    r->f = p, r->cap = cap;
  }
  text_easy_finding_t *f = &r->f[r->n++];
  f->rule = rule, f->start = start, f->end = end, f->sentence = c->sent;
  snprintf(f->hint, sizeof f->hint, "%s", hint ? hint : "");
  return 0;
}

static int add_word(ctx_t *c, text_easy_rule_t rule, size_t k,
                    const char *hint) {
  return add(c, rule, c->d->w[k].start, c->d->w[k].end, hint);
}

/* ---- word lists -------------------------------------------------------- */

static const char *const joiners[] = {
    "und", "oder", "aber", "denn", "sondern", "doch", "weil", "dass",
    "wenn", "falls", "obwohl", "damit", "ob", "als", "während", "nachdem",
    "bevor", "sodass", "der", "die", "das", "dem", "den", "deren", "dessen",
    "welche", "welcher", "welches", "welchen", "wo", "wie", "womit",
    "wobei", NULL};
static const char *const always_join[] = {"aber", "denn", "sondern", NULL};
static const char *const werden[] = {
    "werde", "wirst", "wird", "werden", "werdet", "wurde", "wurdest",
    "wurden", "wurdet", "worden", NULL};
static const char *const konj2[] = {
    "würde", "würdest", "würden", "würdet", "hätte", "hättest", "hätten",
    "hättet", "wäre", "wärest", "wärst", "wären", "wäret", "könnte",
    "könntest", "könnten", "könntet", "müsste", "müsstest", "müssten",
    "sollte", "solltest", "sollten", "dürfte", "dürften", "bräuchte",
    "bräuchten", "käme", "kämen", "ginge", "gingen", NULL};
static const char *const negations[] = {
    "nicht", "nichts", "kein", "keine", "keinen", "keinem", "keiner",
    "keines", "nie", "niemals", "niemand", "niemanden", "niemandem",
    "nirgends", "nirgendwo", "weder", NULL};
/* Abbreviations that need a following ".", lower case. */
static const char *const abbr_dot[] = {
    "bzw", "ggf", "usw", "evtl", "abs", "nr", "art", "vgl", "ca", "inkl",
    "zzgl", "bzgl", "sog", "gem", "lt", "ziff", "etc", "einschl", "abt",
    "az", "uvm", "zt", "tel", "str", NULL};
/* Single letters that form dotted pairs: "z. B.", "d. h.", "u. a.". */
static const char *const abbr_pairs[] = {"z b", "d h", "u a", "o a",
                                         "u u", "s o", "s u", "i d",
                                         "v a", NULL};
static const char *const foreign_list[] = {
    "homepage", "download", "downloaden", "online", "offline", "update",
    "updates", "login", "account", "accounts", "team", "teams", "meeting",
    "meetings", "feedback", "link", "links", "service", "services",
    "newsletter", "support", "ticket", "tickets", "app", "apps", "e-mail",
    "email", "upload", "portal",
    "digitalisierung", "authentifizierung", "registrierung",
    "verifizierung", "modalitäten", "sachverhalt", "bescheidung",
    "rechtsbehelf", "rechtsbehelfsbelehrung", "widerspruchsfrist",
    "bewilligungszeitraum", "leistungsbezug", NULL};
static const char *const months[] = {
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
    "August", "September", "Oktober", "November", "Dezember"};

/* ---- sentence-level rules ---------------------------------------------- */

static void rule_statements(ctx_t *c, const text_rd_sent_t *t) {
  char buf[FOLD_MAX];
  for (size_t k = t->first; k < t->first + t->nwords; k++) {
    const char *w = fold(c, k, buf);
    if (k > t->first && in_list(w, always_join)) {
      add_word(c, TEXT_EASY_STATEMENTS, k, "");
      continue;
    }
    if (k == t->first) continue;
    /* punctuation between the previous word and this one */
    size_t a = c->d->w[k - 1].end, b = c->d->w[k].start;
    bool comma = false, semi = false;
    for (size_t i = a; i < b; i++) {
      comma |= c->s[i] == ',';
      semi |= c->s[i] == ';';
    }
    if (semi || (comma && in_list(w, joiners)))
      add(c, TEXT_EASY_STATEMENTS, a,
          c->d->w[k].end, "");
  }
}

/* Strong participles with an inseparable prefix (no "ge-", "-en" like
 * the infinitive), frequent in administrative letters. */
static const char *const strong_part[] = {
    "entschieden", "überwiesen", "unterschrieben", "verboten", "vergeben",
    "verschoben", "erhoben", "erlassen", "bewiesen", "entnommen",
    "beschrieben", "betroffen", "verliehen", "entzogen", "bezogen",
    "vollzogen", "behoben", "verwiesen", "empfohlen", "befohlen", NULL};

/* Separable prefixes before "ge" (eingereicht, ausgezahlt). */
static const char *const sep_prefix[] = {
    "ab", "an", "auf", "aus", "bei", "ein", "fest", "frei", "her", "hin",
    "mit", "nach", "vor", "weg", "zu", "zurück", "um", "dar", "", NULL};

static bool is_participle(const char *w) {
  size_t n = strlen(w);
  if (n < 6) return false;
  for (size_t i = 0; sep_prefix[i]; i++) {
    const char *r = w + strlen(sep_prefix[i]);
    if (starts_with(w, sep_prefix[i]) && starts_with(r, "ge") &&
        strlen(r) >= 6 && (ends_with(r, "t") || ends_with(r, "en")))
      return true;
  }
  if (ends_with(w, "iert") || in_list(w, strong_part)) return true;
  static const char *const pre[] = {"be", "ver", "er", "ent", "zer", NULL};
  for (size_t i = 0; pre[i]; i++)
    if (starts_with(w, pre[i]) && ends_with(w, "t")) return true;
  return false;
}

/* Punctuation between word j-1 and word j that ends a clause. */
static bool clause_break(const ctx_t *c, size_t j) {
  for (size_t i = c->d->w[j - 1].end; i < c->d->w[j].start; i++)
    if (strchr(",;:\"()", c->s[i]) || (unsigned char)c->s[i] == 0xC2 ||
        (unsigned char)c->s[i] == 0xE2)
      return true;
  return false;
}

static void rule_passive(ctx_t *c, const text_rd_sent_t *t) {
  char buf[FOLD_MAX];
  size_t end = t->first + t->nwords;
  for (size_t k = t->first; k < end; k++) {
    if (!in_list(fold(c, k, buf), werden)) continue;
    for (size_t j = k + 1; j < end; j++) {
      if (clause_break(c, j)) break;
      if (is_upper_start(c, j)) continue;
      if (is_participle(fold(c, j, buf))) {
        add(c, TEXT_EASY_PASSIVE, c->d->w[k].start, c->d->w[j].end, "");
        return;
      }
    }
  }
}

static void rule_genitive(ctx_t *c, const text_rd_sent_t *t) {
  char buf[FOLD_MAX];
  size_t end = t->first + t->nwords;
  for (size_t k = t->first; k + 1 < end; k++) {
    const char *w = fold(c, k, buf);
    if (!strcmp(w, "des") || !strcmp(w, "eines")) {
      for (size_t j = k + 1; j < end && j <= k + 3; j++) {
        if (is_upper_start(c, j) && ends_with(fold(c, j, buf), "s")) {
          add(c, TEXT_EASY_GENITIVE, c->d->w[k].start, c->d->w[j].end, "");
          break;
        }
      }
      continue;
    }
    if (strcmp(w, "der") || k == t->first || !is_upper_start(c, k - 1) ||
        k - 1 == t->first)
      continue;
    size_t j = k + 1;
    if (j + 1 < end && !is_upper_start(c, j)) j++;
    if (is_upper_start(c, j) && c->d->w[j].alpha)
      add(c, TEXT_EASY_GENITIVE, c->d->w[k].start, c->d->w[j].end, "");
  }
}

/* ---- word-level rules -------------------------------------------------- */

static bool next_char_is(const ctx_t *c, size_t k, char ch) {
  return c->s[c->d->w[k].end] == ch;
}

/* "z. B." style pair starting at word k (single letters with dots). */
static bool abbr_pair(const ctx_t *c, size_t k, size_t end) {
  char a[FOLD_MAX], b[FOLD_MAX], pair[8];
  if (k + 1 >= end || c->d->w[k].letters != 1 || !c->d->w[k].alpha ||
      c->d->w[k + 1].letters != 1 || !c->d->w[k + 1].alpha)
    return false;
  if (!next_char_is(c, k, '.') || !next_char_is(c, k + 1, '.'))
    return false;
  snprintf(pair, sizeof pair, "%.1s %.1s", fold(c, k, a), fold(c, k + 1, b));
  return in_list(pair, abbr_pairs);
}

static bool is_acronym(const ctx_t *c, size_t k) {
  const text_rd_word_t *w = &c->d->w[k];
  size_t n = w->end - w->start;
  if (n < 2 || n > 6 || (size_t)w->letters != n) return false;
  for (size_t i = 0; i < n; i++)
    if (!isupper((unsigned char)c->s[w->start + i])) return false;
  return true;
}

static int roman_value(char ch) {
  switch (ch) {
    case 'I': return 1;
    case 'V': return 5;
    case 'X': return 10;
    case 'L': return 50;
    case 'C': return 100;
    case 'D': return 500;
    case 'M': return 1000;
    default: return 0;
  }
}

/* Value of a canonical Roman numeral, 0 when s is not one. */
static int roman(const char *s, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    int a = roman_value(s[i]), b = i + 1 < n ? roman_value(s[i + 1]) : 0;
    if (!a) return 0;
    v += a < b ? -a : a;
  }
  if (v <= 0 || v >= 4000) return 0;
  /* canonical: writing v back gives s */
  static const int vals[] = {1000, 900, 500, 400, 100, 90, 50, 40,
                             10,   9,   5,   4,   1};
  static const char *const syms[] = {"M",  "CM", "D",  "CD", "C",
                                     "XC", "L",  "XL", "X",  "IX",
                                     "V",  "IV", "I"};
  char out[32];
  size_t o = 0;
  for (int i = 0, r = v; i < 13; i++)
    for (; r >= vals[i] && o + 3 < sizeof out; r -= vals[i])
      o += (size_t)snprintf(out + o, sizeof out - o, "%s", syms[i]);
  return o == n && !memcmp(out, s, n) ? v : 0;
}

static void rule_roman(ctx_t *c, size_t k) {
  static const char *const skip[] = {"CD", "DC", "MD", "MM", "CM", "MC",
                                     NULL};
  const text_rd_word_t *w = &c->d->w[k];
  size_t n = w->end - w->start;
  char buf[16];
  if (n < 2 || n >= sizeof buf || !roman(c->s + w->start, n)) return;
  memcpy(buf, c->s + w->start, n);
  buf[n] = 0;
  if (in_list(buf, skip)) return;
  char hint[32];
  snprintf(hint, sizeof hint, "%d", roman(buf, n));
  add_word(c, TEXT_EASY_ROMAN, k, hint);
}

static void rule_abbrev(ctx_t *c, size_t k, size_t end) {
  char buf[FOLD_MAX];
  if (abbr_pair(c, k, end)) {
    add(c, TEXT_EASY_ABBREVIATION, c->d->w[k].start,
        c->d->w[k + 1].end + 1, "");
    return;
  }
  const char *w = fold(c, k, buf);
  if (next_char_is(c, k, '.') && in_list(w, abbr_dot)) {
    add(c, TEXT_EASY_ABBREVIATION, c->d->w[k].start, c->d->w[k].end + 1, "");
    return;
  }
  if (is_acronym(c, k) && !roman(c->s + c->d->w[k].start,
                                 c->d->w[k].end - c->d->w[k].start))
    add_word(c, TEXT_EASY_ABBREVIATION, k, "");
}

/* Numeric value of a number token ("1.000", "3,5" → 3), digits count
 * without separators, and whether it was grouped with ".". */
static double num_value(const char *s, size_t n, int *digits, bool *grouped,
                        bool *decimal) {
  double v = 0;
  *digits = 0, *grouped = false, *decimal = false;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == ',') *decimal = true;
    if (s[i] == '.') *grouped = true;
    if (s[i] >= '0' && s[i] <= '9' && !*decimal) {
      v = v * 10 + (s[i] - '0');
      ++*digits;
    }
  }
  return v;
}

/* d.m.yyyy, d.m.yy (returns 1) or "d.m." (token "d.m" + ".", returns 2);
 * fills the written-out form into hint; 0 when no date. */
static int is_date(const ctx_t *c, size_t k, char *hint, size_t cap) {
  const text_rd_word_t *w = &c->d->w[k];
  unsigned d, m, y = 0;
  int len = 0;
  char tok[32];
  size_t n = w->end - w->start;
  if (n >= sizeof tok) return 0;
  memcpy(tok, c->s + w->start, n);
  tok[n] = 0;
  if (sscanf(tok, "%2u.%2u.%4u%n", &d, &m, &y, &len) == 3 &&
      (size_t)len == n && (len == (int)strlen(tok)) &&
      (n - (size_t)(strrchr(tok, '.') - tok) - 1 == 2 ||
       n - (size_t)(strrchr(tok, '.') - tok) - 1 == 4)) {
    if (y < 100) y += 2000;
  } else if (sscanf(tok, "%2u.%2u%n", &d, &m, &len) == 2 &&
             (size_t)len == n && c->s[w->end] == '.' &&
             n - (size_t)(strchr(tok, '.') - tok) - 1 <= 2) {
    y = 0;
  } else {
    return 0;
  }
  if (d < 1 || d > 31 || m < 1 || m > 12) return 0;
  if (y)
    snprintf(hint, cap, "%u. %s %u", d, months[m - 1], y);
  else
    snprintf(hint, cap, "%u. %s", d, months[m - 1]);
  return y ? 1 : 2;
}

/* "Ziffern gliedern: 12 000" from the digits of an ungrouped number (the
 * part before a decimal comma, grouped in threes from the right). */
static void group_digits(const char *s, size_t n, char *out, size_t cap) {
  size_t d = 0;
  while (d < n && s[d] >= '0' && s[d] <= '9') d++;
  int o = snprintf(out, cap, "Ziffern gliedern: ");
  for (size_t i = 0; i < d && (size_t)o + 3 < cap; i++) {
    out[o++] = s[i];
    if (i + 1 < d && (d - i - 1) % 3 == 0) out[o++] = ' ';
  }
  out[o] = 0;
}

static void rule_numbers(ctx_t *c, size_t k) {
  const text_rd_word_t *w = &c->d->w[k];
  char hint[96];
  int date = is_date(c, k, hint, sizeof hint);
  if (date) {
    add(c, TEXT_EASY_DATE, w->start, w->end + (date == 2), hint);
    return;
  }
  int digits;
  bool grouped, decimal;
  double v = num_value(c->s + w->start, w->end - w->start, &digits,
                       &grouped, &decimal);
  /* percentage: "%" (after an optional blank) or the word Prozent */
  size_t p = w->end;
  if (p < c->d->w[k].end + 2 && c->s[p] == ' ') p++;
  char buf[FOLD_MAX];
  if (c->s[p] == '%') {
    add(c, TEXT_EASY_PERCENTAGE, w->start, p + 1, "");
  } else if (k + 1 < c->d->nw && !strcmp(fold(c, k + 1, buf), "prozent")) {
    add(c, TEXT_EASY_PERCENTAGE, w->start, c->d->w[k + 1].end, "");
  }
  bool year = !grouped && !decimal && digits == 4 && v >= 1900 && v <= 2100;
  if (!grouped && !decimal && digits >= 5) {
    group_digits(c->s + w->start, w->end - w->start, hint, sizeof hint);
    add_word(c, TEXT_EASY_LARGE_NUMBER, k, hint);
  } else if (v > 1000 && !year) {
    add_word(c, TEXT_EASY_LARGE_NUMBER, k, "");
  }
}

static bool foreign_pattern(const char *w) {
  size_t n = strlen(w);
  for (size_t i = 0; i < n; i++) {
    if (w[i] == 'c' && w[i + 1] != 'h' && w[i + 1] != 'k') return true;
    if (w[i] == 'y') return true;
    if (w[i] == 'o' && w[i + 1] == 'u') return true;
  }
  /* -ing, but not German -ling (Flüchtling, Frühling) */
  return n >= 6 && ends_with(w, "ing") && !ends_with(w, "ling");
}

static bool explained(const ctx_t *c, size_t k) {
  size_t i = c->d->w[k].end;
  while (c->s[i] == ' ') i++;
  if (c->s[i] == '(') return true;
  /* this sentence or the next one explains it */
  const text_rd_sent_t *t = &c->d->s[c->sent];
  size_t last = c->sent + 1 < c->d->ns ? c->d->s[c->sent + 1].first +
                                             c->d->s[c->sent + 1].nwords
                                       : t->first + t->nwords;
  char buf[FOLD_MAX];
  for (size_t j = t->first; j < last; j++) {
    const char *w = fold(c, j, buf);
    if (!strcmp(w, "bedeutet") || !strcmp(w, "heißt")) return true;
  }
  return false;
}

static void rule_long_foreign(ctx_t *c, size_t k) {
  const text_rd_word_t *w = &c->d->w[k];
  char buf[FOLD_MAX];
  const char *f = fold(c, k, buf);
  bool joined = memchr(c->s + w->start, '-', w->end - w->start) ||
                strstr(f, "\xC2\xB7");
  if (w->letters > c->long_letters && !joined) {
    char hint[96];
    text_easy_split(c->h, c->s + w->start, w->end - w->start, hint,
                    sizeof hint);
    add_word(c, TEXT_EASY_LONG_WORD, k, hint);
  }
  if (!is_acronym(c, k) && (in_list(f, foreign_list) ||
                            (!joined && foreign_pattern(f))) &&
      !explained(c, k))
    add_word(c, TEXT_EASY_FOREIGN, k, "");
}

static void word_rules(ctx_t *c, const text_rd_sent_t *t) {
  char buf[FOLD_MAX];
  size_t end = t->first + t->nwords;
  for (size_t k = t->first; k < end; k++) {
    const text_rd_word_t *w = &c->d->w[k];
    if (!w->alpha) {
      rule_numbers(c, k);
      continue;
    }
    const char *f = fold(c, k, buf);
    if (in_list(f, konj2)) add_word(c, TEXT_EASY_SUBJUNCTIVE, k, "");
    if (in_list(f, negations)) add_word(c, TEXT_EASY_NEGATION, k, "");
    rule_abbrev(c, k, end);
    rule_roman(c, k);
    rule_long_foreign(c, k);
  }
}

/* "§" anywhere in the sentence's span. */
static void rule_paragraph(ctx_t *c, const text_rd_sent_t *t) {
  size_t a = t->start > 3 ? t->start - 3 : 0;
  for (size_t i = a; i + 1 < t->end; i++)
    if ((unsigned char)c->s[i] == 0xC2 && (unsigned char)c->s[i + 1] == 0xA7)
      add(c, TEXT_EASY_ABBREVIATION, i, i + 2, "Paragraf");
}

static int cmp_finding(const void *a, const void *b) {
  const text_easy_finding_t *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return (int)x->rule - (int)y->rule;
}

int text_easy_check(const char *s, size_t n, const text_hyphen_t *h,
                    const text_easy_opts_t *opts, text_easy_result_t *res,
                    lotse_err_t *err) {
  memset(res, 0, sizeof *res);
  text_rd_doc_t doc;
  int rc = text_rd_split(s, n, h, &doc, err);
  if (rc) return rc;
  /* s must be readable one byte past a word end: copy with a NUL. */
  char *z = malloc(n + 4);
  if (!z) {
    text_rd_doc_release(&doc);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  memcpy(z, s, n);
  memset(z + n, 0, 4);
  ctx_t c = {z, &doc, 0, res, h, 12, 12, 0};
  if (opts && opts->max_words > 0) c.max_words = opts->max_words;
  if (opts && opts->long_letters > 0) c.long_letters = opts->long_letters;
  for (size_t i = 0; i < doc.ns && !c.rc; i++) {
    const text_rd_sent_t *t = &doc.s[i];
    size_t before = res->n;
    c.sent = i;
    if (t->nwords > (size_t)c.max_words)
      add(&c, TEXT_EASY_SENTENCE_LENGTH, t->start, t->end, "");
    else
      res->sentences_short++;
    rule_statements(&c, t);
    rule_passive(&c, t);
    rule_genitive(&c, t);
    rule_paragraph(&c, t);
    word_rules(&c, t);
    res->sentences_clean += res->n == before;
  }
  res->sentences = doc.ns;
  text_readability_doc(&doc, &res->scores);
  text_rd_doc_release(&doc);
  free(z);
  if (c.rc) {
    text_easy_result_release(res);
    return lotse_err_set(err, c.rc, "out of memory");
  }
  if (res->n > 1) qsort(res->f, res->n, sizeof *res->f, cmp_finding);
  return 0;
}

void text_easy_result_release(text_easy_result_t *res) {
  free(res->f);
  memset(res, 0, sizeof *res);
}

/* ---- compound split ---------------------------------------------------- */

static int split_score(const char *l, const char *r) {
  static const char *const link[] = {"ungs", "heits", "keits", "ions",
                                     "täts", "schafts", NULL};
  static const char *const pre[] = {"ver", "be", "ge", "ent", "er",
                                    "an", "ab", "auf", "aus", "ein",
                                    "vor", "nach", "über", "unter", NULL};
  for (size_t i = 0; link[i]; i++)
    if (ends_with(l, link[i])) return 5;
  for (size_t i = 0; pre[i]; i++)
    if (starts_with(r, pre[i])) return 3;
  if (ends_with(l, "s")) return 2;
  if (ends_with(l, "en") || ends_with(l, "er")) return 1;
  return 0;
}

static size_t count_letters(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
  return k;
}

int text_easy_split(const text_hyphen_t *h, const char *w, size_t n,
                    char *out, size_t cap) {
  size_t pts[64];
  char lw[FOLD_MAX * 2], rw[FOLD_MAX * 2];
  if (cap) out[0] = 0;
  if (n >= FOLD_MAX * 2 - 1 || cap < n + 3) return 0;
  int np = text_hyphen_points(h, w, n, pts, 64);
  size_t best = 0;
  int best_score = -1;
  size_t best_dist = (size_t)-1;
  for (int i = 0; i < np; i++) {
    size_t p = pts[i];
    if (count_letters(w, p) < 4 || count_letters(w + p, n - p) < 4)
      continue;
    for (size_t j = 0; j < p; j++) lw[j] = (char)tolower((unsigned char)w[j]);
    lw[p] = 0;
    for (size_t j = p; j < n; j++)
      rw[j - p] = (char)tolower((unsigned char)w[j]);
    rw[n - p] = 0;
    int sc = split_score(lw, rw);
    size_t dist = p > n / 2 ? p - n / 2 : n / 2 - p;
    if (sc > best_score || (sc == best_score && dist < best_dist))
      best = p, best_score = sc, best_dist = dist;
  }
  if (best_score < 1) return 0;
  snprintf(out, cap, "%.*s\xC2\xB7%.*s", (int)best, w, (int)(n - best),
           w + best);
  return 0;
}

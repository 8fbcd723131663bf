/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/style.c — the style check for administrative German (text/style.h):
 * a tokenizer that splits words and sentences, and one pass per rule over
 * the tokens. The phrase tables are in text/style_phrases.c.
 */
#include "text/style.h"
#include "text/style_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How many tokens before or after a Funktionsverbgefüge's noun part its
 * verb may stand (German puts the verb far away, but not unboundedly). */
#define FVG_WINDOW 24

typedef struct tok {
  size_t s, e;
  size_t sent;  /* sentence index */
  char punct;   /* 0 for a word, else the ASCII punctuation byte */
  bool cap;     /* word starting with an upper-case letter */
} tok_t;

typedef struct sent {
  size_t first, last; /* token range, last exclusive */
} sent_t;

typedef struct ctx {
  const char *t;
  size_t n;
  tok_t *tok;
  size_t ntok, captok;
  sent_t *sent;
  size_t nsent, capsent;
  text_style_list_t *out;
  int oom;
} ctx_t;

/* ------------------------------------------------------------ characters */

/* Length of the letter starting at t[i] (ASCII letter or digit, or a
 * two-byte UTF-8 letter such as ä, é), 0 when it is none. */
static size_t letter_len(const char *t, size_t n, size_t i) {
  unsigned char c = (unsigned char)t[i];
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9'))
    return 1;
  if (c >= 0xC3 && c <= 0xDF && i + 1 < n &&
      ((unsigned char)t[i + 1] & 0xC0) == 0x80)
    return 2;
  return 0;
}

static bool is_upper_at(const char *t, size_t n, size_t i) {
  unsigned char c = (unsigned char)t[i];
  if (c >= 'A' && c <= 'Z') return true;
  if (c == 0xC3 && i + 1 < n) {
    unsigned char d = (unsigned char)t[i + 1];
    return d >= 0x80 && d <= 0x9E && d != 0x97;
  }
  return false;
}

static bool is_space_at(const char *t, size_t n, size_t i, size_t *len) {
  unsigned char c = (unsigned char)t[i];
  *len = 1;
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
      c == '\v')
    return true;
  if (c == 0xC2 && i + 1 < n && (unsigned char)t[i + 1] == 0xA0) {
    *len = 2;
    return true;
  }
  return false;
}

/* Byte b folded to lower case; prev is the byte before it (for ÄÖÜ). */
static unsigned char fold(unsigned char prev, unsigned char b) {
  if (b >= 'A' && b <= 'Z') return (unsigned char)(b + 32);
  if (prev == 0xC3 && b >= 0x80 && b <= 0x9E && b != 0x97)
    return (unsigned char)(b + 32);
  return b;
}

/* Whether a word character ends just before i. */
static bool letter_before(const char *t, size_t n, size_t i) {
  if (i == 0) return false;
  size_t j = i - 1;
  while (j > 0 && ((unsigned char)t[j] & 0xC0) == 0x80 && i - j < 4) j--;
  return letter_len(t, n, j) == i - j;
}

/* ------------------------------------------------------------- findings */

/* Replace each byte of s that is not part of a well-formed UTF-8 sequence
 * by '?', so that messages quoting the input are valid UTF-8. */
static void utf8_fix(char *s) {
  for (size_t i = 0; s[i];) {
    unsigned char b = (unsigned char)s[i];
    size_t len = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2
               : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    size_t k = 1;
    while (k < len && ((unsigned char)s[i + k] & 0xC0) == 0x80) k++;
    if (len && k == len && lotse_utf8_valid(s + i, len)) {
      i += len;
    } else {
      s[i++] = '?';
    }
  }
}

static void add(ctx_t *c, text_style_rule_t r, size_t s, size_t e,
                const char *sugg, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void add(ctx_t *c, text_style_rule_t r, size_t s, size_t e,
                const char *sugg, const char *fmt, ...) {
  text_style_list_t *l = c->out;
  if (c->oom || l->truncated) return;
  if (l->n >= TEXT_STYLE_MAX_FINDINGS) {
    l->truncated = true;
    return;
  }
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    text_style_finding_t *v = realloc(l->v, cap * sizeof *v);
    if (!v) {
      c->oom = 1;
      return;
    }
    l->v = v, l->cap = cap;
  }
  text_style_finding_t *f = &l->v[l->n++];
  memset(f, 0, sizeof *f);
  f->rule = r, f->start = s, f->end = e;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->message, sizeof f->message, fmt, ap);
  va_end(ap);
  utf8_fix(f->message);
  snprintf(f->suggestion, sizeof f->suggestion, "%s", sugg);
}

/* Length of at most max bytes of t[s..e) cut at a character boundary. */
static int quote_len(const char *t, size_t s, size_t e, size_t max) {
  size_t len = e - s;
  if (len <= max) return (int)len;
  len = max;
  while (len > 0 && ((unsigned char)t[s + len] & 0xC0) == 0x80) len--;
  return (int)len;
}

/* ------------------------------------------------------------ tokenizer */

static int push_tok(ctx_t *c, tok_t tk) {
  if (c->ntok == c->captok) {
    size_t cap = c->captok ? c->captok * 2 : 256;
    tok_t *v = realloc(c->tok, cap * sizeof *v);
    if (!v) return LOTSE_ENOMEM;
    c->tok = v, c->captok = cap;
  }
  c->tok[c->ntok++] = tk;
  return 0;
}

static int end_sentence(ctx_t *c) {
  if (c->nsent && c->sent[c->nsent - 1].last == c->ntok) return 0;
  size_t first = c->nsent ? c->sent[c->nsent - 1].last : 0;
  if (first == c->ntok) return 0;
  if (c->nsent == c->capsent) {
    size_t cap = c->capsent ? c->capsent * 2 : 64;
    sent_t *v = realloc(c->sent, cap * sizeof *v);
    if (!v) return LOTSE_ENOMEM;
    c->sent = v, c->capsent = cap;
  }
  c->sent[c->nsent++] = (sent_t){first, c->ntok};
  return 0;
}

static bool word_is(const ctx_t *c, const tok_t *w, const char *lower) {
  size_t len = w->e - w->s, k;
  if (w->punct || strlen(lower) != len) return false;
  for (k = 0; k < len; k++)
    if (fold(k ? (unsigned char)c->t[w->s + k - 1] : 0,
             (unsigned char)c->t[w->s + k]) != (unsigned char)lower[k])
      return false;
  return true;
}

/* A full stop after the last token: does it end the sentence? */
static bool stop_ends_sentence(const ctx_t *c, size_t dot) {
  if (c->ntok == 0) return true;
  const tok_t *w = &c->tok[c->ntok - 1];
  if (!w->punct && w->e == dot) {
    bool digits = true;
    for (size_t k = w->s; k < w->e; k++)
      if (c->t[k] < '0' || c->t[k] > '9') digits = false;
    if (digits || w->e - w->s == 1) return false;
    for (size_t k = 0; style_dotted_abbrevs[k]; k++)
      if (word_is(c, w, style_dotted_abbrevs[k])) return false;
  }
  /* a lower-case word right after the stop continues the sentence */
  size_t i = dot + 1, sl;
  while (i < c->n && is_space_at(c->t, c->n, i, &sl)) i += sl;
  if (i < c->n && letter_len(c->t, c->n, i) && !is_upper_at(c->t, c->n, i) &&
      !(c->t[i] >= '0' && c->t[i] <= '9'))
    return false;
  return true;
}

/* Length of the word at i (letters, digits, inner hyphens, soft hyphens). */
static size_t word_len(const char *t, size_t n, size_t i) {
  size_t j = i, l;
  for (;;) {
    if (j < n && (l = letter_len(t, n, j))) {
      j += l;
    } else if (j > i && j + 1 < n && t[j] == '-' && letter_len(t, n, j + 1)) {
      j++;
    } else if (j > i && j + 2 < n && (unsigned char)t[j] == 0xC2 &&
               (unsigned char)t[j + 1] == 0xAD && letter_len(t, n, j + 2)) {
      j += 2;
    } else {
      return j - i;
    }
  }
}

static int tokenize(ctx_t *c) {
  const char *t = c->t;
  size_t n = c->n, i = 0, sl;
  int newlines = 0;
  while (i < n) {
    if (is_space_at(t, n, i, &sl)) {
      if (t[i] == '\n' && ++newlines >= 2 && end_sentence(c)) return LOTSE_ENOMEM;
      i += sl;
      continue;
    }
    newlines = 0;
    size_t wl = word_len(t, n, i);
    if (wl) {
      tok_t tk = {i, i + wl, c->nsent, 0, is_upper_at(t, n, i)};
      if (push_tok(c, tk)) return LOTSE_ENOMEM;
      i += wl;
      continue;
    }
    unsigned char b = (unsigned char)t[i];
    if (b < 0x80 && b > ' ') {
      tok_t tk = {i, i + 1, c->nsent, (char)b, false};
      bool ends = (b == '!' || b == '?' || b == ';') ||
                  (b == '.' && stop_ends_sentence(c, i));
      if (push_tok(c, tk)) return LOTSE_ENOMEM;
      if (ends && end_sentence(c)) return LOTSE_ENOMEM;
    }
    i++;
    while (i < n && ((unsigned char)t[i] & 0xC0) == 0x80) i++;
  }
  return end_sentence(c);
}

/* Sentence ids were assigned while tokenizing as "sentences so far"; fix
 * them from the ranges (a token belongs to the range that holds it). */
static void assign_sentences(ctx_t *c) {
  for (size_t s = 0; s < c->nsent; s++)
    for (size_t k = c->sent[s].first; k < c->sent[s].last; k++)
      c->tok[k].sent = s;
}

/* Index of the token that holds byte i or the first after it. */
static size_t tok_at(const ctx_t *c, size_t i) {
  size_t lo = 0, hi = c->ntok;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->tok[mid].e <= i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* ---------------------------------------------------------------- rules */

static size_t word_count(const ctx_t *c, const sent_t *s) {
  size_t w = 0;
  for (size_t k = s->first; k < s->last; k++) w += !c->tok[k].punct;
  return w;
}

static void rule_long_sentence(ctx_t *c, unsigned max) {
  for (size_t s = 0; s < c->nsent; s++) {
    const sent_t *st = &c->sent[s];
    size_t w = word_count(c, st);
    if (w <= max) continue;
    add(c, TEXT_STYLE_LONG_SENTENCE, c->tok[st->first].s,
        c->tok[st->last - 1].e,
        "Den Satz in zwei oder mehr kürzere Sätze teilen: eine Aussage pro "
        "Satz.",
        "Sehr langer Satz: %zu Wörter (mehr als %u)", w, max);
  }
}

static bool ends_with(const ctx_t *c, const tok_t *w, const char *suffix) {
  size_t len = w->e - w->s, sl = strlen(suffix);
  return len > sl && !memcmp(c->t + w->e - sl, suffix, sl);
}

static bool is_nominalisation(const ctx_t *c, const tok_t *w) {
  static const char *const suf[] = {"ung", "ungen", "heit", "heiten", "keit",
                                    "keiten", "ion", "ionen", NULL};
  if (w->punct || !w->cap || w->e - w->s < 6) return false;
  for (size_t k = 0; suf[k]; k++)
    if (ends_with(c, w, suf[k])) return true;
  return false;
}

static void flush_chain(ctx_t *c, size_t *count, size_t first, size_t last) {
  if (*count >= 3)
    add(c, TEXT_STYLE_NOMINAL_CHAIN, c->tok[first].s, c->tok[last].e,
        "Verben statt Substantiven verwenden, z. B. „wir prüfen“ statt „die "
        "Durchführung der Prüfung“.",
        "Nominalstil: %zu Substantive auf -ung/-heit/-keit/-ion dicht "
        "hintereinander",
        *count);
  *count = 0;
}

/* Three or more nominalisations with at most two other words between
 * neighbours, no punctuation between them, in one sentence. */
static void rule_nominal_chain(ctx_t *c) {
  size_t count = 0, first = 0, last = 0, gap = 0;
  for (size_t k = 0; k < c->ntok; k++) {
    const tok_t *w = &c->tok[k];
    if (count && (w->punct || w->sent != c->tok[last].sent))
      flush_chain(c, &count, first, last);
    if (w->punct) continue;
    if (is_nominalisation(c, w)) {
      if (!count) first = k;
      count++, last = k, gap = 0;
    } else if (count && ++gap > 2) {
      flush_chain(c, &count, first, last);
    }
  }
  flush_chain(c, &count, first, last);
}

/* Lower-case copy of a word (ASCII and ÄÖÜ folded) into buf; 0 when the
 * word does not fit. */
static size_t lower_word(const ctx_t *c, const tok_t *w, char *buf,
                         size_t cap) {
  size_t len = w->e - w->s;
  if (w->punct || len + 1 > cap) return 0;
  for (size_t k = 0; k < len; k++)
    buf[k] = (char)fold(k ? (unsigned char)c->t[w->s + k - 1] : 0,
                        (unsigned char)c->t[w->s + k]);
  buf[len] = '\0';
  return len;
}

static bool in_list(const char *w, const char *const *list) {
  for (size_t k = 0; list[k]; k++)
    if (!strcmp(w, list[k])) return true;
  return false;
}

static bool sfx(const char *w, size_t len, const char *s) {
  size_t sl = strlen(s);
  return len >= sl && !memcmp(w + len - sl, s, sl);
}

/* The "ge-" participle: ge…t, or ge…en that is not an infinitive. */
static bool ge_participle(const char *w, size_t len) {
  static const char *const inf[] = {
      "gehören", "gewähren", "genehmigen", "gewinnen", "gelangen",
      "geschehen", "gestatten", "gefallen", "gebrauchen", "gestalten",
      "gewährleisten", "gelten", "gehen", "geben", "genießen", "gestehen",
      "gewöhnen", "gebären", "gedenken", "genügen", NULL};
  if (len < 5 || strncmp(w, "ge", 2)) return false;
  if (w[len - 1] == 't') return true;
  return len >= 7 && sfx(w, len, "en") && !in_list(w, inf);
}

/* Partizip II of a full verb, by its form (lower-case word). */
static bool is_participle(const char *w, size_t len) {
  static const char *const sep[] = {"ab", "an", "auf", "aus", "bei", "ein",
                                    "fest", "frei", "her", "hin", "mit",
                                    "nach", "vor", "weg", "weiter", "zu",
                                    "zurück", "zusammen", NULL};
  static const char *const insep[] = {"be", "ver", "er", "ent", "zer",
                                      "emp", "miss", "über", "unter", NULL};
  /* strong participles that differ from the infinitive, after an
   * inseparable prefix */
  static const char *const strong[] = {
      "schieden", "hoben", "schrieben", "schoben", "wiesen", "trieben",
      "boten", "zogen", "nommen", "brochen", "sprochen", "worfen", "gangen",
      "standen", "funden", "wunden", "gessen", "griffen", "litten", "mieden",
      NULL};
  if (len < 5) return false;
  if (sfx(w, len, "iert")) return true;
  if (ge_participle(w, len)) return true;
  for (size_t k = 0; sep[k]; k++) {
    size_t pl = strlen(sep[k]);
    if (len > pl + 4 && !strncmp(w, sep[k], pl) &&
        ge_participle(w + pl, len - pl))
      return true;
  }
  for (size_t k = 0; insep[k]; k++) {
    size_t pl = strlen(insep[k]);
    if (len < pl + 4 || strncmp(w, insep[k], pl)) continue;
    if (w[len - 1] == 't') return true;
    for (size_t j = 0; strong[j]; j++) /* "entschieden", "erhoben" */
      if (!strcmp(w + pl, strong[j])) return true;
  }
  return false;
}

static bool tok_participle(const ctx_t *c, const tok_t *w) {
  char buf[64];
  size_t len = lower_word(c, w, buf, sizeof buf);
  return len && !w->cap && is_participle(buf, len);
}

/* A form of "werden" with a Partizip II in the same clause: after it
 * (main clause, up to 12 words, not past a comma) or right before it
 * (subordinate clause, "… geprüft wird"). */
static void rule_passive(ctx_t *c) {
  static const char *const werden[] = {"wird", "werden", "wurde", "wurden",
                                       "worden", "würde", "würden", "wirst",
                                       "werdet", "wurdest", NULL};
  for (size_t k = 0; k < c->ntok; k++) {
    char buf[16];
    const tok_t *w = &c->tok[k];
    if (!lower_word(c, w, buf, sizeof buf) || !in_list(buf, werden)) continue;
    size_t hit = SIZE_MAX;
    if (k > 0 && c->tok[k - 1].sent == w->sent &&
        tok_participle(c, &c->tok[k - 1]))
      hit = k - 1;
    for (size_t j = k + 1, words = 0;
         hit == SIZE_MAX && j < c->ntok && c->tok[j].sent == w->sent &&
         !c->tok[j].punct && words < 12;
         j++, words++)
      if (tok_participle(c, &c->tok[j])) hit = j;
    if (hit == SIZE_MAX) continue;
    const tok_t *p = &c->tok[hit];
    size_t s = hit < k ? p->s : w->s, e = hit < k ? w->e : p->e;
    add(c, TEXT_STYLE_PASSIVE, s, e,
        "Aktiv schreiben und sagen, wer handelt, z. B. „Wir prüfen Ihren "
        "Antrag.“",
        "Passiv: „%.*s … %.*s“", quote_len(c->t, w->s, w->e, 40),
        c->t + w->s, quote_len(c->t, p->s, p->e, 60), c->t + p->s);
  }
}

static bool is_noun(const ctx_t *c, size_t k) {
  static const char *const notnoun[] = {
      "sie", "ihr", "ihre", "ihnen", "ihrer", "ihres", "ihren", "ihrem",
      "der", "die", "das", "des", "dem", "den", "ein", "eine", "einer",
      "eines", "wir", "ich", "er", "es", "bitte", NULL};
  const tok_t *w = &c->tok[k];
  char buf[16];
  if (w->punct || !w->cap) return false;
  if (k == 0 || c->tok[k - 1].sent != w->sent) return false; /* first word */
  return !(lower_word(c, w, buf, sizeof buf) && in_list(buf, notnoun));
}

/* A genitive attribute right after token k (a noun): article, up to three
 * inflected adjectives, noun. Returns the index of that noun or 0. */
static size_t genitive_after(const ctx_t *c, size_t k) {
  static const char *const art[] = {"des", "eines", "der", "einer",
                                    "dieses", "dieser", "meines", "seines",
                                    "ihres", "unseres", NULL};
  char buf[16];
  size_t j = k + 1;
  if (j >= c->ntok || c->tok[j].sent != c->tok[k].sent ||
      !lower_word(c, &c->tok[j], buf, sizeof buf) || !in_list(buf, art))
    return 0;
  for (j++; j < c->ntok && j < k + 6 && c->tok[j].sent == c->tok[k].sent;
       j++) {
    const tok_t *w = &c->tok[j];
    if (is_noun(c, j)) return j;
    if (w->punct || w->cap ||
        !(ends_with(c, w, "en") || ends_with(c, w, "er") ||
          ends_with(c, w, "es")))
      return 0;
  }
  return 0;
}

static void rule_genitive_chain(ctx_t *c) {
  for (size_t k = 0; k < c->ntok; k++) {
    if (!is_noun(c, k)) continue;
    size_t cur = k, n = 0, next;
    while ((next = genitive_after(c, cur)) != 0) cur = next, n++;
    if (n < 2) continue;
    add(c, TEXT_STYLE_GENITIVE_CHAIN, c->tok[k].s, c->tok[cur].e,
        "Die Genitive auflösen, z. B. mit „von“, oder den Inhalt auf zwei "
        "Sätze verteilen.",
        "%zu Genitive hintereinander: „%.*s“", n,
        quote_len(c->t, c->tok[k].s, c->tok[cur].e, 120), c->t + c->tok[k].s);
    k = cur;
  }
}

/* End of the phrase p matched at t[i], or 0. */
static size_t phrase_match(const char *t, size_t n, size_t i, const char *p) {
  size_t j = i, sl;
  for (size_t k = 0; p[k]; k++) {
    if (p[k] == '*' && !p[k + 1]) {
      size_t l;
      while (j < n && (l = letter_len(t, n, j))) j += l;
      return j;
    }
    if (p[k] == ' ') {
      if (j >= n || !is_space_at(t, n, j, &sl)) return 0;
      while (j < n && is_space_at(t, n, j, &sl)) j += sl;
      continue;
    }
    if (j >= n) return 0;
    unsigned char a = fold(k ? (unsigned char)p[k - 1] : 0, (unsigned char)p[k]);
    unsigned char b = fold(j > i ? (unsigned char)t[j - 1] : 0,
                           (unsigned char)t[j]);
    if (a != b) return 0;
    j++;
  }
  return j < n && letter_len(t, n, j) ? 0 : j;
}

/* The nearest verb of the Funktionsverbgefüge f in the sentence of the
 * noun part t[s..e), at most FVG_WINDOW tokens away, or SIZE_MAX. */
static size_t fvg_verb(const ctx_t *c, const style_fvg_t *f, size_t s,
                       size_t e) {
  size_t k0 = tok_at(c, s);
  if (k0 >= c->ntok) return SIZE_MAX;
  const sent_t *st = &c->sent[c->tok[k0].sent];
  size_t best = SIZE_MAX, bestd = SIZE_MAX;
  size_t lo = k0 > st->first + FVG_WINDOW ? k0 - FVG_WINDOW : st->first;
  size_t hi = st->last - k0 > FVG_WINDOW + 4 ? k0 + FVG_WINDOW + 4 : st->last;
  for (size_t k = lo; k < hi; k++) {
    const tok_t *w = &c->tok[k];
    if (w->punct || w->cap || (w->s >= s && w->e <= e)) continue;
    for (const char *v = f->verbs; *v;) {
      size_t vl = strcspn(v, "|");
      if (w->e - w->s >= vl && !memcmp(c->t + w->s, v, vl)) {
        size_t d = w->s > s ? w->s - s : s - w->s;
        if (d < bestd) best = k, bestd = d;
        break;
      }
      v += vl + (v[vl] == '|');
    }
  }
  return best;
}

static void try_fvg(ctx_t *c, size_t i) {
  for (size_t k = 0; k < style_fvgs_n; k++) {
    const style_fvg_t *f = &style_fvgs[k];
    size_t e = phrase_match(c->t, c->n, i, f->noun);
    if (!e) continue;
    size_t v = fvg_verb(c, f, i, e);
    if (v == SIZE_MAX) continue;
    const tok_t *w = &c->tok[v];
    char sugg[TEXT_STYLE_MSG_MAX];
    snprintf(sugg, sizeof sugg, "Ein einfaches Verb verwenden: „%s“.",
             f->plain);
    add(c, TEXT_STYLE_FUNCTION_VERB, w->s < i ? w->s : i, w->e > e ? w->e : e,
        sugg, "Funktionsverbgefüge: „%.*s … %.*s“", quote_len(c->t, i, e, 60),
        c->t + i, quote_len(c->t, w->s, w->e, 40), c->t + w->s);
    return;
  }
}

/* A dotted abbreviation at t[i] ("ggf.", "z. B."): reported with its long
 * form; returns its end or 0. */
static size_t try_dotted(ctx_t *c, size_t i) {
  for (size_t k = 0; k < style_dotted_n; k++) {
    size_t e = phrase_match(c->t, c->n, i, style_dotted[k].phrase);
    if (!e) continue;
    char sugg[TEXT_STYLE_MSG_MAX];
    snprintf(sugg, sizeof sugg, "Ausschreiben: „%s“.", style_dotted[k].plain);
    add(c, TEXT_STYLE_ABBREVIATION, i, e, sugg, "Abkürzung „%.*s“",
        quote_len(c->t, i, e, 40), c->t + i);
    return e;
  }
  return 0;
}

static void rule_phrases(ctx_t *c) {
  bool first[256] = {false};
  for (size_t k = 0; k < style_phrases_n; k++)
    first[fold(0, (unsigned char)style_phrases[k].phrase[0])] = true;
  for (size_t k = 0; k < style_dotted_n; k++)
    first[fold(0, (unsigned char)style_dotted[k].phrase[0])] = true;
  for (size_t k = 0; k < style_fvgs_n; k++)
    first[fold(0, (unsigned char)style_fvgs[k].noun[0])] = true;
  for (size_t i = 0; i < c->n && !c->oom && !c->out->truncated;) {
    unsigned char b = fold(0, (unsigned char)c->t[i]);
    if (!first[b] || letter_before(c->t, c->n, i)) {
      i++;
      continue;
    }
    try_fvg(c, i);
    size_t dotted = try_dotted(c, i);
    if (dotted) {
      i = dotted;
      continue;
    }
    size_t best = 0, bk = 0;
    for (size_t k = 0; k < style_phrases_n; k++) {
      size_t e = phrase_match(c->t, c->n, i, style_phrases[k].phrase);
      if (e > best) best = e, bk = k;
    }
    if (!best) {
      i++;
      continue;
    }
    char sugg[TEXT_STYLE_MSG_MAX];
    snprintf(sugg, sizeof sugg, "Einfacher: „%s“.", style_phrases[bk].plain);
    add(c, TEXT_STYLE_PHRASE, i, best, sugg, "Amtsdeutsch: „%.*s“",
        quote_len(c->t, i, best, 80), c->t + i);
    i = best;
  }
}

/* ---------------------------------------------------------- abbreviations */

/* A set of words (offsets into the text), open addressing. */
typedef struct wset {
  size_t *slot; /* token index + 1, 0 = empty */
  size_t cap, n;
} wset_t;

static uint64_t word_hash(const ctx_t *c, const tok_t *w) {
  uint64_t h = 1469598103934665603ull;
  for (size_t k = w->s; k < w->e; k++)
    h = (h ^ (unsigned char)c->t[k]) * 1099511628211ull;
  return h;
}

static bool same_word(const ctx_t *c, const tok_t *a, const tok_t *b) {
  return a->e - a->s == b->e - b->s && !memcmp(c->t + a->s, c->t + b->s,
                                                a->e - a->s);
}

/* 1 when present, 0 when added (or add is false), <0 on OOM. */
static int wset_find(ctx_t *c, wset_t *ws, size_t k, bool add_it) {
  if (add_it && (ws->n + 1) * 2 > ws->cap) {
    size_t cap = ws->cap ? ws->cap * 2 : 64;
    size_t *slot = calloc(cap, sizeof *slot);
    if (!slot) return LOTSE_ENOMEM;
    for (size_t i = 0; i < ws->cap; i++) {
      if (!ws->slot[i]) continue;
      size_t h = (size_t)word_hash(c, &c->tok[ws->slot[i] - 1]) & (cap - 1);
      while (slot[h]) h = (h + 1) & (cap - 1);
      slot[h] = ws->slot[i];
    }
    free(ws->slot);
    ws->slot = slot, ws->cap = cap;
  }
  if (!ws->cap) return 0;
  size_t h = (size_t)word_hash(c, &c->tok[k]) & (ws->cap - 1);
  for (; ws->slot[h]; h = (h + 1) & (ws->cap - 1))
    if (same_word(c, &c->tok[ws->slot[h] - 1], &c->tok[k])) return 1;
  if (add_it) ws->slot[h] = k + 1, ws->n++;
  return 0;
}

/* 2 to 5 letters with at least two capitals and no more lower-case letters
 * than capitals ("SGB", "BAföG", "GmbH"), not a Roman numeral. Longer
 * words in capitals ("ACHTUNG") are taken as emphasis. */
static bool is_acronym(const ctx_t *c, const tok_t *w) {
  size_t letters = 0, upper = 0, l;
  bool roman = true;
  if (w->punct || !w->cap) return false;
  for (size_t i = w->s; i < w->e; i += l) {
    l = letter_len(c->t, c->n, i);
    if (!l || (l == 1 && c->t[i] >= '0' && c->t[i] <= '9')) return false;
    letters++;
    if (is_upper_at(c->t, c->n, i)) upper++;
    if (!strchr("IVXLCDM", c->t[i])) roman = false;
  }
  return letters >= 2 && letters <= 5 && upper >= 2 && upper * 2 >= letters &&
         !roman;
}

static bool known_abbrev(const ctx_t *c, const tok_t *w) {
  for (size_t k = 0; style_known_abbrevs[k]; k++) {
    const char *a = style_known_abbrevs[k];
    if (strlen(a) == w->e - w->s && !memcmp(a, c->t + w->s, w->e - w->s))
      return true;
  }
  return false;
}

/* "(ABK)" defines ABK from here on; so does "ABK (…)" (the long form in
 * brackets after it). Every other first use of an abbreviation that is
 * not generally known is reported once. */
static int rule_abbreviations(ctx_t *c) {
  wset_t seen = {0};
  int rc = 0;
  for (size_t k = 0; k < c->ntok && !rc; k++) {
    const tok_t *w = &c->tok[k];
    if (!is_acronym(c, w) || known_abbrev(c, w)) continue;
    bool def = (k > 0 && c->tok[k - 1].punct == '(' && k + 1 < c->ntok &&
                c->tok[k + 1].punct == ')') ||
               (k + 1 < c->ntok && c->tok[k + 1].punct == '(');
    int found = wset_find(c, &seen, k, true);
    if (found < 0) rc = found;
    if (found || def) continue;
    add(c, TEXT_STYLE_ABBREVIATION, w->s, w->e,
        "Beim ersten Vorkommen ausschreiben und die Abkürzung in Klammern "
        "dahinter setzen, z. B. „Sozialgesetzbuch (SGB)“.",
        "Abkürzung „%.*s“ wird nicht erklärt", quote_len(c->t, w->s, w->e, 40),
        c->t + w->s);
  }
  free(seen.slot);
  return rc;
}

/* --------------------------------------------------------------- driver */

static int cmp_finding(const void *a, const void *b) {
  const text_style_finding_t *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->rule != y->rule) return x->rule < y->rule ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

int text_style_check(const char *text, size_t n, const text_style_opts_t *opts,
                     text_style_list_t *out, lotse_err_t *err) {
  if (!out || (!text && n))
    return lotse_err_set(err, LOTSE_EINVAL, "style check: no text or list");
  ctx_t c = {.t = text, .n = n, .out = out};
  unsigned max = opts && opts->max_words ? opts->max_words
                                         : TEXT_STYLE_DEFAULT_MAX_WORDS;
  size_t n0 = out->n;
  int rc = tokenize(&c);
  if (!rc) {
    assign_sentences(&c);
    rule_long_sentence(&c, max);
    rule_nominal_chain(&c);
    rule_phrases(&c);
    rule_passive(&c);
    rule_genitive_chain(&c);
    rc = rule_abbreviations(&c);
  }
  free(c.tok);
  free(c.sent);
  if (rc || c.oom)
    return lotse_err_set(err, LOTSE_ENOMEM, "style check: out of memory");
  if (out->n > n0)
    qsort(out->v + n0, out->n - n0, sizeof *out->v, cmp_finding);
  return 0;
}

void text_style_list_release(text_style_list_t *l) {
  if (!l) return;
  free(l->v);
  memset(l, 0, sizeof *l);
}

const char *text_style_rule_id(text_style_rule_t r) {
  static const char *const ids[] = {"long_sentence", "nominal_chain",
                                    "function_verb", "passive",
                                    "genitive_chain", "phrase",
                                    "abbreviation"};
  return (unsigned)r < TEXT_STYLE_RULE_COUNT ? ids[r] : "unknown";
}

static int json_str(lotse_buf_t *b, const char *s) {
  int rc = lotse_buf_putc(b, '"');
  for (; *s && !rc; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\')
      rc = lotse_buf_printf(b, "\\%c", ch);
    else if (ch < 0x20)
      rc = lotse_buf_printf(b, "\\u%04x", ch);
    else
      rc = lotse_buf_putc(b, (char)ch);
  }
  return rc ? rc : lotse_buf_putc(b, '"');
}

int text_style_finding_json(const text_style_finding_t *f, lotse_buf_t *b) {
  int rc = lotse_buf_printf(b, "{\"rule\":\"%s\",\"start\":%zu,\"end\":%zu,"
                               "\"message\":",
                            text_style_rule_id(f->rule), f->start, f->end);
  if (!rc) rc = json_str(b, f->message);
  if (!rc) rc = lotse_buf_puts(b, ",\"suggestion\":");
  if (!rc) rc = json_str(b, f->suggestion);
  return rc ? rc : lotse_buf_putc(b, '}');
}

size_t text_style_phrase_count(void) { return style_phrases_n; }
size_t text_style_fvg_count(void) { return style_fvgs_n; }

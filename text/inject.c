/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/inject.c — the screen's list, its score, stripping, and the scan
 * for invisible characters: zero-width characters, bidi controls, Unicode
 * tag characters and other format characters that render as nothing.
 *
 * Contract: see text/inject.h. Runs of adjacent characters of one type
 * become one finding (count = characters). Uses that are normal in real
 * text are not reported: a zero-width joiner between two emoji (family
 * and profession emoji), a zero-width non-joiner next to Arabic, Persian
 * or Indic letters, a byte-order mark at offset 0, and the tag sequence of
 * a subdivision flag (U+1F3F4 followed by tags up to U+E007F). Bidi
 * controls in text that holds right-to-left letters score lower than in
 * Latin-only text, where they can only serve to reorder what is shown
 * ("Trojan Source").
 * Invariant: the list is sorted by start (ties: longer first) after every
 * public call that changes it, and its score matches its findings.
 */
#include "text/inject.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ names */

static const struct {
  const char *id, *label;
} type_names[TEXT_INJECT_TYPE_COUNT] = {
    {"zero_width", "Unsichtbares Zeichen (Nullbreite)"},
    {"bidi", "Steuerzeichen f\xC3\xBCr die Schreibrichtung"},
    {"tag_chars", "Unicode-Tag-Zeichen (versteckter Text)"},
    {"invisible", "Unsichtbares Formatzeichen"},
    {"instruction", "Anweisung an das Sprachmodell"},
    {"role_marker", "Rollenmarkierung einer Chat-Vorlage"},
    {"hidden_text", "Versteckter Text im Dokument"},
};

const char *text_inject_type_id(text_inject_type_t t) {
  return (unsigned)t < TEXT_INJECT_TYPE_COUNT ? type_names[t].id : "?";
}

const char *text_inject_type_label(text_inject_type_t t) {
  return (unsigned)t < TEXT_INJECT_TYPE_COUNT ? type_names[t].label : "?";
}

int text_inject_type_parse(const char *id) {
  for (int t = 0; id && t < TEXT_INJECT_TYPE_COUNT; t++)
    if (!strcmp(id, type_names[t].id)) return t;
  return -1;
}

/* ------------------------------------------------------------- list */

static int cmp_finding(const void *a, const void *b) {
  const text_inject_finding_t *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end > y->end ? -1 : 1;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return (int)x->type - (int)y->type;
}

static int is_pattern_type(text_inject_type_t t) {
  return t == TEXT_INJECT_INSTRUCTION || t == TEXT_INJECT_ROLE_MARKER;
}

/* Drop a pattern finding that lies inside an earlier one scoring at least
 * as high: "Add X to your reply" is one instruction, not two. The list is
 * sorted, so one sweep with the widest pattern finding so far does it. */
static void prune(text_inject_list_t *l) {
  size_t keep = 0, cover_end = 0;
  int cover_score = -1;
  for (size_t i = 0; i < l->n; i++) {
    text_inject_finding_t *f = &l->v[i];
    if (is_pattern_type(f->type)) {
      if (cover_score >= f->score && f->end <= cover_end) continue;
      if (f->end > cover_end) {
        cover_end = f->end;
        cover_score = f->score;
      }
    }
    l->v[keep++] = *f;
  }
  l->n = keep;
}

/* Highest score plus 10 for each further rule that fired with a score of
 * at least TEXT_INJECT_CORROBORATE, at most 100. */
static void rescore(text_inject_list_t *l) {
  int max = 0, rules = 0;
  for (size_t i = 0; i < l->n; i++) {
    const text_inject_finding_t *f = &l->v[i];
    if (f->score > max) max = f->score;
    if (f->score < TEXT_INJECT_CORROBORATE) continue;
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++)
      seen = l->v[j].score >= TEXT_INJECT_CORROBORATE &&
             (l->v[j].rule == f->rule || !strcmp(l->v[j].rule, f->rule));
    rules += !seen;
  }
  int s = max + (rules > 1 ? 10 * (rules - 1) : 0);
  l->score = s > 100 ? 100 : s;
}

static int push(text_inject_list_t *l, const text_inject_finding_t *f) {
  if (l->n >= TEXT_INJECT_MAX_FINDINGS) {
    l->truncated = 1;
    return 0;
  }
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    text_inject_finding_t *v = realloc(l->v, cap * sizeof *v);
    if (!v) return LOTSE_ENOMEM;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = *f;
  return 0;
}

int text_inject_push(text_inject_list_t *l, const text_inject_finding_t *f) {
  return push(l, f);
}

int text_inject_list_add(text_inject_list_t *l,
                         const text_inject_finding_t *f) {
  if (!l || !f) return LOTSE_EINVAL;
  int rc = push(l, f);
  qsort(l->v, l->n, sizeof *l->v, cmp_finding);
  rescore(l);
  return rc;
}

void text_inject_list_release(text_inject_list_t *l) {
  if (!l) return;
  free(l->v);
  memset(l, 0, sizeof *l);
}

bool text_inject_suspicious(const text_inject_list_t *l) {
  return l && l->score >= TEXT_INJECT_THRESHOLD;
}

/* ------------------------------------------------------------ UTF-8 */

/* Decode one sequence at s[i]; returns its length (0: invalid byte). */
size_t text_inject_utf8(const unsigned char *s, size_t n, size_t i,
                        uint32_t *cp) {
  unsigned c = s[i];
  size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
               : (c >> 3) == 30 ? 4 : 0;
  if (!len || i + len > n) return 0;
  uint32_t v = len == 1 ? c : c & (0x7Fu >> len);
  for (size_t k = 1; k < len; k++) {
    if ((s[i + k] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[i + k] & 0x3F);
  }
  static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < min[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

/* ----------------------------------------------------- character classes */

typedef struct cls {
  text_inject_type_t type;
  const char *rule, *label;
} cls_t;

static const cls_t C_ZW = {TEXT_INJECT_ZERO_WIDTH, "zero_width",
                           "Zeichen ohne Breite (z. B. U+200B)"};
static const cls_t C_BOM = {TEXT_INJECT_ZERO_WIDTH, "bom_inside",
                            "Byte-Order-Mark mitten im Text"};
static const cls_t C_OVERRIDE = {TEXT_INJECT_BIDI, "bidi_override",
                                 "Umkehrung der Schreibrichtung (U+202D/E)"};
static const cls_t C_EMBED = {TEXT_INJECT_BIDI, "bidi_embedding",
                              "Einbettung der Schreibrichtung (U+202A-C)"};
static const cls_t C_ISOLATE = {TEXT_INJECT_BIDI, "bidi_isolate",
                                "Isolierung der Schreibrichtung (U+2066-9)"};
static const cls_t C_MARK = {TEXT_INJECT_BIDI, "bidi_mark",
                             "Richtungsmarke (U+200E/F, U+061C)"};
static const cls_t C_TAG = {TEXT_INJECT_TAG, "tag_chars",
                            "Tag-Zeichen, die unsichtbar ASCII tragen"};
static const cls_t C_VS = {TEXT_INJECT_INVISIBLE, "variation_selectors",
                           "Variantenselektoren (Erg\xC3\xA4nzung)"};
static const cls_t C_FMT = {TEXT_INJECT_INVISIBLE, "invisible_format",
                            "Unsichtbares Formatzeichen"};

static const struct {
  uint32_t lo, hi;
  const cls_t *cls;
} ranges[] = {
    {0x034F, 0x034F, &C_FMT},      {0x061C, 0x061C, &C_MARK},
    {0x115F, 0x1160, &C_FMT},      {0x180E, 0x180E, &C_ZW},
    {0x200B, 0x200D, &C_ZW},       {0x200E, 0x200F, &C_MARK},
    {0x202A, 0x202C, &C_EMBED},    {0x202D, 0x202E, &C_OVERRIDE},
    {0x2060, 0x2060, &C_ZW},       {0x2061, 0x2064, &C_FMT},
    {0x2066, 0x2069, &C_ISOLATE},  {0x206A, 0x206F, &C_FMT},
    {0x3164, 0x3164, &C_FMT},      {0xFEFF, 0xFEFF, &C_BOM},
    {0xFFA0, 0xFFA0, &C_FMT},      {0xFFF9, 0xFFFB, &C_FMT},
    {0xE0000, 0xE007F, &C_TAG},    {0xE0100, 0xE01EF, &C_VS},
};

static const cls_t *classify(uint32_t c, size_t at) {
  if (c < 0x034F) return NULL; /* the common case: one compare */
  for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
    if (c < ranges[i].lo) return NULL;
    if (c <= ranges[i].hi)
      return ranges[i].cls == &C_BOM && !at ? NULL : ranges[i].cls;
  }
  return NULL;
}

static int is_rtl_letter(uint32_t c) {
  return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
         (c >= 0xFE70 && c <= 0xFEFC);
}

/* Letters of scripts that use ZWNJ/ZWJ in ordinary spelling. */
static int is_joining_script(uint32_t c) {
  return is_rtl_letter(c) || (c >= 0x0900 && c <= 0x0DFF);
}

static int is_emoji(uint32_t c) {
  return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) ||
         c == 0xFE0F || (c >= 0x1F3FB && c <= 0x1F3FF);
}

/* ------------------------------------------------------------- the scan */

typedef struct run {
  const cls_t *cls;
  size_t start, end;
  unsigned count;
  uint32_t before; /* code point before the run (0: none) */
} run_t;

static int score_run(const run_t *r, uint32_t after, int rtl_text) {
  const cls_t *c = r->cls;
  if (c == &C_ZW) {
    /* ZWJ/ZWNJ in emoji sequences and joining scripts is spelling. */
    if (r->count == 1 && ((is_emoji(r->before) && is_emoji(after)) ||
                          is_joining_script(r->before) ||
                          is_joining_script(after)))
      return 0;
    return r->count >= 4 ? 70 : r->count >= 2 ? 40 : 20;
  }
  if (c == &C_BOM) return 30;
  if (c == &C_MARK) return rtl_text ? 0 : r->count >= 3 ? 30 : 10;
  if (c->type == TEXT_INJECT_BIDI) return rtl_text ? 20 : 60;
  if (c == &C_TAG) {
    /* Subdivision flags: U+1F3F4 tag letters ... U+E007F. */
    if (r->before == 0x1F3F4 && r->count <= 7) return 0;
    return 90;
  }
  if (c == &C_VS) return r->count >= 4 ? 70 : 40;
  return r->count >= 4 ? 70 : 40;
}

static int flush_run(text_inject_list_t *out, run_t *r, uint32_t after,
                     int rtl_text) {
  if (!r->cls) return 0;
  int score = score_run(r, after, rtl_text);
  int rc = 0;
  if (score > 0) {
    text_inject_finding_t f = {.type = r->cls->type, .start = r->start,
                               .end = r->end, .score = score,
                               .rule = r->cls->rule, .label = r->cls->label,
                               .count = r->count};
    rc = push(out, &f);
  }
  r->cls = NULL;
  return rc;
}

/* Whether the text holds right-to-left letters (one pass). */
static int has_rtl(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    uint32_t c;
    size_t len = text_inject_utf8(s, n, i, &c);
    if (!len) {
      i++;
      continue;
    }
    if (is_rtl_letter(c)) return 1;
    i += len;
  }
  return 0;
}

static int scan_chars(const unsigned char *s, size_t n,
                      text_inject_list_t *out) {
  int rtl_text = has_rtl(s, n), rc = 0;
  run_t r = {0};
  uint32_t prev = 0;
  for (size_t i = 0; i < n && !rc;) {
    uint32_t c = 0;
    size_t len = text_inject_utf8(s, n, i, &c);
    if (!len) { /* invalid byte: ends a run, never matched */
      rc = flush_run(out, &r, 0, rtl_text);
      prev = 0;
      i++;
      continue;
    }
    const cls_t *k = classify(c, i);
    if (k && k == r.cls) {
      r.end = i + len;
      r.count++;
    } else {
      rc = flush_run(out, &r, k ? 0 : c, rtl_text);
      if (k) r = (run_t){.cls = k, .start = i, .end = i + len, .count = 1,
                         .before = prev};
    }
    if (!k) prev = c;
    i += len;
  }
  if (!rc) rc = flush_run(out, &r, 0, rtl_text);
  return rc;
}

int text_inject_scan(const char *s, size_t n, unsigned flags,
                     text_inject_list_t *out, lotse_err_t *err) {
  if ((!s && n) || !out)
    return lotse_err_set(err, LOTSE_EINVAL, "no text or no result list");
  int rc = 0;
  if (!(flags & TEXT_INJECT_NO_CHARS))
    rc = scan_chars((const unsigned char *)s, n, out);
  if (!rc && !(flags & TEXT_INJECT_NO_PATTERNS))
    rc = text_inject_scan_patterns(s, n, out);
  if (out->n) qsort(out->v, out->n, sizeof *out->v, cmp_finding);
  prune(out);
  rescore(out);
  if (rc) return lotse_err_set(err, rc, "out of memory");
  return 0;
}

/* ------------------------------------------------------------ stripping */

typedef struct range {
  size_t a, b;
} range_t;

static int cmp_range(const void *x, const void *y) {
  const range_t *p = x, *q = y;
  return p->a < q->a ? -1 : p->a > q->a ? 1 : 0;
}

static int is_end_punct(char c) { return c == '.' || c == '!' || c == '?'; }
static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
/* "www.example.com" and "3.5" do not end a sentence. */
static int is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

#define SENTENCE_SCAN 2000 /* bytes looked at for a sentence boundary */

/* The sentence around [a, b): from after the previous end of sentence
 * ('.', '!', '?' not followed by a letter or digit) or line break to after
 * the next one, with the blanks that follow it. */
static range_t sentence(const char *s, size_t n, size_t a, size_t b) {
  size_t i = a, lim = a > SENTENCE_SCAN ? a - SENTENCE_SCAN : 0;
  while (i > lim) {
    char c = s[i - 1];
    if (c == '\n' || (is_end_punct(c) && i < n && !is_alnum(s[i]))) break;
    i--;
  }
  size_t j = b, jlim = n - b > SENTENCE_SCAN ? b + SENTENCE_SCAN : n;
  while (j < jlim) {
    char c = s[j++];
    if (c == '\n') break;
    if (is_end_punct(c) && (j >= n || !is_alnum(s[j]))) break;
  }
  while (j < n && is_blank(s[j])) j++;
  while (i < a && is_blank(s[i])) i++;
  return (range_t){i, j};
}

static int is_char_type(text_inject_type_t t) {
  return t == TEXT_INJECT_ZERO_WIDTH || t == TEXT_INJECT_BIDI ||
         t == TEXT_INJECT_TAG || t == TEXT_INJECT_INVISIBLE;
}

int text_inject_strip(const char *s, size_t n, const text_inject_list_t *l,
                      unsigned what, char **out, size_t *out_len,
                      lotse_err_t *err) {
  if ((!s && n) || !l || !out)
    return lotse_err_set(err, LOTSE_EINVAL, "no text or no findings");
  *out = NULL;
  range_t *r = l->n ? malloc(l->n * sizeof *r) : NULL;
  if (l->n && !r) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  size_t nr = 0;
  for (size_t i = 0; i < l->n; i++) {
    const text_inject_finding_t *f = &l->v[i];
    if (f->end > n || f->start > f->end) continue; /* not a scan of s */
    if (is_char_type(f->type) && (what & TEXT_INJECT_STRIP_CHARS))
      r[nr++] = (range_t){f->start, f->end};
    else if ((f->type == TEXT_INJECT_INSTRUCTION ||
              f->type == TEXT_INJECT_ROLE_MARKER) &&
             f->score >= TEXT_INJECT_THRESHOLD &&
             (what & TEXT_INJECT_STRIP_INSTRUCTIONS))
      r[nr++] = sentence(s, n, f->start, f->end);
  }
  if (nr) qsort(r, nr, sizeof *r, cmp_range);
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  size_t at = 0;
  int rc = 0;
  for (size_t i = 0; i < nr && !rc; i++) {
    if (r[i].a > at) rc = lotse_buf_append(&b, s + at, r[i].a - at);
    if (r[i].b > at) at = r[i].b;
  }
  if (!rc && at < n) rc = lotse_buf_append(&b, s + at, n - at);
  if (!rc && !b.data) rc = lotse_buf_append(&b, "", 0);
  free(r);
  if (rc) {
    lotse_buf_release(&b);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  if (out_len) *out_len = b.len;
  *out = lotse_buf_detach(&b);
  return 0;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * eval/easy.c — readability and Leichte-Sprache rule check on DEplain-web
 * (sentence level, test split): the original column against the
 * simplification column. Reports for each column
 *   - FRE (Amstad), WSTF 1–4 and LIX over the whole column (counts summed,
 *     then the formula) and FRE as the mean of the rows' scores;
 *   - the share of sentences passing the sentence-length check (12 words)
 *     and passing every rule;
 *   - FRE (Amstad) once more with syllables counted as hyphenation points
 *     (two letters from either end, as typesetting does) + 1, the way
 *     counters built on the same patterns with default settings count,
 *     for comparison with the published copy-input FRE (60.825, DEplain
 *     README, src2src baseline on DEplain-web test, n = 1846).
 *
 * Usage: eval_easy [CSV]  (default $LOTSE_SOURCE_DIR/../shared/data/
 *        plain-language/deplain-web-sent/test.csv, then ../shared/...).
 *        Exit 0, also when the data is absent (skipped with a message).
 */
#include "base/base.h"
#include "text/easy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REL "shared/data/plain-language/deplain-web-sent/test.csv"

typedef struct {
  text_readability_t sum; /* counts summed over rows */
  double fre_rows, fre_points_sum;
  size_t rows, sentences, short_s, clean_s;
  size_t pt_syll, pt_words, pt_sent;
  size_t per_rule[TEXT_EASY_RULE_COUNT]; /* findings per rule */
} col_t;

/* Next CSV field from *p (RFC 4180 quoting); copies into out, returns 1 at
 * end of record, 0 otherwise, -1 at end of input. */
static int field(const char **p, const char *end, lotse_buf_t *out) {
  lotse_buf_reset(out);
  const char *s = *p;
  if (s >= end) return -1;
  if (*s == '"') {
    for (s++; s < end; s++) {
      if (*s == '"' && s + 1 < end && s[1] == '"') {
        lotse_buf_putc(out, '"');
        s++;
      } else if (*s == '"') {
        s++;
        break;
      } else {
        lotse_buf_putc(out, *s);
      }
    }
  } else {
    while (s < end && *s != ',' && *s != '\n' && *s != '\r')
      lotse_buf_putc(out, *s++);
  }
  int eor = s >= end || *s != ',';
  if (s < end && *s == '\r') s++;
  if (s < end) s++;
  *p = s;
  return eor;
}

static void add_text(col_t *c, const char *t, size_t n,
                     const text_hyphen_t *h) {
  text_easy_result_t r;
  lotse_err_t err = {0};
  if (text_easy_check(t, n, h, NULL, &r, &err)) return;
  text_readability_t *s = &c->sum, *x = &r.scores;
  s->sentences += x->sentences, s->words += x->words;
  s->syllables += x->syllables, s->poly += x->poly, s->mono += x->mono;
  s->longw += x->longw;
  c->fre_rows += x->fre;
  c->rows++;
  c->sentences += r.sentences, c->short_s += r.sentences_short;
  c->clean_s += r.sentences_clean;
  for (size_t k = 0; k < r.n; k++) c->per_rule[r.f[k].rule]++;
  text_easy_result_release(&r);
  /* syllables as hyphenation points (min. 2 letters each side) + 1 */
  text_rd_doc_t d;
  if (text_rd_split(t, n, h, &d, &err)) return;
  size_t pts[64];
  for (size_t k = 0; k < d.nw; k++) {
    if (!d.w[k].alpha) continue;
    c->pt_words++;
    c->pt_syll += 1 + (size_t)text_hyphen_points(
                          h, t + d.w[k].start, d.w[k].end - d.w[k].start,
                          pts, 64);
  }
  for (size_t i = 0; i < d.ns; i++) c->pt_sent += d.s[i].nwords > 0;
  text_rd_doc_release(&d);
}

static void report(const char *name, col_t *c) {
  text_readability_t s = c->sum;
  /* formulas on the summed counts */
  double wd = (double)s.words, asl = wd / (double)s.sentences;
  double asw = (double)s.syllables / wd;
  double ms = 100.0 * (double)s.poly / wd, iw = 100.0 * (double)s.longw / wd;
  double es = 100.0 * (double)s.mono / wd;
  double fre_pt = 180.0 - (double)c->pt_words / (double)c->pt_sent -
                  58.5 * (double)c->pt_syll / (double)c->pt_words;
  printf("%-15s rows %zu  sentences %zu  words %zu  syllables %zu\n", name,
         c->rows, s.sentences, s.words, s.syllables);
  printf("  FRE (Amstad) corpus %.2f  mean of rows %.2f  (ASL %.2f, ASW "
         "%.3f)\n", 180.0 - asl - 58.5 * asw, c->fre_rows / (double)c->rows,
         asl, asw);
  printf("  FRE with point+1 syllables %.2f (ASW %.3f)\n", fre_pt,
         (double)c->pt_syll / (double)c->pt_words);
  printf("  WSTF1 %.2f  WSTF2 %.2f  WSTF3 %.2f  WSTF4 %.2f  LIX %.2f\n",
         0.1935 * ms + 0.1672 * asl + 0.1297 * iw - 0.0327 * es - 0.875,
         0.2007 * ms + 0.1682 * asl + 0.1373 * iw - 2.779,
         0.2963 * ms + 0.1905 * asl - 1.1144,
         0.2744 * ms + 0.2656 * asl - 1.693, asl + iw);
  printf("  sentences <= 12 words %.1f %%  passing all rules %.1f %%\n",
         100.0 * (double)c->short_s / (double)c->sentences,
         100.0 * (double)c->clean_s / (double)c->sentences);
}

int main(int argc, char **argv) {
  char path[4096];
  const char *src = getenv("LOTSE_SOURCE_DIR");
  if (argc > 1)
    snprintf(path, sizeof path, "%s", argv[1]);
  else if (src)
    snprintf(path, sizeof path, "%s/../%s", src, REL);
  else
    snprintf(path, sizeof path, "../%s", REL);
  lotse_err_t err = {0};
  char *data = NULL;
  size_t len = 0;
  if (lotse_file_read(path, (size_t)256 << 20, &data, &len, &err)) {
    printf("eval_easy: skipped, DEplain-web not found at %s (%s)\n", path,
           err.msg);
    return 0;
  }
  const text_hyphen_t *h = text_hyphen_get(&err);
  if (!h) {
    printf("eval_easy: skipped, %s\n", err.msg);
    free(data);
    return 0;
  }
  col_t orig = {0}, simp = {0};
  lotse_buf_t f;
  lotse_buf_init(&f, 1 << 20);
  const char *p = data, *end = data + len;
  int col = 0, rc;
  size_t rec = 0;
  while ((rc = field(&p, end, &f)) >= 0) {
    if (rec > 0 && col <= 1 && f.len)
      add_text(col == 0 ? &orig : &simp, f.data, f.len, h);
    col = rc ? 0 : col + 1;
    rec += rc;
  }
  lotse_buf_release(&f);
  free(data);
  printf("DEplain-web sentence level, test split: %s\n", path);
  report("original", &orig);
  report("simplification", &simp);
  printf("findings per 100 sentences  %-16s %9s %9s\n", "rule", "original",
         "simple");
  for (int i = 0; i < TEXT_EASY_RULE_COUNT; i++)
    printf("                             %-16s %9.1f %9.1f\n",
           text_easy_rule_id((text_easy_rule_t)i),
           100.0 * (double)orig.per_rule[i] / (double)orig.sentences,
           100.0 * (double)simp.per_rule[i] / (double)simp.sentences);
  printf("published FRE of the copy input (src2src, original column): "
         "60.825\n");
  return 0;
}

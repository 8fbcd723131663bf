/* SPDX-License-Identifier: EUPL-1.2
 *
 * eval/inject.c — quality of the hidden-instruction screen (text/inject.h)
 * on public data:
 *
 *  1. Detection on BIPIA's text attacks (privacy/bipia/text_attack_test.json,
 *     75 instructions in 15 categories that an attacker plants in e-mails,
 *     tables or web pages for a model to follow). Each attack is screened
 *     alone and planted in a German carrier of six GermEval sentences — at
 *     the start, in the middle and at the end — and counts as detected when
 *     the findings overlapping the attack score at least the gate's
 *     threshold (TEXT_INJECT_THRESHOLD); "any" counts weaker findings too.
 *     Third, each attack is hidden in an HTML page (display:none) and read
 *     by ingest's HTML reader: the attack must be kept out of the text and
 *     recorded as hidden, and its hidden text must screen as suspicious.
 *  2. False positives per 1,000 sentences of GermEval 2014 (NER-de-test.tsv,
 *     German Wikipedia and news, none of it addressed to a model): every
 *     suspicious sentence is a false positive; findings below the threshold
 *     are counted per rule too.
 *  3. False positives in German administrative documents, screened whole:
 *     Lower Saxony's gazettes 2024, Karlsruhe council papers, 13 federal
 *     laws and the county's AI strategy (which discusses prompt injection
 *     itself), where present beside privacy/. Reported per 1,000 sentences
 *     (sentence ends counted) and as suspicious documents.
 *
 * Caveat: the instruction patterns were written after reading the BIPIA
 * attack list, so its detection figure is not a held-out measurement; the
 * false-positive corpora were not used to write the patterns.
 *
 * Usage: eval_inject [--min-detect PCT] [--max-fp PER1000] [--quiet]
 *        [DATA_DIR]   (DATA_DIR: .../shared/data/privacy; default
 *        $LOTSE_SOURCE_DIR/../shared/data/privacy, then
 *        ../shared/data/privacy). Exit 0 (also when the data is absent: the
 *        run is skipped with a message); 1 when detection in carriers is
 *        below PCT or false positives above PER1000; 2 bad usage or data.
 */
#include "base/base.h"
#include "ingest/ingest.h"
#include "text/inject.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --------------------------------------------------------- GermEval */

/* Sentences of the TSV, detokenised ("Wort , Wort ." -> "Wort, Wort."). */
static int read_germeval(const char *path, lotse_strv_t *out) {
  char *data;
  size_t len;
  lotse_err_t err;
  if (lotse_file_read(path, (size_t)64 << 20, &data, &len, &err)) return -1;
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  char *save = NULL;
  int rc = 0;
  for (char *line = strtok_r(data, "\n", &save); !rc;
       line = strtok_r(NULL, "\n", &save)) {
    if (!line || line[0] == '#') {
      if (b.len) rc = lotse_strv_push(out, b.data);
      lotse_buf_reset(&b);
      if (!line) break;
      continue;
    }
    char *tab = strchr(line, '\t'), *tok = tab ? tab + 1 : NULL;
    char *end = tok ? strchr(tok, '\t') : NULL;
    if (!end) continue;
    *end = '\0';
    int glue = strchr(",.;:!?)", tok[0]) && tok[1] == '\0';
    if (b.len && !glue && b.data[b.len - 1] != '(') lotse_buf_putc(&b, ' ');
    lotse_buf_puts(&b, tok);
  }
  lotse_buf_release(&b);
  free(data);
  return rc;
}

#define MAX_RULES 32

typedef struct fp {
  long sentences, suspicious, any;
  const char *rule[MAX_RULES];
  long strong[MAX_RULES], weak[MAX_RULES];
  int examples;
} fp_t;

static void count_rule(fp_t *fp, const text_inject_finding_t *f) {
  int k = 0;
  while (k < MAX_RULES && fp->rule[k] && strcmp(fp->rule[k], f->rule)) k++;
  if (k == MAX_RULES) return;
  fp->rule[k] = f->rule;
  if (f->score >= TEXT_INJECT_THRESHOLD) fp->strong[k]++;
  else fp->weak[k]++;
}

static void eval_germeval(const lotse_strv_t *sent, int verbose, fp_t *fp) {
  for (size_t i = 0; i < sent->n; i++) {
    text_inject_list_t l = {0};
    fp->sentences++;
    if (text_inject_scan(sent->v[i], strlen(sent->v[i]), 0, &l, NULL))
      continue;
    fp->any += l.n > 0;
    if (text_inject_suspicious(&l)) {
      fp->suspicious++;
      if (verbose && fp->examples++ < 10)
        printf("    false positive (%s, %d): %s\n", l.v[0].rule, l.score,
               sent->v[i]);
    }
    for (size_t k = 0; k < l.n; k++) count_rule(fp, &l.v[k]);
    text_inject_list_release(&l);
  }
  double per = fp->sentences ? 1000.0 / (double)fp->sentences : 0;
  printf("## GermEval 2014: %ld sentences\n\n", fp->sentences);
  printf("suspicious (score >= %d): %ld = %.2f per 1,000 sentences\n",
         TEXT_INJECT_THRESHOLD, fp->suspicious, (double)fp->suspicious * per);
  printf("any finding:              %ld = %.2f per 1,000 sentences\n",
         fp->any, (double)fp->any * per);
  printf("\n%-22s %12s %12s   (findings per 1,000 sentences)\n", "rule",
         ">= threshold", "below");
  for (int k = 0; k < MAX_RULES && fp->rule[k]; k++)
    printf("%-22s %12.2f %12.2f\n", fp->rule[k], (double)fp->strong[k] * per,
           (double)fp->weak[k] * per);
  printf("\n");
}

/* ------------------------------------------------------------ BIPIA */

typedef struct tally {
  int n, alone, alone_any, planted, planted_any, hidden, hidden_flagged;
} tally_t;

/* Score of the findings of l that overlap [a, b), as the list would score
 * them alone; *any: some finding overlaps. */
static int overlap_score(const text_inject_list_t *l, size_t a, size_t b,
                         int *any) {
  text_inject_list_t sub = {0};
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].start < b && l->v[i].end > a)
      text_inject_list_add(&sub, &l->v[i]);
  *any = sub.n > 0;
  int score = sub.score;
  text_inject_list_release(&sub);
  return score;
}

static int detect(const char *text, size_t a, size_t b, int *any) {
  text_inject_list_t l = {0};
  int score = 0;
  *any = 0;
  if (!text_inject_scan(text, strlen(text), 0, &l, NULL))
    score = overlap_score(&l, a, b, any);
  text_inject_list_release(&l);
  return score >= TEXT_INJECT_THRESHOLD;
}

/* Six consecutive carrier sentences starting at k (wrapping). */
static void carrier(const lotse_strv_t *s, size_t k, int from, int to,
                    lotse_buf_t *b) {
  for (int i = from; i < to; i++) {
    if (b->len) lotse_buf_putc(b, ' ');
    lotse_buf_puts(b, s->v[(k + (size_t)i) % s->n]);
  }
}

static void plant(const lotse_strv_t *s, size_t k, const char *attack,
                  int pos, tally_t *t) {
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  carrier(s, k, 0, pos, &b);
  if (b.len) lotse_buf_putc(&b, ' ');
  size_t a = b.len;
  lotse_buf_puts(&b, attack);
  size_t e = b.len;
  carrier(s, k, pos, 6, &b);
  int any;
  t->planted += detect(b.data, a, e, &any);
  t->planted_any += any;
  lotse_buf_release(&b);
}

static void hide_in_html(const lotse_strv_t *s, size_t k, const char *attack,
                         tally_t *t) {
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  lotse_buf_puts(&b, "<html><body><p>");
  carrier(s, k, 0, 3, &b);
  lotse_buf_puts(&b, "</p><p style=\"display: none\">");
  lotse_buf_puts(&b, attack); /* BIPIA's texts hold no markup */
  lotse_buf_puts(&b, "</p><p>");
  lotse_buf_t post;
  lotse_buf_init(&post, 0);
  carrier(s, k, 3, 6, &post);
  lotse_buf_puts(&b, post.data);
  lotse_buf_puts(&b, "</p></body></html>");
  ingest_extract_t x;
  ingest_extract_init(&x, 0);
  if (!ingest_extract_html(b.data, b.len, &x, NULL)) {
    int leaked = 0;
    for (size_t i = 0; i < x.nblocks; i++)
      leaked |= strstr(x.blocks[i].text, attack) != NULL;
    int kept = x.nhidden == 1 && !strcmp(x.hidden[0].text, attack);
    t->hidden += kept && !leaked;
    int any;
    t->hidden_flagged +=
        kept && detect(x.hidden[0].text, 0, x.hidden[0].bytes, &any);
  }
  ingest_extract_release(&x);
  lotse_buf_release(&post);
  lotse_buf_release(&b);
}

static void row(const char *name, const tally_t *t) {
  printf("%-30s %3d %6d %6d %8d %8d %7d %7d\n", name, t->n, t->alone,
         t->alone_any, t->planted, t->planted_any, t->hidden,
         t->hidden_flagged);
}

static void add(tally_t *sum, const tally_t *t) {
  sum->n += t->n;
  sum->alone += t->alone;
  sum->alone_any += t->alone_any;
  sum->planted += t->planted;
  sum->planted_any += t->planted_any;
  sum->hidden += t->hidden;
  sum->hidden_flagged += t->hidden_flagged;
}

static int eval_bipia(const char *path, const lotse_strv_t *s, int verbose,
                      tally_t *sum) {
  json_error_t je;
  json_t *root = json_load_file(path, 0, &je);
  if (!json_is_object(root)) {
    printf("%s: %s\n", path, je.text);
    json_decref(root);
    return -1;
  }
  printf("## BIPIA text attacks (%s)\n\n", path);
  printf("%-30s %3s %6s %6s %8s %8s %7s %7s\n", "category", "n", "alone",
         "(any)", "planted", "(any)", "hidden", "flagged");
  printf("%-30s %3s %6s %6s %8s %8s %7s %7s\n", "", "", "", "", "of 3n", "",
         "kept", "");
  const char *cat;
  json_t *list;
  size_t k = 0;
  json_object_foreach(root, cat, list) {
    tally_t t = {0};
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
      const char *attack = json_string_value(v);
      if (!attack) continue;
      int any, hit = detect(attack, 0, strlen(attack), &any);
      t.n++;
      t.alone += hit;
      t.alone_any += any;
      if (verbose && !hit) printf("    missed: %s\n", attack);
      for (int pos = 0; pos <= 6; pos += 3) plant(s, k * 97, attack, pos, &t);
      hide_in_html(s, k * 97, attack, &t);
      k++;
    }
    row(cat, &t);
    add(sum, &t);
  }
  row("total", sum);
  json_decref(root);
  return 0;
}

/* ------------------------------------------------ administrative text */

typedef struct docs {
  long files, bytes, sentences, suspicious, strong, weak;
  int examples;
} docs_t;

static long count_sentences(const char *s, size_t n) {
  long k = 0;
  for (size_t i = 0; i + 1 < n; i++)
    k += (s[i] == '.' || s[i] == '!' || s[i] == '?') &&
         (s[i + 1] == ' ' || s[i + 1] == '\n');
  return k;
}

static void screen_file(const char *path, int verbose, docs_t *d) {
  char *data;
  size_t len;
  lotse_err_t err;
  if (lotse_file_read(path, (size_t)64 << 20, &data, &len, &err)) return;
  text_inject_list_t l = {0};
  if (!text_inject_scan(data, len, 0, &l, NULL)) {
    d->files++;
    d->bytes += (long)len;
    d->sentences += count_sentences(data, len);
    d->suspicious += text_inject_suspicious(&l);
    for (size_t i = 0; i < l.n; i++) {
      const text_inject_finding_t *f = &l.v[i];
      int strong = f->score >= TEXT_INJECT_THRESHOLD;
      d->strong += strong;
      d->weak += !strong;
      if (strong && verbose && d->examples++ < 10)
        printf("    false positive (%s, %d) in %s: %.*s\n", f->rule,
               f->score, path, (int)(f->end - f->start), data + f->start);
    }
  }
  text_inject_list_release(&l);
  free(data);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir (sorted), or dir/<sub>/name for each sub. */
static void screen_dir(const char *dir, const char *name, int verbose,
                       docs_t *d) {
  DIR *dh = opendir(dir);
  if (!dh) return;
  lotse_strv_t files = {0};
  struct dirent *e;
  char path[8192];
  while ((e = readdir(dh))) {
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s%s%s", dir, e->d_name, name ? "/" : "",
             name ? name : "");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
      lotse_strv_push(&files, path);
  }
  closedir(dh);
  if (files.n) qsort(files.v, files.n, sizeof *files.v, cmp_str);
  for (size_t i = 0; i < files.n; i++) screen_file(files.v[i], verbose, d);
  lotse_strv_release(&files);
}

static void eval_docs(const char *privacy, int verbose, docs_t *d) {
  char p[8192];
  snprintf(p, sizeof p, "%s/../corpora/nds-verkuendung-2024/plaintext",
           privacy);
  screen_dir(p, NULL, verbose, d);
  snprintf(p, sizeof p, "%s/../oparl/karlsruhe/file-contents", privacy);
  screen_dir(p, NULL, verbose, d);
  snprintf(p, sizeof p, "%s/../corpora/gesetze", privacy);
  screen_dir(p, "index.md", verbose, d);
  snprintf(p, sizeof p, "%s/../../strategy/kreis-ki-strategie-2026.txt",
           privacy);
  screen_file(p, verbose, d);
  double per = d->sentences ? 1000.0 / (double)d->sentences : 0;
  printf("## German administrative documents: %ld files, %.1f MB, about "
         "%ld sentences\n\n", d->files, (double)d->bytes / 1e6, d->sentences);
  printf("suspicious documents:            %ld of %ld\n", d->suspicious,
         d->files);
  printf("findings >= threshold:           %ld = %.3f per 1,000 sentences\n",
         d->strong, (double)d->strong * per);
  printf("findings below threshold:        %ld = %.3f per 1,000 sentences\n\n",
         d->weak, (double)d->weak * per);
}

/* ------------------------------------------------------------- main */

static const char *data_dir(const char *dir, char *def, size_t cap) {
  if (dir) return dir;
  const char *src = getenv("LOTSE_SOURCE_DIR");
  int pn = snprintf(def, cap, "%s/../shared/data/privacy", src ? src : "..");
  struct stat st;
  if (pn < 0 || (size_t)pn >= cap || stat(def, &st) != 0)
    return "../shared/data/privacy";
  return def;
}

int main(int argc, char **argv) {
  double min_detect = -1, max_fp = -1;
  int verbose = 1;
  const char *dir = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--min-detect") && i + 1 < argc)
      min_detect = atof(argv[++i]);
    else if (!strcmp(argv[i], "--max-fp") && i + 1 < argc)
      max_fp = atof(argv[++i]);
    else if (!strcmp(argv[i], "--quiet")) verbose = 0;
    else if (argv[i][0] == '-') {
      fprintf(stderr, "usage: eval_inject [--min-detect PCT] [--max-fp "
                      "PER1000] [--quiet] [DATA_DIR]\n");
      return 2;
    } else dir = argv[i];
  }
  char def[4096], ge[4200], bp[4200];
  dir = data_dir(dir, def, sizeof def);
  snprintf(ge, sizeof ge, "%s/germeval2014/NER-de-test.tsv", dir);
  snprintf(bp, sizeof bp, "%s/bipia/text_attack_test.json", dir);
  struct stat st;
  if (stat(ge, &st) != 0 || stat(bp, &st) != 0) {
    printf("eval_inject: skipped, '%s' or '%s' is absent\n", ge, bp);
    return 0;
  }
  lotse_strv_t sent = {0};
  if (read_germeval(ge, &sent) || sent.n < 6) {
    printf("%s: unreadable\n", ge);
    lotse_strv_release(&sent);
    return 2;
  }
  tally_t sum = {0};
  fp_t fp = {0};
  int rc = eval_bipia(bp, &sent, verbose, &sum);
  if (!rc) {
    printf("\n");
    eval_germeval(&sent, verbose, &fp);
    docs_t docs = {0};
    eval_docs(dir, verbose, &docs);
    double det = sum.n ? 100.0 * sum.planted / (3.0 * sum.n) : 0;
    double fpk = fp.sentences ? 1000.0 * (double)fp.suspicious /
                                    (double)fp.sentences
                              : 0;
    printf("detection planted in German text: %.1f%% (alone %.1f%%, hidden "
           "in HTML kept out %.1f%%, flagged %.1f%%); false positives %.2f "
           "per 1,000 sentences\n",
           det, sum.n ? 100.0 * sum.alone / sum.n : 0,
           sum.n ? 100.0 * sum.hidden / sum.n : 0,
           sum.n ? 100.0 * sum.hidden_flagged / sum.n : 0, fpk);
    if ((min_detect >= 0 && det < min_detect) ||
        (max_fp >= 0 && fpk > max_fp))
      rc = 1;
  } else {
    rc = 2;
  }
  lotse_strv_release(&sent);
  return rc;
}

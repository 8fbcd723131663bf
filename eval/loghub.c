/* SPDX-License-Identifier: EUPL-1.2
 *
 * eval/loghub.c — template mining (analytics/logwatch/drain.h) on the ten
 * loghub 2k log sets against their corrected ground truth
 * (<Sys>/<Sys>_2k.log_structured_corrected.csv):
 *
 *  GA (grouping accuracy, as logparser's evaluator): a ground-truth event's
 *     lines count as correct when the parser put exactly those lines, and
 *     no others, into one group (groups = equal template text, which is what
 *     logparser's md5 EventId amounts to);
 *  PA (parsing accuracy): share of lines whose template equals the ground
 *     truth's EventTemplate exactly.
 *
 * Settings per system (log format, masks, st, depth) come from
 * reference/drain-settings.json, printed next to the published Drain GA and
 * the published Drain PA (reference/effectiveness_results.csv, loghub-2k).
 *
 * Usage: eval_loghub [--min-ga-each-published] [--min-ga-avg X] [--only SYS]
 *        [--classic] [DATA_DIR]   (--classic: logparser's Drain exactly,
 *        LW_DRAIN_CLASSIC; default: with lotse's general rules)   (DATA_DIR: .../shared/data/loghub; default
 *        $LOTSE_SOURCE_DIR/../shared/data/loghub, then ../shared/data/loghub).
 * Exit 0 (also when the data is absent: skipped with a message); 1 when a
 * gate fails; 2 bad usage or unreadable data.
 */
#include "analytics/logwatch/drain_parse.h"
#include "base/base.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const systems[] = {"HDFS", "Hadoop", "Spark", "Zookeeper",
                                      "BGL", "HPC", "Thunderbird", "Linux",
                                      "Apache", "OpenSSH"};
#define NSYS (sizeof systems / sizeof systems[0])

/* ------------------------------------------------------------------ csv */

/* Next CSV record of s (Python csv dialect); fields[0..*nf) are copies in
 * out (NUL-separated). Returns the position after the record, NULL at end. */
static const char *csv_record(const char *s, const char *end, lotse_buf_t *out,
                              size_t *offs, size_t cap, size_t *nf) {
  if (s >= end) return NULL;
  lotse_buf_reset(out);
  *nf = 0;
  for (;;) {
    if (*nf < cap) offs[(*nf)++] = out->len;
    if (s < end && *s == '"') {
      s++;
      while (s < end) {
        if (*s == '"' && s + 1 < end && s[1] == '"') {
          lotse_buf_putc(out, '"');
          s += 2;
        } else if (*s == '"') {
          s++;
          break;
        } else {
          lotse_buf_putc(out, *s++);
        }
      }
    }
    while (s < end && *s != ',' && *s != '\n' && *s != '\r')
      lotse_buf_putc(out, *s++);
    lotse_buf_putc(out, 0);
    if (s < end && *s == ',') {
      s++;
      continue;
    }
    while (s < end && (*s == '\r' || *s == '\n')) s++;
    return s;
  }
}

typedef struct truth {
  char **event;    /* ground-truth EventId per line */
  char **tmpl;     /* ground-truth EventTemplate per line */
  size_t n;
} truth_t;

static void truth_release(truth_t *t) {
  for (size_t i = 0; i < t->n; i++) free(t->event[i]), free(t->tmpl[i]);
  free(t->event);
  free(t->tmpl);
}

static int truth_load(const char *path, truth_t *t, lotse_err_t *err) {
  char *data;
  size_t len;
  int rc = lotse_file_read(path, (size_t)64 << 20, &data, &len, err);
  if (rc) return rc;
  lotse_buf_t b;
  lotse_buf_init(&b, (size_t)1 << 24);
  size_t offs[32], nf, cap = 0;
  const char *s = csv_record(data, data + len, &b, offs, 32, &nf); /* header */
  while (s && (s = csv_record(s, data + len, &b, offs, 32, &nf)) != NULL) {
    if (nf < 3) continue;
    if (t->n == cap) {
      cap = cap ? cap * 2 : 2048;
      t->event = realloc(t->event, cap * sizeof *t->event);
      t->tmpl = realloc(t->tmpl, cap * sizeof *t->tmpl);
      if (!t->event || !t->tmpl) {
        rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
        break;
      }
    }
    t->event[t->n] = lotse_strdup(b.data + offs[nf - 2]);
    t->tmpl[t->n] = lotse_strdup(b.data + offs[nf - 1]);
    t->n++;
  }
  lotse_buf_release(&b);
  free(data);
  return rc;
}

/* ------------------------------------------------------------ accuracy */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Index of each line's string among the distinct strings of v. */
static size_t *group_ids(char *const *v, size_t n) {
  char **sorted = malloc(n * sizeof *sorted);
  size_t *g = malloc(n * sizeof *g);
  if (!sorted || !g) {
    free(sorted), free(g);
    return NULL;
  }
  memcpy(sorted, v, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, cmp_str);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (!u || strcmp(sorted[u - 1], sorted[i])) sorted[u++] = sorted[i];
  for (size_t i = 0; i < n; i++) {
    char *const *hit = bsearch(&v[i], sorted, u, sizeof *sorted, cmp_str);
    g[i] = (size_t)(hit - sorted);
  }
  free(sorted);
  return g;
}

/* GA as logparser's get_accuracy computes it. */
static double grouping_accuracy(const size_t *gt, const size_t *pa, size_t n) {
  size_t ng = 0, np = 0;
  for (size_t i = 0; i < n; i++) {
    if (gt[i] + 1 > ng) ng = gt[i] + 1;
    if (pa[i] + 1 > np) np = pa[i] + 1;
  }
  size_t *gsize = calloc(ng, sizeof *gsize), *psize = calloc(np, sizeof *psize);
  size_t *first = calloc(ng, sizeof *first);
  char *mixed = calloc(ng, 1);
  double ga = 0;
  if (gsize && psize && first && mixed) {
    for (size_t i = 0; i < n; i++) {
      if (!gsize[gt[i]]++) first[gt[i]] = pa[i];
      else if (first[gt[i]] != pa[i]) mixed[gt[i]] = 1;
      psize[pa[i]]++;
    }
    size_t ok = 0;
    for (size_t g = 0; g < ng; g++)
      if (gsize[g] && !mixed[g] && psize[first[g]] == gsize[g]) ok += gsize[g];
    ga = n ? (double)ok / (double)n : 0;
  }
  free(gsize), free(psize), free(first), free(mixed);
  return ga;
}

/* ------------------------------------------------------------ settings */

typedef struct sys_result {
  double ga, pa, pub_ga, pub_pa;
  size_t lines, templates, gt_templates;
  double secs;
} sys_result_t;

static int classic;

static int run_system(const char *dir, const char *sys, json_t *set,
                      double pub_pa, sys_result_t *r, lotse_err_t *err) {
  const char *fmt = json_string_value(json_object_get(set, "log_format"));
  json_t *jm = json_object_get(set, "mask_regex");
  const char *masks[16];
  size_t nm = 0;
  for (size_t i = 0; i < json_array_size(jm) && nm < 16; i++)
    masks[nm++] = json_string_value(json_array_get(jm, i));
  lw_drain_opts o = {(int)json_integer_value(json_object_get(set, "depth")),
                     json_number_value(json_object_get(set, "st")), masks, nm,
                     100, classic ? LW_DRAIN_CLASSIC : 0};
  r->pub_ga = json_number_value(json_object_get(set, "published_drain_ga"));
  r->pub_pa = pub_pa;
  char path[8192];
  if (strlen(dir) > 4000) return lotse_err_set(err, LOTSE_EINVAL, "path too long");
  snprintf(path, sizeof path, "%s/%s/%s_2k.log", dir, sys, sys);
  char *log;
  size_t len;
  int rc = lotse_file_read(path, (size_t)64 << 20, &log, &len, err);
  if (rc) return rc;
  lw_format *f = NULL;
  lw_drain *d = NULL;
  lw_parse_out out = {0};
  truth_t t = {0};
  rc = lw_format_compile(fmt, &f, err);
  if (!rc && !(d = lw_drain_new(&o, err))) rc = err->code ? err->code : -1;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (!rc) rc = lw_drain_parse(d, f, log, len, &out, err);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  r->secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  snprintf(path, sizeof path, "%s/%s/%s_2k.log_structured_corrected.csv", dir,
           sys, sys);
  if (!rc) rc = truth_load(path, &t, err);
  if (!rc && t.n != out.n)
    rc = lotse_err_set(err, LOTSE_ECORRUPT, "%s: %zu parsed lines, %zu in "
                       "the ground truth", sys, out.n, t.n);
  if (!rc) {
    char **ptmpl = malloc(t.n * sizeof *ptmpl);
    size_t pa_ok = 0;
    for (size_t i = 0; ptmpl && i < t.n; i++) {
      ptmpl[i] = (char *)lw_drain_template(d, out.ids[i]);
      pa_ok += strcmp(ptmpl[i], t.tmpl[i]) == 0;
    }
    size_t *gg = group_ids(t.event, t.n);
    size_t *gp = ptmpl ? group_ids(ptmpl, t.n) : NULL;
    if (gg && gp) {
      r->ga = grouping_accuracy(gg, gp, t.n);
      r->pa = (double)pa_ok / (double)t.n;
      r->lines = t.n;
      size_t mx = 0, mt = 0;
      for (size_t i = 0; i < t.n; i++) {
        if (gg[i] + 1 > mx) mx = gg[i] + 1;
        if (gp[i] + 1 > mt) mt = gp[i] + 1;
      }
      r->gt_templates = mx;
      r->templates = mt;
    } else {
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    }
    free(gg), free(gp), free(ptmpl);
  }
  if (getenv("LOGHUB_DUMP") && !rc && !strcmp(getenv("LOGHUB_DUMP"), sys))
    for (size_t i = 0; i < t.n; i++)
      printf("DUMP\t%s\t%s\t%s\n", t.event[i],
             lw_drain_template(d, out.ids[i]), t.tmpl[i]);
  truth_release(&t);
  lw_parse_out_release(&out);
  lw_drain_free(d);
  lw_format_free(f);
  free(log);
  return rc;
}

/* Drain's published loghub-2k PA for sys ("<Sys> PA" row, Drain column,
 * the value before " / "); -1 when absent. */
static double published_pa(const char *csv, const char *sys) {
  char key[64];
  snprintf(key, sizeof key, "\n%s PA,", sys);
  const char *p = csv ? strstr(csv, key) : NULL;
  if (!p) return -1;
  p = strchr(p + strlen(key), ','); /* skip the AEL column */
  return p ? strtod(p + 1, NULL) : -1;
}

static const char *data_dir(const char *arg, char *buf, size_t n) {
  struct stat st;
  if (arg) return arg;
  const char *src = getenv("LOTSE_SOURCE_DIR");
  if (src) {
    snprintf(buf, n, "%s/../shared/data/loghub", src);
    if (!stat(buf, &st)) return buf;
  }
  snprintf(buf, n, "../shared/data/loghub");
  return buf;
}

int main(int argc, char **argv) {
  int each = 0;
  double min_avg = -1;
  const char *arg = NULL, *only = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--min-ga-each-published")) each = 1;
    else if (!strcmp(argv[i], "--min-ga-avg") && i + 1 < argc)
      min_avg = strtod(argv[++i], NULL);
    else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    else if (!strcmp(argv[i], "--classic")) classic = 1;
    else if (argv[i][0] == '-') {
      fprintf(stderr, "usage: eval_loghub [--min-ga-each-published] "
                      "[--min-ga-avg X] [--only SYS] [--classic] [DATA_DIR]\n");
      return 2;
    } else arg = argv[i];
  }
  char buf[4096], path[4200];
  const char *dir = data_dir(arg, buf, sizeof buf);
  struct stat st;
  snprintf(path, sizeof path, "%s/reference/drain-settings.json", dir);
  if (stat(path, &st)) {
    printf("eval_loghub: skipped, no loghub data at %s\n", dir);
    return 0;
  }
  json_error_t je;
  json_t *settings = json_load_file(path, 0, &je);
  if (!settings) {
    fprintf(stderr, "eval_loghub: %s: %s\n", path, je.text);
    return 2;
  }
  snprintf(path, sizeof path, "%s/reference/effectiveness_results.csv", dir);
  char *eff = NULL;
  size_t efl;
  lotse_err_t err = {0};
  if (lotse_file_read(path, (size_t)1 << 20, &eff, &efl, &err)) eff = NULL;
  printf("%-12s %6s %6s %6s %6s %7s %5s %5s %9s\n", "system", "GA", "pubGA",
         "PA", "pubPA", "lines", "tpl", "gtTpl", "lines/s");
  double sga = 0, spga = 0, spa = 0;
  size_t n = 0, below = 0;
  int rc = 0;
  for (size_t i = 0; i < NSYS; i++) {
    if (only && strcmp(only, systems[i])) continue;
    sys_result_t r = {0};
    json_t *set = json_object_get(settings, systems[i]);
    if (!set || run_system(dir, systems[i], set,
                           published_pa(eff, systems[i]), &r, &err)) {
      fprintf(stderr, "eval_loghub: %s: %s\n", systems[i],
              set ? err.msg : "no settings");
      rc = 2;
      continue;
    }
    int low = r.ga + 1e-9 < r.pub_ga;
    below += low;
    printf("%-12s %6.4f %6.4f %6.3f %6.3f %7zu %5zu %5zu %9.0f%s\n",
           systems[i], r.ga, r.pub_ga, r.pa, r.pub_pa, r.lines, r.templates,
           r.gt_templates, r.secs > 0 ? (double)r.lines / r.secs : 0,
           low ? "  < published" : "");
    sga += r.ga, spga += r.pub_ga, spa += r.pa, n++;
  }
  if (n)
    printf("%-12s %6.4f %6.4f %6.3f\n", "average", sga / (double)n,
           spga / (double)n, spa / (double)n);
  if (!rc && each && below) {
    printf("FAIL: GA below the published Drain GA on %zu system(s)\n", below);
    rc = 1;
  }
  if (!rc && min_avg >= 0 && n && sga / (double)n + 1e-9 < min_avg) {
    printf("FAIL: average GA %.4f below %.4f\n", sga / (double)n, min_avg);
    rc = 1;
  }
  free(eff);
  json_decref(settings);
  return rc;
}

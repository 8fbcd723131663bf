/* SPDX-License-Identifier: EUPL-1.2
 *
 * eval/logwatch_anomaly.c — how well the logwatch anomaly detectors
 * (analytics/logwatch/anomaly.h) find the labelled alerts of loghub's
 * BGL_2k.log (BlueGene/L; first column "-" = normal, anything else = an
 * alert category such as KERNDTLB; 143 of 2,000 lines are alerts).
 *
 * The lines go through the same path as `lotse logwatch ingest`: the
 * published loghub header pattern of BGL (reference/drain-settings.json)
 * splits each line, the template miner (lw_drain, with BGL's published
 * mask and st/depth) gives the template id, and the detector sees the
 * event with its time (Timestamp column), level, component and node (as
 * `host`). The label column is never shown to the detector.
 *
 * Measured, per warm-up length and minimum severity:
 *  - line level: a line is "flagged" when an alert counted it (the lines of
 *    the alert's template within its window or bucket; for a rare sequence
 *    the lines of that transition). precision, recall, F1 against the
 *    label column;
 *  - incidents: maximal runs of alert lines with the same category and less
 *    than one hour between neighbours; detected when an alert counted one
 *    of its lines; time to detection = detection time of the first such
 *    alert − time of the incident's first line (median over detected).
 *
 * Usage: eval_logwatch_anomaly [DATA_DIR]  (DATA_DIR: .../shared/data/loghub;
 *        default $LOTSE_SOURCE_DIR/../shared/data/loghub, then
 *        ../shared/data/loghub). Exit 0 (also when the data is absent: the
 *        run is skipped with a message); 1 on errors; 2 bad usage.
 */
#include "analytics/logwatch/anomaly.h"
#include "analytics/logwatch/drain.h"
#include "analytics/logwatch/format.h"
#include "base/base.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_LINES 100000
#define INCIDENT_GAP_MS (3600 * 1000LL)

typedef struct line_info {
  int label;          /* 1 alert, 0 normal, -1 malformed */
  char cat[16];       /* alert category */
  int64_t ts_ms;
  uint32_t tid, prev_tid; /* template, and the one before on the same node */
  int level_bad;      /* Level is FATAL, FAILURE, SEVERE or ERROR */
  int flagged[4];     /* per minimum severity 1..3 */
  int64_t detected[4];
} line_info;

typedef struct run {
  line_info *li;
  size_t n;
} run_t;

typedef struct counts {
  uint64_t alerts[4]; /* by kind */
  uint64_t by_sev[4];
} counts_t;

static counts_t g_counts;

/* ------------------------------------------------------------ alerts */

static void flag(run_t *r, size_t i, const lw_alert *a) {
  for (int s = 1; s <= 3; s++) {
    if ((int)a->severity < s) continue;
    line_info *l = &r->li[i];
    /* the line is known as anomalous once the alert exists and has it */
    int64_t when = a->detected_ms > l->ts_ms ? a->detected_ms : l->ts_ms;
    if (!l->flagged[s] || when < l->detected[s]) l->detected[s] = when;
    l->flagged[s] = 1;
  }
}

static void on_alert(void *ud, const lw_alert *a) {
  run_t *r = ud;
  g_counts.alerts[a->kind]++;
  g_counts.by_sev[a->severity]++;
  for (uint64_t ln = a->line_first; ln <= a->line_last && ln <= r->n; ln++) {
    const line_info *l = &r->li[ln - 1];
    if (l->label < 0 || l->tid != a->template_id) continue;
    if (a->kind == LW_ALERT_RARE_SEQUENCE && l->prev_tid != a->prev_template_id)
      continue;
    flag(r, ln - 1, a);
  }
}

/* ------------------------------------------------------------ input */

typedef struct settings {
  char *format;
  char **masks;
  size_t n_masks;
  double st;
  int depth;
} settings_t;

static int load_settings(const char *dir, settings_t *s) {
  char path[4096];
  int pn = snprintf(path, sizeof path, "%s/reference/drain-settings.json", dir);
  if (pn < 0 || (size_t)pn >= sizeof path) return -1;
  json_error_t je;
  json_t *root = json_load_file(path, 0, &je);
  json_t *bgl = root ? json_object_get(root, "BGL") : NULL;
  if (!bgl) {
    fprintf(stderr, "eval: no BGL settings in %s\n", path);
    json_decref(root);
    return -1;
  }
  s->format = lotse_strdup(json_string_value(json_object_get(bgl, "log_format")));
  s->st = json_number_value(json_object_get(bgl, "st"));
  s->depth = (int)json_integer_value(json_object_get(bgl, "depth"));
  json_t *m = json_object_get(bgl, "mask_regex");
  s->n_masks = json_array_size(m);
  s->masks = calloc(s->n_masks + 1, sizeof *s->masks);
  for (size_t i = 0; s->masks && i < s->n_masks; i++)
    s->masks[i] = lotse_strdup(json_string_value(json_array_get(m, i)));
  json_decref(root);
  return s->format && s->masks ? 0 : -1;
}

static void free_settings(settings_t *s) {
  for (size_t i = 0; s->masks && i < s->n_masks; i++) free(s->masks[i]);
  free(s->masks);
  free(s->format);
}

static const lw_field *field(const lw_field *f, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(f[i].name, name)) return &f[i];
  return NULL;
}

/* Node → last template id (tiny map: BGL_2k has a few hundred nodes). */
typedef struct node_prev {
  char name[64];
  uint32_t tid;
} node_prev;

static uint32_t *prev_of(node_prev *np, size_t *n, size_t cap,
                         const char *name, size_t len) {
  if (len >= sizeof np[0].name) len = sizeof np[0].name - 1;
  for (size_t i = 0; i < *n; i++)
    if (strlen(np[i].name) == len && !memcmp(np[i].name, name, len))
      return &np[i].tid;
  if (*n == cap) return NULL;
  memcpy(np[*n].name, name, len);
  np[*n].name[len] = 0;
  np[*n].tid = 0;
  return &np[(*n)++].tid;
}

/* Feed every line of text to drain + detector; fills r->li. */
static int feed_all(char *text, const settings_t *s, lw_anomaly *det,
                    run_t *r) {
  lotse_err_t err = {0};
  lw_format *fmt = NULL;
  if (lw_format_compile(s->format, &fmt, &err)) {
    fprintf(stderr, "eval: format: %s\n", err.msg);
    return -1;
  }
  lw_drain_opts o = {.depth = s->depth, .st = s->st,
                     .masks = (const char *const *)s->masks,
                     .n_masks = s->n_masks};
  lw_drain *d = lw_drain_new(&o, &err);
  if (!d) {
    lw_format_free(fmt);
    fprintf(stderr, "eval: drain: %s\n", err.msg);
    return -1;
  }
  static node_prev nodes[4096];
  size_t n_nodes = 0;
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line && r->n < MAX_LINES;
       line = strtok_r(NULL, "\n", &save)) {
    line_info *l = &r->li[r->n++];
    lw_field f[LW_FORMAT_MAX_FIELDS];
    size_t nf = 0, clen = 0;
    const char *content = NULL;
    if (lw_format_match(fmt, line, strlen(line), f, LW_FORMAT_MAX_FIELDS, &nf,
                        &content, &clen) != 1) {
      l->label = -1;
      continue;
    }
    const lw_field *lab = field(f, nf, "Label"), *ts = field(f, nf, "Timestamp"),
                   *node = field(f, nf, "Node");
    l->label = lab && !(lab->value_len == 1 && lab->value[0] == '-');
    if (lab && l->label)
      snprintf(l->cat, sizeof l->cat, "%.*s", (int)lab->value_len, lab->value);
    l->ts_ms = ts ? strtoll(ts->value, NULL, 10) * 1000 : 0;
    const lw_field *lv = field(f, nf, "Level");
    l->level_bad = lv && lv->value_len >= 5 &&
                   (!strncmp(lv->value, "FATAL", 5) ||
                    !strncmp(lv->value, "FAILU", 5) ||
                    !strncmp(lv->value, "SEVER", 5) ||
                    !strncmp(lv->value, "ERROR", 5));
    /* The detector sees every field but the label. */
    lw_field shown[LW_FORMAT_MAX_FIELDS + 1];
    size_t ns = 0;
    for (size_t i = 0; i < nf; i++)
      if (strcmp(f[i].name, "Label") != 0) shown[ns++] = f[i];
    if (node) shown[ns++] = (lw_field){"host", node->value, node->value_len};
    int is_new = 0;
    if (lw_drain_add(d, content, clen, &l->tid, &is_new)) {
      l->label = -1;
      continue;
    }
    uint32_t *pv = node ? prev_of(nodes, &n_nodes, 4096, node->value,
                                  node->value_len) : NULL;
    l->prev_tid = pv ? *pv : 0;
    if (pv) *pv = l->tid;
    lw_event ev = {.source = "BGL_2k.log", .line = r->n, .ts_ms = l->ts_ms,
                   .message = content, .message_len = clen, .fields = shown,
                   .n_fields = ns};
    if (lw_anomaly_feed(det, &ev, l->tid, lw_drain_template(d, l->tid))) {
      fprintf(stderr, "eval: out of memory\n");
      break;
    }
  }
  lw_anomaly_flush(det);
  lw_drain_free(d);
  lw_format_free(fmt);
  return 0;
}

/* ------------------------------------------------------------ scoring */

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static void score(const run_t *r, int sev, const char *wl) {
  uint64_t tp = 0, fp = 0, fn = 0;
  for (size_t i = 0; i < r->n; i++) {
    const line_info *l = &r->li[i];
    if (l->label < 0) continue;
    if (l->flagged[sev] && l->label) tp++;
    else if (l->flagged[sev]) fp++;
    else if (l->label) fn++;
  }
  double p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
  double rc = tp + fn ? (double)tp / (double)(tp + fn) : 0;
  double f1 = p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
  /* incidents */
  size_t n_inc = 0, n_det = 0;
  int64_t ttd[2048];
  for (size_t i = 0; i < r->n;) {
    if (r->li[i].label != 1) {
      i++;
      continue;
    }
    size_t j = i, last = i;
    int64_t best = INT64_MAX;
    for (; j < r->n; j++) {
      const line_info *l = &r->li[j];
      if (l->label != 1) continue;
      if (strcmp(l->cat, r->li[i].cat) || l->ts_ms - r->li[last].ts_ms > INCIDENT_GAP_MS)
        break;
      last = j;
      if (l->flagged[sev] && l->detected[sev] < best) best = l->detected[sev];
    }
    n_inc++;
    if (best != INT64_MAX && n_det < 2048) {
      int64_t d = best - r->li[i].ts_ms;
      ttd[n_det++] = d < 0 ? 0 : d;
    }
    i = j > last ? last + 1 : j;
  }
  qsort(ttd, n_det, sizeof *ttd, cmp_i64);
  double med = n_det ? (double)ttd[n_det / 2] / 1000.0 : 0;
  double max = n_det ? (double)ttd[n_det - 1] / 1000.0 : 0;
  printf("| %6s | %-7s | %4llu | %4llu | %4llu | %.3f | %.3f | %.3f | "
         "%zu/%zu | %s%.0f s / %.0f s |\n",
         wl, strcmp(wl, "level") ? lw_severity_name((lw_severity)sev) : "–",
         (unsigned long long)tp, (unsigned long long)fp,
         (unsigned long long)fn, p, rc, f1, n_det, n_inc, n_det ? "" : "– ",
         med, max);
}

/* The naive reference: every line whose level is an error or worse. */
static void baseline_level(run_t *r) {
  for (size_t i = 0; i < r->n; i++) {
    line_info *l = &r->li[i];
    l->flagged[1] = l->level_bad;
    l->detected[1] = l->ts_ms;
  }
  score(r, 1, "level");
}

static int evaluate(const char *text, size_t len, const settings_t *s,
                    uint64_t warmup) {
  run_t r = {calloc(MAX_LINES, sizeof(line_info)), 0};
  char *copy = lotse_strndup(text, len);
  lw_anomaly_opts o;
  lw_anomaly_opts_default(&o);
  o.warmup_events = warmup;
  lotse_err_t err = {0};
  memset(&g_counts, 0, sizeof g_counts);
  lw_anomaly *det = r.li && copy ? lw_anomaly_new(&o, on_alert, &r, &err) : NULL;
  int rc = det ? feed_all(copy, s, det, &r) : -1;
  if (!rc && warmup)
    for (int sev = 1; sev <= 3; sev++) {
      char wl[24];
      snprintf(wl, sizeof wl, "%llu", (unsigned long long)warmup);
      score(&r, sev, wl);
    }
  if (!rc && warmup == 0) {
    baseline_level(&r);
    goto out;
  }
  if (!rc)
    printf("|        | alerts: %llu new template, %llu burst, %llu rare "
           "sequence (%llu niedrig, %llu mittel, %llu hoch) |||||||||\n",
           (unsigned long long)g_counts.alerts[1],
           (unsigned long long)g_counts.alerts[2],
           (unsigned long long)g_counts.alerts[3],
           (unsigned long long)g_counts.by_sev[1],
           (unsigned long long)g_counts.by_sev[2],
           (unsigned long long)g_counts.by_sev[3]);
out:
  lw_anomaly_free(det);
  free(copy);
  free(r.li);
  return rc;
}

int main(int argc, char **argv) {
  if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
    fprintf(stderr, "usage: eval_logwatch_anomaly [DATA_DIR]\n");
    return 2;
  }
  char def[4096];
  const char *dir = argc == 2 ? argv[1] : NULL;
  const char *src = getenv("LOTSE_SOURCE_DIR");
  if (!dir && src) {
    int pn = snprintf(def, sizeof def, "%s/../shared/data/loghub", src);
    if (pn > 0 && (size_t)pn < sizeof def) dir = def;
  }
  struct stat stt;
  if (!dir || stat(dir, &stt) != 0) dir = "../shared/data/loghub";
  char path[4200];
  int pn = snprintf(path, sizeof path, "%s/BGL/BGL_2k.log", dir);
  if (pn < 0 || (size_t)pn >= sizeof path) return 2;
  if (stat(path, &stt) != 0) {
    printf("eval_logwatch_anomaly: skipped, '%s' is absent\n", path);
    return 0;
  }
  settings_t s = {0};
  if (load_settings(dir, &s)) return 1;
  char *text = NULL;
  size_t len = 0;
  lotse_err_t err = {0};
  if (lotse_file_read(path, 64u << 20, &text, &len, &err)) {
    fprintf(stderr, "eval: %s\n", err.msg);
    free_settings(&s);
    return 1;
  }
  printf("## logwatch anomaly detection on %s\n\n", path);
  printf("Detector defaults except warm-up (events of the source before "
         "new-template alerts); bucket 5 min, k = 5, minimum 10, windows 1 h; "
         "line level and incidents (same category, < 1 h apart). Row "
         "'level': no detector, every line whose level is FATAL, FAILURE, "
         "SEVERE or ERROR (a reference, not a detector).\n\n");
  printf("| warm-up | min. severity | TP | FP | FN | precision | recall | F1 "
         "| incidents found | time to detection, median / max |\n");
  printf("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  static const uint64_t warmups[] = {50, 100, 200, 500, 1000, 0};
  int rc = 0;
  for (size_t i = 0; !rc && i < sizeof warmups / sizeof *warmups; i++)
    rc = evaluate(text, len, &s, warmups[i]);
  free(text);
  free_settings(&s);
  return rc ? 1 : 0;
}

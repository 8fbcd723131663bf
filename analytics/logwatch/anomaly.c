/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/anomaly.c — the three online detectors of anomaly.h:
 * new template after warm-up, rate burst per template and time bucket
 * against median + k·MAD of the earlier buckets, rare template transition
 * per source and host.
 *
 * Contract: memory grows with sources × templates (a ring of `history`
 * bucket counts per template once it has been seen) and with observed
 * transitions; no allocation per event except for evidence text of the
 * first max_evidence lines of an open alert or bucket.
 * Invariants: (1) open alerts are emitted exactly once (window end, cap,
 * or flush); (2) a template's history holds one count per closed bucket
 * since it was first seen, zeros included, at most `history`.
 * See also: analytics/logwatch/anomaly.h, anomaly_opts.c (settings, names),
 * tests/unit/logwatch/test_anomaly.c.
 */
#include "analytics/logwatch/anomaly.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_OPEN 256       /* open new-template / rare-sequence alerts */
#define SEQ_ID_LIMIT (1u << 24)

/* ------------------------------------------------------------ small map */

/* Open addressing u64 → u64 (linear probing, grows at 50 % load). */
typedef struct u64map {
  uint64_t *keys, *vals;
  unsigned char *used;
  size_t cap, n;
} u64map;

static uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

static uint64_t *map_slot(u64map *m, uint64_t key, int create);

static int map_grow(u64map *m) {
  size_t ncap = m->cap ? m->cap * 2 : 256;
  u64map nm = {calloc(ncap, 8), calloc(ncap, 8), calloc(ncap, 1), ncap, 0};
  if (!nm.keys || !nm.vals || !nm.used) {
    free(nm.keys), free(nm.vals), free(nm.used);
    return LOTSE_ENOMEM;
  }
  for (size_t i = 0; i < m->cap; i++)
    if (m->used[i]) *map_slot(&nm, m->keys[i], 1) = m->vals[i];
  free(m->keys), free(m->vals), free(m->used);
  *m = nm;
  return 0;
}

/* The value slot of key; NULL when absent (create = 0) or out of memory. */
static uint64_t *map_slot(u64map *m, uint64_t key, int create) {
  if (create && (m->n + 1) * 2 > m->cap && map_grow(m)) return NULL;
  if (!m->cap) return NULL;
  size_t i = (size_t)mix64(key) & (m->cap - 1);
  while (m->used[i]) {
    if (m->keys[i] == key) return &m->vals[i];
    i = (i + 1) & (m->cap - 1);
  }
  if (!create) return NULL;
  m->used[i] = 1, m->keys[i] = key, m->vals[i] = 0, m->n++;
  return &m->vals[i];
}

static void map_free(u64map *m) {
  free(m->keys), free(m->vals), free(m->used);
  memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------ state */

typedef struct ev_slot {
  char *text;
  size_t cap;
  uint64_t line;
  int64_t ts_ms;
} ev_slot;

typedef struct open_alert open_alert;

typedef struct tpl_state {
  uint64_t seen, out_total;
  char *text;
  size_t text_cap;
  /* burst */
  int bucket_open, thr_valid, alarming;
  int64_t cur_bucket, last_pushed, crossed_t;
  uint64_t cur_count, line_first, line_last;
  uint64_t burst_uid; /* 0 until the open bucket crossed its threshold */
  int64_t t_first, t_last;
  uint32_t *hist;
  size_t hist_n, hist_pos;
  double thr, med, q1, q3;
  ev_slot *evs;
  size_t n_evs;
  open_alert *open_new;
} tpl_state;

typedef struct src_state {
  char *name;
  uint64_t events;
  int mode; /* 0 undecided, 1 event time, 2 ticks */
  int64_t last_t, clock_t, clock_bucket;
  tpl_state **tpl;
  size_t n_tpl;
} src_state;

struct open_alert {
  uint64_t uid;
  lw_alert_kind kind;
  lw_severity severity;
  size_t src;
  uint32_t tid, prev;
  char *host;
  uint64_t count, line_first, line_last, prev_total;
  int64_t t_first, t_last, detected, window_end;
  double prob;
  int alarming;
  ev_slot *evs;
  size_t n_evs;
};

struct lw_anomaly {
  lw_anomaly_opts o;
  lw_alert_fn fn;
  void *ud;
  src_state *src;
  size_t n_src, cap_src, last_src;
  u64map prev;  /* (src, host hash) → prev template + 1 */
  u64map trans; /* (src, prev, cur) → count */
  open_alert *open[MAX_OPEN];
  size_t n_open;
  int64_t min_window_end;
  lw_evidence *scratch;
  double *sort_buf;
  uint64_t n_alerts, next_uid;
  int level; /* event_level of the event being fed */
};

/* ------------------------------------------------------------ lifecycle */

lw_anomaly *lw_anomaly_new(const lw_anomaly_opts *o, lw_alert_fn fn, void *ud,
                           lotse_err_t *err) {
  lw_anomaly_opts def;
  if (!o) lw_anomaly_opts_default(&def), o = &def;
  if (!fn) {
    lotse_err_set(err, LOTSE_EINVAL, "anomaly detector needs a callback");
    return NULL;
  }
  if (o->bucket_ms <= 0 || o->bucket_events == 0 || o->window_ms <= 0 ||
      !(o->k >= 0) || o->history < 2 || o->min_history < 1 ||
      o->min_history > o->history || o->max_evidence > 1000 ||
      o->max_text < 16 || !(o->seq_max_prob >= 0 && o->seq_max_prob < 1)) {
    lotse_err_set(err, LOTSE_EINVAL, "invalid anomaly detector options");
    return NULL;
  }
  lw_anomaly *d = calloc(1, sizeof *d);
  if (!d) goto oom;
  d->o = *o;
  if (!d->o.group_field) d->o.group_field = "";
  d->fn = fn, d->ud = ud;
  d->min_window_end = INT64_MAX;
  d->scratch = calloc(o->max_evidence ? o->max_evidence : 1, sizeof *d->scratch);
  d->sort_buf = calloc(o->history, sizeof *d->sort_buf);
  if (!d->scratch || !d->sort_buf) goto oom;
  return d;
oom:
  lw_anomaly_free(d);
  lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return NULL;
}

static void slots_free(ev_slot *s, size_t n) {
  if (!s) return;
  for (size_t i = 0; i < n; i++) free(s[i].text);
  free(s);
}

static void open_free(open_alert *a, size_t max_ev) {
  if (!a) return;
  slots_free(a->evs, max_ev);
  free(a->host);
  free(a);
}

void lw_anomaly_free(lw_anomaly *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n_open; i++) open_free(d->open[i], d->o.max_evidence);
  for (size_t s = 0; s < d->n_src; s++) {
    src_state *ss = &d->src[s];
    for (size_t t = 0; t < ss->n_tpl; t++) {
      tpl_state *ts = ss->tpl[t];
      if (!ts) continue;
      free(ts->text), free(ts->hist);
      slots_free(ts->evs, d->o.max_evidence);
      free(ts);
    }
    free(ss->tpl), free(ss->name);
  }
  free(d->src);
  map_free(&d->prev), map_free(&d->trans);
  free(d->scratch), free(d->sort_buf);
  free(d);
}

uint64_t lw_anomaly_alerts(const lw_anomaly *d) { return d ? d->n_alerts : 0; }

/* ------------------------------------------------------------ lookups */

static src_state *src_get(lw_anomaly *d, const char *name, size_t *idx) {
  if (!name) name = "";
  if (d->last_src < d->n_src && !strcmp(d->src[d->last_src].name, name)) {
    *idx = d->last_src;
    return &d->src[d->last_src];
  }
  for (size_t i = 0; i < d->n_src; i++)
    if (!strcmp(d->src[i].name, name)) return *idx = d->last_src = i, &d->src[i];
  if (d->n_src >= 65535) return NULL;
  if (d->n_src == d->cap_src) {
    size_t nc = d->cap_src ? d->cap_src * 2 : 4;
    src_state *ns = realloc(d->src, nc * sizeof *ns);
    if (!ns) return NULL;
    d->src = ns, d->cap_src = nc;
  }
  src_state *s = &d->src[d->n_src];
  memset(s, 0, sizeof *s);
  if (!(s->name = lotse_strdup(name))) return NULL;
  *idx = d->last_src = d->n_src++;
  return s;
}

/* The state of template id in s, created when create is set. */
static tpl_state *tpl_get(src_state *s, uint32_t id, int create) {
  if (id < s->n_tpl && s->tpl[id]) return s->tpl[id];
  if (!create) return NULL;
  if (id >= s->n_tpl) {
    size_t nn = s->n_tpl ? s->n_tpl : 16;
    while (nn <= id) nn *= 2;
    tpl_state **nt = realloc(s->tpl, nn * sizeof *nt);
    if (!nt) return NULL;
    memset(nt + s->n_tpl, 0, (nn - s->n_tpl) * sizeof *nt);
    s->tpl = nt, s->n_tpl = nn;
  }
  tpl_state *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->last_pushed = INT64_MIN;
  return s->tpl[id] = t;
}

static int copy_text(char **dst, size_t *cap, const char *s, size_t n,
                     size_t max) {
  if (n > max) n = max;
  if (n + 1 > *cap) {
    char *p = realloc(*dst, n + 1);
    if (!p) return LOTSE_ENOMEM;
    *dst = p, *cap = n + 1;
  }
  memcpy(*dst, s, n);
  (*dst)[n] = 0;
  return 0;
}

/* Append one evidence line to slots (at most max); 0 or LOTSE_ENOMEM. */
static int evidence_add(ev_slot **slots, size_t *n, size_t max,
                        const lw_event *ev, size_t max_text) {
  if (*n >= max) return 0;
  if (!*slots && !(*slots = calloc(max, sizeof **slots))) return LOTSE_ENOMEM;
  ev_slot *s = &(*slots)[*n];
  const char *txt = ev->message ? ev->message : "";
  size_t len = ev->message ? ev->message_len : 0;
  if (copy_text(&s->text, &s->cap, txt, len, max_text)) return LOTSE_ENOMEM;
  s->line = ev->line, s->ts_ms = ev->ts_ms;
  (*n)++;
  return 0;
}

/* Does v[0..len) start with word (ASCII case-insensitive)? */
static int prefix_ci(const char *v, size_t len, const char *word) {
  size_t wl = strlen(word);
  return len >= wl && !strncasecmp(v, word, wl);
}

/* The event's level, from its first field named level or severity (any
 * case): 1 an error or worse (FATAL, ERR…, SEVERE, CRIT, ALERT, EMERG,
 * PANIC, FAIL…, syslog 0–3), -1 informational (INFO, DEBUG, NOTICE, syslog
 * 5–7), 0 otherwise or without such a field. One pass over the fields. */
static int event_level(const lw_event *ev) {
  static const char *const bad[] = {"FATAL", "ERR", "SEVERE", "CRIT",
                                    "ALERT", "EMERG", "PANIC", "FAIL"};
  static const char *const calm[] = {"INFO", "DEBUG", "NOTICE"};
  for (size_t i = 0; i < ev->n_fields; i++) {
    const lw_field *f = &ev->fields[i];
    if (strcasecmp(f->name, "level") && strcasecmp(f->name, "severity"))
      continue;
    const char *v = f->value;
    size_t len = f->value_len;
    if (!v || !len) return 0;
    if (len == 1 && v[0] >= '0' && v[0] <= '7')
      return v[0] <= '3' ? 1 : v[0] >= '5' ? -1 : 0;
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++)
      if (prefix_ci(v, len, bad[b])) return 1;
    for (size_t c = 0; c < sizeof calm / sizeof *calm; c++)
      if (prefix_ci(v, len, calm[c])) return -1;
    return 0;
  }
  return 0;
}

static lw_severity bump(lw_severity s, int up) {
  if (up && s < LW_SEV_HIGH) return (lw_severity)(s + 1);
  return s;
}

/* ------------------------------------------------------------ emit */

static void emit(lw_anomaly *d, const lw_alert *a) {
  d->n_alerts++;
  d->fn(d->ud, a);
}

static void fill_evidence(lw_anomaly *d, lw_alert *a, const char *src,
                          const ev_slot *evs, size_t n) {
  for (size_t i = 0; i < n; i++)
    d->scratch[i] = (lw_evidence){src, evs[i].line, evs[i].ts_ms, evs[i].text};
  a->evidence = d->scratch, a->n_evidence = n;
}

/* The lw_alert view of an open alert (evidence in d->scratch). */
static void open_to_alert(lw_anomaly *d, const open_alert *oa, lw_alert *out) {
  src_state *s = &d->src[oa->src];
  tpl_state *t = tpl_get(s, oa->tid, 0);
  tpl_state *p = oa->kind == LW_ALERT_RARE_SEQUENCE ? tpl_get(s, oa->prev, 0)
                                                    : NULL;
  lw_alert a = {0};
  a.uid = oa->uid, a.open = 1;
  a.kind = oa->kind, a.severity = oa->severity;
  a.source = s->name, a.host = oa->host ? oa->host : "";
  a.template_id = oa->tid, a.template_text = t && t->text ? t->text : "";
  a.prev_template_id = oa->prev;
  a.prev_template_text = p ? (p->text ? p->text : "") : NULL;
  a.t_first_ms = oa->t_first, a.t_last_ms = oa->t_last;
  a.detected_ms = oa->detected;
  a.line_first = oa->line_first, a.line_last = oa->line_last;
  a.count = oa->count;
  a.seq_prob = oa->prob, a.seq_prev_total = oa->prev_total;
  fill_evidence(d, &a, s->name, oa->evs, oa->n_evs);
  *out = a;
}

static void emit_open(lw_anomaly *d, open_alert *oa) {
  lw_alert a;
  open_to_alert(d, oa, &a);
  a.open = 0;
  tpl_state *t = tpl_get(&d->src[oa->src], oa->tid, 0);
  if (t && t->open_new == oa) t->open_new = NULL;
  emit(d, &a);
}

/* Emit and drop open alert i (swap-remove). */
static void close_open(lw_anomaly *d, size_t i) {
  open_alert *oa = d->open[i];
  emit_open(d, oa);
  d->open[i] = d->open[--d->n_open];
  open_free(oa, d->o.max_evidence);
}

static void recompute_min_end(lw_anomaly *d) {
  d->min_window_end = INT64_MAX;
  for (size_t i = 0; i < d->n_open; i++)
    if (d->open[i]->window_end < d->min_window_end)
      d->min_window_end = d->open[i]->window_end;
}

/* Emit the open alerts of source s whose window ended by time t. */
static void close_windows(lw_anomaly *d, size_t s, int64_t t) {
  if (t < d->min_window_end) return;
  for (size_t i = 0; i < d->n_open;) {
    if (d->open[i]->src == s && d->open[i]->window_end <= t)
      close_open(d, i);
    else
      i++;
  }
  recompute_min_end(d);
}

/* ------------------------------------------------------------ bursts */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double quantile(const double *v, size_t n, double q) {
  double pos = q * (double)(n - 1);
  size_t lo = (size_t)pos;
  if (lo + 1 >= n) return v[n - 1];
  return v[lo] + (pos - (double)lo) * (v[lo + 1] - v[lo]);
}

static void hist_push(lw_anomaly *d, tpl_state *t, uint32_t c) {
  t->hist[t->hist_pos] = c;
  t->hist_pos = (t->hist_pos + 1) % d->o.history;
  if (t->hist_n < d->o.history) t->hist_n++;
}

/* Baseline from the history: median, quartiles, threshold. */
static void baseline(lw_anomaly *d, tpl_state *t) {
  size_t n = t->hist_n;
  t->thr_valid = n >= d->o.min_history;
  if (!t->thr_valid) return;
  double *v = d->sort_buf;
  for (size_t i = 0; i < n; i++) v[i] = t->hist[i];
  qsort(v, n, sizeof *v, cmp_double);
  t->med = quantile(v, n, 0.5);
  t->q1 = quantile(v, n, 0.25), t->q3 = quantile(v, n, 0.75);
  for (size_t i = 0; i < n; i++) v[i] = fabs(v[i] - t->med);
  qsort(v, n, sizeof *v, cmp_double);
  double mad = 1.4826 * quantile(v, n, 0.5);
  if (mad < 1.0) mad = 1.0;
  t->thr = ceil(t->med + d->o.k * mad);
  if (t->thr < (double)d->o.min_count) t->thr = (double)d->o.min_count;
}

static lw_severity burst_severity(const tpl_state *t) {
  double ratio = (double)t->cur_count / (t->thr > 1 ? t->thr : 1);
  lw_severity s = ratio >= 10 ? LW_SEV_HIGH
                  : ratio >= 3 ? LW_SEV_MEDIUM : LW_SEV_LOW;
  return bump(s, t->alarming);
}

/* The burst alert of template id's open bucket (evidence in d->scratch). */
static void burst_alert(lw_anomaly *d, size_t si, uint32_t id,
                        const tpl_state *t, lw_alert *out) {
  src_state *s = &d->src[si];
  lw_alert a = {0};
  a.uid = t->burst_uid, a.open = t->bucket_open;
  a.kind = LW_ALERT_BURST, a.severity = burst_severity(t);
    a.source = s->name, a.host = "";
    a.template_id = id, a.template_text = t->text ? t->text : "";
    a.t_first_ms = t->t_first, a.t_last_ms = t->t_last;
    a.detected_ms = t->crossed_t;
    a.line_first = t->line_first, a.line_last = t->line_last;
    a.count = t->cur_count;
    a.base_median = t->med, a.base_q1 = t->q1, a.base_q3 = t->q3;
    a.threshold = t->thr;
  a.bucket_ms = s->mode == 1 ? d->o.bucket_ms : 0;
  fill_evidence(d, &a, s->name, t->evs, t->n_evs);
  *out = a;
}

/* The bucket of template id in source si ended: alert when it burst. */
static void bucket_close(lw_anomaly *d, size_t si, uint32_t id, tpl_state *t) {
  if (t->burst_uid) {
    lw_alert a;
    t->bucket_open = 0;
    burst_alert(d, si, id, t, &a);
    emit(d, &a);
    t->burst_uid = 0;
  }
  hist_push(d, t, t->cur_count > UINT32_MAX ? UINT32_MAX : (uint32_t)t->cur_count);
  t->last_pushed = t->cur_bucket;
  t->bucket_open = 0;
}

/* The source clock reached bucket b: close every earlier open bucket. */
static void advance_clock(lw_anomaly *d, size_t si, int64_t b) {
  src_state *s = &d->src[si];
  if (b <= s->clock_bucket) return;
  for (size_t id = 0; id < s->n_tpl; id++) {
    tpl_state *t = s->tpl[id];
    if (t && t->bucket_open && t->cur_bucket < b)
      bucket_close(d, si, (uint32_t)id, t);
  }
  s->clock_bucket = b;
}

/* Count the event into its template's bucket b. */
static int burst_count(lw_anomaly *d, tpl_state *t, int64_t b, int64_t tm,
                       const lw_event *ev) {
  if (!t->hist && !(t->hist = calloc(d->o.history, sizeof *t->hist)))
    return LOTSE_ENOMEM;
  if (!t->bucket_open) {
    if (t->last_pushed == INT64_MIN) t->last_pushed = b - 1;
    int64_t gap = b - t->last_pushed - 1;
    if (gap > (int64_t)d->o.history) gap = (int64_t)d->o.history;
    for (int64_t i = 0; i < gap; i++) hist_push(d, t, 0);
    t->bucket_open = 1, t->cur_bucket = b, t->cur_count = 0;
    t->n_evs = 0, t->crossed_t = 0, t->alarming = 0, t->burst_uid = 0;
    t->line_first = ev->line, t->t_first = tm;
    baseline(d, t);
  }
  t->cur_count++;
  t->line_last = ev->line, t->t_last = tm;
  if (d->level > 0) t->alarming = 1;
  if (t->thr_valid && !t->burst_uid && (double)t->cur_count >= t->thr)
    t->crossed_t = tm, t->burst_uid = ++d->next_uid;
  return evidence_add(&t->evs, &t->n_evs, d->o.max_evidence, ev,
                      d->o.max_text);
}

/* ------------------------------------------------------------ open alerts */

static open_alert *open_new_alert(lw_anomaly *d, lw_alert_kind kind,
                                  size_t si, uint32_t tid, int64_t tm,
                                  const lw_event *ev) {
  if (d->n_open == MAX_OPEN) { /* close the oldest early */
    size_t old = 0;
    for (size_t i = 1; i < d->n_open; i++)
      if (d->open[i]->t_first < d->open[old]->t_first) old = i;
    close_open(d, old);
    recompute_min_end(d);
  }
  open_alert *oa = calloc(1, sizeof *oa);
  if (!oa) return NULL;
  oa->uid = ++d->next_uid;
  oa->kind = kind, oa->src = si, oa->tid = tid;
  oa->t_first = oa->t_last = oa->detected = tm;
  oa->line_first = oa->line_last = ev->line;
  oa->window_end = tm + (d->src[si].mode == 1 ? d->o.window_ms
                                             : (int64_t)d->o.bucket_events);
  d->open[d->n_open++] = oa;
  if (oa->window_end < d->min_window_end) d->min_window_end = oa->window_end;
  return oa;
}

static int open_add(lw_anomaly *d, open_alert *oa, int64_t tm,
                    const lw_event *ev) {
  oa->count++;
  if (tm > oa->t_last) oa->t_last = tm;
  /* sliding: the window ends `window` after the latest line, at most
   * max_open after the first */
  int64_t w = d->src[oa->src].mode == 1 ? d->o.window_ms
                                        : (int64_t)d->o.bucket_events;
  int64_t end = oa->t_last + w, cap = oa->t_first + d->o.max_open_ms;
  if (d->src[oa->src].mode == 1 && end > cap) end = cap;
  if (end > oa->window_end) oa->window_end = end;
  if (ev->line > oa->line_last) oa->line_last = ev->line;
  if (!oa->alarming && d->level > 0)
    oa->alarming = 1, oa->severity = bump(oa->severity, 1);
  return evidence_add(&oa->evs, &oa->n_evs, d->o.max_evidence, ev,
                      d->o.max_text);
}

/* Severity of a new open alert from its first event's level: errors one
 * step up (and remembered), informational levels one step down. */
static void open_severity(open_alert *oa, int level, lw_severity base) {
  oa->severity = base;
  if (level > 0)
    oa->alarming = 1, oa->severity = bump(base, 1);
  else if (level < 0 && base > LW_SEV_LOW)
    oa->severity = (lw_severity)(base - 1);
}

/* ------------------------------------------------------------ sequences */

static uint64_t host_hash(const char *h, size_t n) {
  uint64_t x = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) x = (x ^ (unsigned char)h[i]) * 1099511628211ULL;
  return x;
}

/* The open rare-sequence alert of (source, host, prev → cur), or NULL. */
static open_alert *find_seq_open(lw_anomaly *d, size_t si, uint32_t prev,
                                 uint32_t cur, const char *host, size_t hl) {
  for (size_t i = 0; i < d->n_open; i++) {
    open_alert *oa = d->open[i];
    const char *oh = oa->host ? oa->host : "";
    if (oa->kind == LW_ALERT_RARE_SEQUENCE && oa->src == si &&
        oa->tid == cur && oa->prev == prev && strlen(oh) == hl &&
        (!hl || !memcmp(oh, host, hl)))
      return oa;
  }
  return NULL;
}

static int sequence_step(lw_anomaly *d, size_t si, uint32_t cur, int64_t tm,
                         const lw_event *ev) {
  src_state *s = &d->src[si];
  size_t hl = 0;
  const char *host = *d->o.group_field
                         ? lw_event_get(ev, d->o.group_field, &hl) : NULL;
  uint64_t gkey = host_hash(host ? host : "", hl) ^ ((uint64_t)si << 48);
  uint64_t *pv = map_slot(&d->prev, gkey, 1);
  if (!pv) return LOTSE_ENOMEM;
  uint64_t prev_plus = *pv;
  *pv = (uint64_t)cur + 1;
  if (!prev_plus || cur >= SEQ_ID_LIMIT || prev_plus - 1 >= SEQ_ID_LIMIT)
    return 0;
  uint32_t prev = (uint32_t)(prev_plus - 1);
  tpl_state *pt = tpl_get(s, prev, 0), *ct = tpl_get(s, cur, 0);
  if (!pt || !ct) return 0;
  uint64_t tkey = ((uint64_t)si << 48) | ((uint64_t)prev << 24) | cur;
  uint64_t *cnt = map_slot(&d->trans, tkey, 1);
  if (!cnt) return LOTSE_ENOMEM;
  double prob = pt->out_total ? (double)*cnt / (double)pt->out_total : 1.0;
  /* add-one smoothing: a transition never seen after n observations is
   * only "below p" once n is large enough to say so (n + 1 > 1 / p) */
  double smoothed = (double)(*cnt + 1) / (double)(pt->out_total + 1);
  int rare = s->events >= d->o.warmup_events && !ct->open_new &&
             pt->out_total >= d->o.seq_min_prev &&
             ct->seen >= d->o.seq_min_cur && smoothed < d->o.seq_max_prob;
  uint64_t prev_total = pt->out_total;
  (*cnt)++, pt->out_total++;
  if (!rare) return 0;
  open_alert *oa = find_seq_open(d, si, prev, cur, host, hl);
  if (oa) return open_add(d, oa, tm, ev);
  oa = open_new_alert(d, LW_ALERT_RARE_SEQUENCE, si, cur, tm, ev);
  if (!oa) return LOTSE_ENOMEM;
  oa->prev = prev, oa->prob = prob, oa->prev_total = prev_total;
  open_severity(oa, d->level, LW_SEV_LOW);
  if (host && !(oa->host = lotse_strndup(host, hl))) return LOTSE_ENOMEM;
  return open_add(d, oa, tm, ev);
}

/* ------------------------------------------------------------ feed */

/* Event time in the source's unit (ms, or ticks without timestamps). */
static int64_t event_time(src_state *s, const lw_event *ev) {
  if (!s->mode) s->mode = ev->ts_ms > 0 ? 1 : 2;
  if (s->mode == 2) return (int64_t)s->events;
  if (ev->ts_ms > 0) s->last_t = ev->ts_ms;
  return s->last_t;
}

int lw_anomaly_seed(lw_anomaly *d, const char *source, uint32_t template_id,
                    uint64_t count) {
  if (template_id >= LW_ANOMALY_MAX_TEMPLATES) return LOTSE_ELIMIT;
  size_t si;
  src_state *s = src_get(d, source, &si);
  tpl_state *t = s ? tpl_get(s, template_id, 1) : NULL;
  if (!t) return LOTSE_ENOMEM;
  t->seen += count ? count : 1;
  s->events += count;
  return 0;
}

int lw_anomaly_mark_known(lw_anomaly *d, const char *source,
                          uint32_t template_id) {
  if (template_id >= LW_ANOMALY_MAX_TEMPLATES) return LOTSE_ELIMIT;
  size_t si;
  src_state *s = src_get(d, source, &si);
  if (!s) return LOTSE_ENOMEM;
  if (tpl_get(s, template_id, 0)) return 0;
  if (!tpl_get(s, template_id, 1)) return LOTSE_ENOMEM;
  if (s->events < d->o.warmup_events) s->events = d->o.warmup_events;
  return 0;
}

static int feed_template(lw_anomaly *d, tpl_state *t, const char *text) {
  if (!text) return 0;
  size_t n = strlen(text);
  if (t->text && !strcmp(t->text, text)) return 0;
  return copy_text(&t->text, &t->text_cap, text, n, d->o.max_text);
}

int lw_anomaly_feed(lw_anomaly *d, const lw_event *ev, uint32_t template_id,
                    const char *template_text) {
  if (template_id >= LW_ANOMALY_MAX_TEMPLATES) return LOTSE_ELIMIT;
  size_t si;
  src_state *s = src_get(d, ev->source, &si);
  if (!s) return LOTSE_ENOMEM;
  int64_t tm = event_time(s, ev);
  d->level = event_level(ev);
  int64_t width = s->mode == 1 ? d->o.bucket_ms : (int64_t)d->o.bucket_events;
  int64_t b = (tm < 0 ? 0 : tm) / width;
  if (s->events == 0 && s->clock_bucket == 0) s->clock_bucket = b;
  if (tm > s->clock_t) s->clock_t = tm;
  advance_clock(d, si, b);
  close_windows(d, si, s->clock_t);
  if (b < s->clock_bucket) b = s->clock_bucket; /* late event: current bucket */
  int is_new = !tpl_get(s, template_id, 0);
  tpl_state *t = tpl_get(s, template_id, 1);
  if (!t || feed_template(d, t, template_text)) return LOTSE_ENOMEM;
  int rc = 0;
  if (is_new && s->events >= d->o.warmup_events) {
    open_alert *oa = open_new_alert(d, LW_ALERT_NEW_TEMPLATE, si, template_id,
                                    tm, ev);
    if (!oa) return LOTSE_ENOMEM;
    open_severity(oa, d->level, LW_SEV_MEDIUM);
    t->open_new = oa;
    rc = open_add(d, oa, tm, ev);
  } else if (t->open_new) {
    rc = open_add(d, t->open_new, tm, ev);
  }
  if (!rc) rc = sequence_step(d, si, template_id, tm, ev);
  if (!rc) rc = burst_count(d, t, b, tm, ev);
  t->seen++;
  s->events++;
  return rc;
}

int lw_anomaly_flush(lw_anomaly *d) {
  for (size_t si = 0; si < d->n_src; si++) {
    src_state *s = &d->src[si];
    advance_clock(d, si, s->clock_bucket + 1);
    s->clock_bucket--; /* the open bucket stays the current one */
  }
  while (d->n_open) close_open(d, d->n_open - 1);
  recompute_min_end(d);
  return 0;
}

void lw_anomaly_each_open(lw_anomaly *d, lw_alert_fn fn, void *ud) {
  lw_alert a;
  for (size_t i = 0; i < d->n_open; i++) {
    open_to_alert(d, d->open[i], &a);
    fn(ud, &a);
  }
  for (size_t si = 0; si < d->n_src; si++) {
    src_state *s = &d->src[si];
    for (size_t id = 0; id < s->n_tpl; id++) {
      tpl_state *t = s->tpl[id];
      if (!t || !t->bucket_open || !t->burst_uid) continue;
      burst_alert(d, si, (uint32_t)id, t, &a);
      fn(ud, &a);
    }
  }
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/ingest.c — the ingestion pipeline: source → event →
 * template miner → store (contract in ingest.h).
 *
 * Invariants: (1) every record is counted once, as an event or as
 * malformed (lines = events + malformed per source); (2) a template's
 * store id is assigned the first time its cluster is seen and never
 * changes; clusters restored from logwatch.db keep their ids; (3) callbacks
 * see events in input order, after mining; (4) file/stdin runs commit once,
 * at the end, so a failing run leaves logwatch.db as it was.
 */
#include "analytics/logwatch/ingest_internal.h"
#include "analytics/logwatch/syslog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const input_names[] = {"auto", "lines", "syslog", "jsonl",
                                          "journald"};

int lw_input_parse(const char *name) {
  for (int i = 0; i < 5; i++)
    if (name && !strcmp(name, input_names[i])) return i;
  return -1;
}

const char *lw_input_name(int input) {
  return input >= 0 && input < 5 ? input_names[input] : "?";
}

int lw_run_done(const lw_run *r) {
  return (r->o->max_events && r->records >= r->o->max_events) ||
         (r->o->stop && *r->o->stop);
}

static int64_t wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------- timestamps */

static int digits(const char *p, size_t n, int *v) {
  *v = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') return -1;
    *v = *v * 10 + (p[i] - '0');
  }
  return 0;
}

static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* "yymmdd hhmmss" (HDFS) at p: 0 and f[6] filled, else -1. */
static int hdfs_fields(const char *p, size_t n, int f[6]) {
  int d, t;
  if (n < 13 || p[6] != ' ' || digits(p, 6, &d) || digits(p + 7, 6, &t))
    return -1;
  f[0] = 2000 + d / 10000, f[1] = d / 100 % 100, f[2] = d % 100;
  f[3] = t / 10000, f[4] = t / 100 % 100, f[5] = t % 100;
  return 0;
}

/* "YYYY-MM-DD[T ]HH:MM:SS" (also '.' or '/' in the date) at p. */
static int iso_fields(const char *p, size_t n, int f[6]) {
  static const unsigned char at[6] = {0, 5, 8, 11, 14, 17};
  if (n < 19 || (p[4] != '-' && p[4] != '.' && p[4] != '/') || p[7] != p[4] ||
      (p[10] != 'T' && p[10] != ' ' && p[10] != '-') || p[13] != ':' ||
      p[16] != ':')
    return -1;
  for (int i = 0; i < 6; i++)
    if (digits(p + at[i], i ? 2 : 4, &f[i])) return -1;
  return 0;
}

/* Fraction and offset after the seconds at p[i]: added to ms. */
static int64_t frac_offset(const char *p, size_t n, size_t i, int64_t ms) {
  if (i < n && (p[i] == '.' || p[i] == ',')) {
    int scale = 100;
    for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++, scale /= 10)
      ms += (p[i] - '0') * scale;
  }
  int h, mi;
  if (i + 6 <= n && (p[i] == '+' || p[i] == '-') && p[i + 3] == ':' &&
      !digits(p + i + 1, 2, &h) && !digits(p + i + 4, 2, &mi))
    ms -= (p[i] == '-' ? -1 : 1) * (h * 60 + mi) * 60000LL;
  return ms;
}

/* Lenient event times: epoch seconds/ms ("1117838570", "1700000000123"),
 * "YYYY-MM-DD[T ]HH:MM:SS[.,frac][Z|±HH:MM]" (no offset: UTC), also with
 * '.' or '/' in the date, and "yymmdd hhmmss" (HDFS). 0 when not a time. */
static int64_t parse_time(const char *p, size_t n) {
  while (n && (*p == ' ' || *p == '[')) p++, n--;
  size_t k = 0;
  while (k < n && p[k] >= '0' && p[k] <= '9') k++;
  if ((k == 10 || k == 13) && (k == n || p[k] == '.')) {
    int64_t e = strtoll(p, NULL, 10);
    return k == 10 ? e * 1000 : e;
  }
  int f[6];
  size_t i = 19;
  if (k == 6 && !hdfs_fields(p, n, f)) i = 13;
  else if (k != 4 || iso_fields(p, n, f)) return 0;
  if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
      f[4] > 59 || f[5] > 60)
    return 0;
  int64_t ms = ((days_from_civil(f[0], f[1], f[2]) * 24 + f[3]) * 60 + f[4]) *
                   60000LL + f[5] * 1000LL;
  return frac_offset(p, n, i, ms);
}

static const char *field_ci(const lw_field *f, size_t n, const char *name,
                            size_t *vn) {
  for (size_t i = 0; i < n; i++)
    if (!strcasecmp(f[i].name, name)) {
      *vn = f[i].value_len;
      return f[i].value;
    }
  return NULL;
}

/* The time of an event from its header/JSON fields, 0 when unknown. */
static int64_t fields_time(const lw_field *f, size_t n) {
  static const char *const one[] = {"Timestamp", "@timestamp", "time", "ts",
                                    "Datetime", "Event.System.TimeCreated.SystemTime",
                                    "UtcTime"};
  size_t vn = 0, tn = 0;
  for (size_t k = 0; k < sizeof one / sizeof one[0]; k++) {
    const char *v = field_ci(f, n, one[k], &vn);
    int64_t t = v ? parse_time(v, vn) : 0;
    if (t) return t;
  }
  const char *d = field_ci(f, n, "Date", &vn);
  const char *t = field_ci(f, n, "Time", &tn);
  if (!d || !t || vn + tn + 2 > 96) return 0;
  char buf[96];
  memcpy(buf, d, vn);
  buf[vn] = ' ';
  memcpy(buf + vn + 1, t, tn);
  return parse_time(buf, vn + 1 + tn);
}

/* ------------------------------------------------------------ records */

static int malformed(lw_run *r, lw_src *s, const char *p, size_t n) {
  s->malformed++, s->lines++, r->records++;
  r->stats->malformed++, r->stats->lines++;
  int rc = lw_store_malformed_add(r->st, s->id, s->line, p, n, r->err);
  if (rc) return rc;
  if (r->o->on_event) {
    lw_field f = {"message", p, n};
    lw_event ev = {.source = s->name, .line = s->line, .message = p,
                   .message_len = n, .fields = &f, .n_fields = 1,
                   .malformed = 1};
    r->o->on_event(r->o->ud, &ev, 0, NULL, 0);
  }
  return 0;
}

static int tmpl_slot(lw_src *s, uint32_t cid) {
  if (cid < s->n_t) return 0;
  size_t n = s->n_t ? s->n_t : 64;
  while (n <= cid) n *= 2;
  lw_tmpl *t = realloc(s->t, n * sizeof *t);
  if (!t) return LOTSE_ENOMEM;
  memset(t + s->n_t, 0, (n - s->n_t) * sizeof *t);
  s->t = t, s->n_t = n;
  return 0;
}

/* A new cluster whose template equals one restored from the store (the
 * miner may route a seeded template differently from the message that made
 * it) keeps the stored id; 0 when there is none. New clusters are rare, so
 * a scan is cheap. */
static int64_t known_id(const lw_src *s, uint32_t cid) {
  const char *text = lw_drain_template(s->drain, cid);
  for (size_t i = 0; text && i < s->n_t; i++) {
    if (i == cid || !s->t[i].store_id) continue;
    const char *other = lw_drain_template(s->drain, (uint32_t)i);
    if (other && !strcmp(other, text)) return s->t[i].store_id;
  }
  return 0;
}

/* Mine ev->message, count it, call back. */
static int event(lw_run *r, lw_src *s, lw_event *ev) {
  uint32_t cid;
  int is_new_cluster;
  int rc = lw_drain_add(s->drain, ev->message, ev->message_len, &cid,
                        &is_new_cluster);
  if (rc == LOTSE_ETOOBIG) return malformed(r, s, ev->message, ev->message_len);
  if (rc) return lotse_err_set(r->err, rc, "Mustererkennung: %s",
                               lotse_strerror(rc));
  if ((rc = tmpl_slot(s, cid))) return lotse_err_set(r->err, rc, "out of memory");
  lw_tmpl *t = &s->t[cid];
  int is_new = 0;
  if (!t->store_id && !(t->store_id = known_id(s, cid))) {
    t->store_id = s->next_tid++;
    is_new = 1;
    r->stats->new_templates++;
  }
  int64_t when = ev->ts_ms ? ev->ts_ms : wall_ms();
  if (!t->pending || when < t->first_ms) t->first_ms = when;
  if (!t->pending || when > t->last_ms) t->last_ms = when;
  t->pending++;
  s->events++, s->lines++, r->records++;
  r->stats->events++, r->stats->lines++;
  if (r->o->on_event)
    r->o->on_event(r->o->ud, ev, (uint32_t)t->store_id,
                   lw_drain_template(s->drain, cid), is_new);
  return 0;
}

static int record_syslog(lw_run *r, lw_src *s, lw_event *ev, const char *p,
                         size_t n) {
  lw_syslog sl;
  if (lw_syslog_parse(p, n, &sl)) return malformed(r, s, p, n);
  ev->ts_ms = sl.ts_ms;
  ev->message = sl.message.p, ev->message_len = sl.message.n;
  ev->n_fields = lw_syslog_fields(&sl, r->fields, LW_INGEST_MAX_FIELDS,
                                  r->scratch, sizeof r->scratch);
  return event(r, s, ev);
}

static int record_jsonl(lw_run *r, lw_src *s, lw_event *ev, const char *p,
                        size_t n) {
  const lw_field *f;
  size_t nf;
  int rc = lw_jsonl_parse(s->jsonl, p, n, &f, &nf);
  if (rc < 0) return lotse_err_set(r->err, rc, "out of memory");
  if (rc) return malformed(r, s, p, n);
  const lw_field *m = lw_jsonl_message(f, nf, r->o->message_field);
  ev->message = m ? m->value : p, ev->message_len = m ? m->value_len : n;
  ev->fields = f, ev->n_fields = nf;
  ev->ts_ms = fields_time(f, nf);
  return event(r, s, ev);
}

static int record_lines(lw_run *r, lw_src *s, lw_event *ev, const char *p,
                        size_t n) {
  size_t nf = 0;
  const char *c = p;
  size_t cn = n;
  if (s->fmt) {
    int rc = lw_format_match(s->fmt, p, n, r->fields, LW_INGEST_MAX_FIELDS - 1,
                             &nf, &c, &cn);
    if (rc < 0) return lotse_err_set(r->err, rc, "Kopfzeilenmuster: %s",
                                     lotse_strerror(rc));
    if (rc == 0) return malformed(r, s, p, n);
    ev->ts_ms = fields_time(r->fields, nf);
  }
  r->fields[nf++] = (lw_field){"message", c, cn};
  ev->message = c, ev->message_len = cn, ev->n_fields = nf;
  return event(r, s, ev);
}

/* Decide the input of an AUTO source from its first record. */
static int sniff(const char *p, size_t n) {
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
  if (i < n && p[i] == '{') return LW_INPUT_JSONL;
  size_t k = 0;
  while (k < n && ((p[k] >= 'A' && p[k] <= 'Z') || p[k] == '_' ||
                   (k && p[k] >= '0' && p[k] <= '9')))
    k++;
  if (k && k < n && p[k] == '=') return LW_INPUT_JOURNALD;
  lw_syslog sl;
  return lw_syslog_parse(p, n, &sl) ? LW_INPUT_LINES : LW_INPUT_SYSLOG;
}

int lw_run_record(lw_run *r, lw_src *s, const char *p, size_t n) {
  while (n && (p[n - 1] == '\n' || p[n - 1] == '\r')) n--;
  s->line++;
  if (!n) return 0; /* empty lines are not records */
  if (n > LW_INGEST_MAX_LINE) return malformed(r, s, p, n);
  lw_event ev = {.source = s->name, .line = s->line, .fields = r->fields};
  switch (s->input) {
  case LW_INPUT_SYSLOG: return record_syslog(r, s, &ev, p, n);
  case LW_INPUT_JSONL: return record_jsonl(r, s, &ev, p, n);
  default: return record_lines(r, s, &ev, p, n);
  }
}

static int journald_input(lw_run *r, lw_src *s, FILE *in) {
  for (;;) {
    if (lw_run_done(r)) return 0;
    const lw_field *f;
    size_t nf;
    int rc = lw_journald_read(s->jd, in, &f, &nf);
    if (rc == 2) return 0;
    if (rc < 0) return lotse_err_set(r->err, rc, "Journal lesen: %s",
                                     lotse_strerror(rc));
    s->line++;
    if (rc == 1) {
      if ((rc = malformed(r, s, "(fehlerhafter Journal-Eintrag)", 30)))
        return rc;
      continue;
    }
    lw_event ev = {.source = s->name, .line = s->line, .fields = f,
                   .n_fields = nf, .ts_ms = lw_journald_ts_ms(s->jd)};
    lw_event probe = ev;
    size_t mn;
    const char *m = lw_event_get(&probe, "message", &mn);
    ev.message = m ? m : "", ev.message_len = m ? mn : 0;
    if ((rc = event(r, s, &ev))) return rc;
  }
}

/* A stream that yields the bytes already read from a pipe, then the pipe
 * itself (fopencookie), so the journal reader sees the whole input. */
typedef struct pushback {
  const char *p;
  size_t n, off;
  FILE *rest;
} pushback_t;

static ssize_t pushback_read(void *c, char *buf, size_t size) {
  pushback_t *pb = c;
  if (pb->off < pb->n) {
    size_t k = pb->n - pb->off < size ? pb->n - pb->off : size;
    memcpy(buf, pb->p + pb->off, k);
    pb->off += k;
    return (ssize_t)k;
  }
  size_t k = fread(buf, 1, size, pb->rest);
  return k == 0 && ferror(pb->rest) ? -1 : (ssize_t)k;
}

static int journald_pipe(lw_run *r, lw_src *s, const char *head, size_t n,
                         FILE *rest) {
  pushback_t pb = {head, n, 0, rest};
  cookie_io_functions_t io = {.read = pushback_read};
  FILE *in = fopencookie(&pb, "r", io);
  if (!in) return lotse_err_set(r->err, LOTSE_ENOMEM, "out of memory");
  int rc = journald_input(r, s, in);
  fclose(in);
  return rc;
}

/* ------------------------------------------------------------ sources */

static int seed_one(void *ud, const lw_store_template *t) {
  lw_src *s = ud;
  uint32_t cid;
  int rc = lw_drain_seed(s->drain, t->text, t->count, &cid);
  if (rc) return rc;
  if ((rc = tmpl_slot(s, cid))) return rc;
  if (!s->t[cid].store_id) s->t[cid].store_id = t->id;
  if (t->id >= s->next_tid) s->next_tid = t->id + 1;
  return 0;
}

static void src_free(lw_src *s) {
  if (!s) return;
  free(s->name);
  lw_drain_free(s->drain);
  free(s->t);
  lw_format_free(s->fmt);
  lw_jsonl_free(s->jsonl);
  lw_journald_free(s->jd);
  free(s);
}

static char *default_name(const lw_source_spec *sp) {
  if (sp->name) return lotse_strdup(sp->name);
  if (sp->listen) return lotse_strdup(sp->listen);
  if (!strcmp(sp->path, "-")) return lotse_strdup("stdin");
  char *abs = lotse_path_abs(sp->path);
  return abs ? abs : lotse_strdup(sp->path);
}

/* Parsers for s->input (idempotent). */
static int src_parsers(lw_src *s, const char *format, lotse_err_t *err) {
  if (s->input == LW_INPUT_LINES && format && !s->fmt) {
    int rc = lw_format_compile(format, &s->fmt, err);
    if (rc) return rc;
  }
  if (s->input == LW_INPUT_JSONL && !s->jsonl && !(s->jsonl = lw_jsonl_new()))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (s->input == LW_INPUT_JOURNALD && !s->jd && !(s->jd = lw_journald_new()))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return 0;
}

static int src_open(lw_run *r, const lw_source_spec *sp, lw_src **out) {
  lw_src *s = calloc(1, sizeof *s);
  int rc = 0;
  if (!s || !(s->name = default_name(sp))) {
    rc = lotse_err_set(r->err, LOTSE_ENOMEM, "out of memory");
    goto out;
  }
  s->input = sp->listen && sp->input == LW_INPUT_AUTO ? LW_INPUT_SYSLOG
                                                       : sp->input;
  if (sp->format && s->input == LW_INPUT_AUTO) s->input = LW_INPUT_LINES;
  s->next_tid = 1;
  lw_drain_opts zero = {0};
  s->drain = lw_drain_new(r->o->drain ? r->o->drain : &zero, r->err);
  if (!s->drain) {
    rc = r->err && r->err->code ? r->err->code : LOTSE_EINVAL;
    goto out;
  }
  if ((rc = src_parsers(s, sp->format, r->err))) goto out;
  const char *kind = sp->listen ? sp->listen : lw_input_name(s->input);
  if ((rc = lw_store_source(r->st, s->name, kind, &s->id, r->err))) goto out;
  rc = lw_store_templates_each(r->st, s->id, seed_one, s, r->err);
  if (rc && !r->err->msg[0])
    lotse_err_set(r->err, rc, "gespeicherte Muster von '%s' nicht lesbar",
                  s->name);
out:
  if (rc) {
    src_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

/* ------------------------------------------------------------- commits */

static int flush_src(lw_run *r, lw_src *s) {
  int rc = lw_store_source_count(r->st, s->id, s->lines, s->events,
                                 s->malformed, r->err);
  for (size_t i = 0; !rc && i < s->n_t; i++) {
    lw_tmpl *t = &s->t[i];
    if (!t->pending) continue;
    lw_store_template tt = {.id = t->store_id,
                            .text = lw_drain_template(s->drain, (uint32_t)i),
                            .first_ms = t->first_ms, .last_ms = t->last_ms};
    if (!tt.text) tt.text = "";
    rc = lw_store_template_put(r->st, s->id, &tt, t->pending, r->err);
    t->pending = 0;
  }
  if (!rc && s->malformed)
    rc = lw_store_malformed_trim(r->st, s->id, r->o->malformed_keep, r->err);
  s->lines = s->events = s->malformed = 0;
  return rc;
}

int lw_run_commit(lw_run *r, lw_src *const *srcs, size_t n, int reopen) {
  int rc = 0;
  for (size_t i = 0; !rc && i < n; i++) rc = flush_src(r, srcs[i]);
  if (!rc && r->o->on_commit) rc = r->o->on_commit(r->o->ud, r->st, r->err);
  if (!rc) rc = lw_store_commit(r->st, r->err);
  if (!rc && reopen) rc = lw_store_begin(r->st, r->err);
  return rc;
}

/* --------------------------------------------------------------- files */

static int file_input(lw_run *r, lw_src *s, const lw_source_spec *sp) {
  int is_stdin = !strcmp(sp->path, "-");
  FILE *in = is_stdin ? stdin : fopen(sp->path, "rb");
  if (!in)
    return lotse_err_set(r->err, LOTSE_EIO, "'%s' lässt sich nicht lesen: %s",
                         sp->path, strerror(errno));
  s->line = 0;
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int rc = 0;
  if (s->input == LW_INPUT_AUTO) {
    len = getline(&line, &cap, in);
    s->input = len > 0 ? sniff(line, (size_t)len) : LW_INPUT_LINES;
    if ((rc = src_parsers(s, NULL, r->err)) ||
        (rc = lw_store_source(r->st, s->name, lw_input_name(s->input), &s->id,
                              r->err)))
      goto out;
    if (s->input == LW_INPUT_JOURNALD && fseek(in, 0, SEEK_SET)) {
      /* a pipe cannot rewind: read the sniffed line first, then the rest */
      rc = journald_pipe(r, s, line, (size_t)len, in);
      goto out;
    }
    if (s->input != LW_INPUT_JOURNALD && len > 0 &&
        (rc = lw_run_record(r, s, line, (size_t)len)))
      goto out;
  }
  if (s->input == LW_INPUT_JOURNALD) {
    rc = journald_input(r, s, in);
    goto out;
  }
  while (!lw_run_done(r) && (len = getline(&line, &cap, in)) > 0)
    if ((rc = lw_run_record(r, s, line, (size_t)len))) goto out;
  if (ferror(in) && !(r->o->stop && *r->o->stop)) /* EINTR on a signal */
    rc = lotse_err_set(r->err, LOTSE_EIO, "Lesefehler in '%s'", sp->path);
out:
  free(line);
  if (!is_stdin) fclose(in);
  return rc;
}

/* ----------------------------------------------------------------- run */

static size_t total_templates(lw_src *const *srcs, size_t n) {
  size_t t = 0;
  for (size_t i = 0; i < n; i++) {
    int seen = !srcs[i];
    for (size_t k = 0; k < i && !seen; k++) seen = srcs[k] == srcs[i];
    if (!seen) t += (size_t)(srcs[i]->next_tid - 1);
  }
  return t;
}

static int run_all(lw_run *r, const lw_source_spec *src, size_t n,
                   lw_src **srcs) {
  int rc = lw_store_begin(r->st, r->err);
  for (size_t i = 0; !rc && i < n; i++) {
    /* inputs with the same source name share one miner (rotated files) */
    char *name = default_name(&src[i]);
    if (!name) rc = lotse_err_set(r->err, LOTSE_ENOMEM, "out of memory");
    for (size_t k = 0; !rc && k < i && !srcs[i]; k++)
      if (!strcmp(srcs[k]->name, name)) srcs[i] = srcs[k];
    free(name);
    if (!rc && !srcs[i]) rc = src_open(r, &src[i], &srcs[i]);
  }
  for (size_t i = 0; !rc && i < n; i++)
    if (!src[i].listen && !lw_run_done(r))
      rc = file_input(r, srcs[i], &src[i]);
  const lw_source_spec *nspec[64];
  lw_src *nsrc[64];
  size_t nn = 0;
  for (size_t i = 0; !rc && i < n; i++)
    if (src[i].listen) nspec[nn] = &src[i], nsrc[nn++] = srcs[i];
  if (!rc && !nn) rc = lw_run_commit(r, srcs, n, 0);
  if (!rc && nn) rc = lw_net_serve(r, nspec, nsrc, nn, srcs, n);
  r->stats->templates = total_templates(srcs, n);
  return rc;
}

int lw_ingest_run(lw_store *st, const lw_source_spec *src, size_t n_src,
                  const lw_ingest_opts *o, lw_ingest_stats *stats,
                  lotse_err_t *err) {
  lw_ingest_stats dummy;
  if (!stats) stats = &dummy;
  memset(stats, 0, sizeof *stats);
  if (!n_src || n_src > 64)
    return lotse_err_set(err, LOTSE_EINVAL, "1 bis 64 Quellen angeben");
  for (size_t i = 0; i < n_src; i++) {
    if (!src[i].path == !src[i].listen)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "Quelle %zu: Datei oder --listen angeben", i + 1);
    if (src[i].input < LW_INPUT_AUTO || src[i].input > LW_INPUT_JOURNALD)
      return lotse_err_set(err, LOTSE_EINVAL, "unbekannte Eingabeart");
    int proto, port;
    if (src[i].listen &&
        lw_listen_parse(src[i].listen, &proto, &port, err))
      return LOTSE_EINVAL;
  }
  lw_run *r = calloc(1, sizeof *r);
  lw_src **srcs = calloc(n_src, sizeof *srcs);
  int rc = 0;
  if (!r || !srcs) {
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    goto out;
  }
  lotse_err_t local = {0};
  *r = (lw_run){.st = st, .o = o, .stats = stats, .err = err ? err : &local};
  rc = run_all(r, src, n_src, srcs);
  lw_store_rollback(st); /* no-op after a commit */
  for (size_t i = 0; i < n_src; i++) {
    int shared = 0;
    for (size_t k = 0; k < i; k++) shared |= srcs[k] == srcs[i];
    if (!shared) src_free(srcs[i]);
  }
out:
  free(srcs);
  free(r);
  return rc;
}

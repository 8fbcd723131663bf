/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/kpi.c — KPIs per application from the audit trail: distinct users,
 * calls, refusals by reason, sign-off rate of the drafts and median latency,
 * over a time range (gov/kpi.h).
 *
 * Contract: read-only; one pass over the audit records in the range (memory
 * grows with the distinct (application, actor) pairs and the number of
 * allowed calls, for the median). A call is an allowed or refused gate
 * decision; a refusal record listing sources is the gate withholding those
 * sources from an allowed call (sources_withheld), not a call. The totals
 * count each actor once however many applications they used.
 * The sign-off rate comes from the drafts table of migration 3 when it
 * exists (unknown otherwise), the register counts from the apps table of
 * migration 2 (unknown otherwise).
 * See also: gov/audit.h, gov/review.h, docs/cli/kpi.md, docs/api/kpi.md.
 */
#include "gov/kpi.h"

#include "gov/audit.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* -------------------------------------------------------- accumulators */

/* A set of strings (open addressing, FNV-1a). */
typedef struct strset {
  char **slot;
  size_t cap, n;
} strset_t;

static uint64_t fnv1a(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static int strset_grow(strset_t *set) {
  size_t cap = set->cap ? set->cap * 2 : 16;
  char **slot = calloc(cap, sizeof *slot);
  if (!slot) return LOTSE_ENOMEM;
  for (size_t i = 0; i < set->cap; i++) {
    if (!set->slot[i]) continue;
    size_t j = fnv1a(set->slot[i]) & (cap - 1);
    while (slot[j]) j = (j + 1) & (cap - 1);
    slot[j] = set->slot[i];
  }
  free(set->slot);
  set->slot = slot;
  set->cap = cap;
  return 0;
}

static int strset_add(strset_t *set, const char *s) {
  if ((set->n + 1) * 2 > set->cap && strset_grow(set)) return LOTSE_ENOMEM;
  size_t j = fnv1a(s) & (set->cap - 1);
  while (set->slot[j]) {
    if (!strcmp(set->slot[j], s)) return 0;
    j = (j + 1) & (set->cap - 1);
  }
  if (!(set->slot[j] = lotse_strdup(s))) return LOTSE_ENOMEM;
  set->n++;
  return 0;
}

static void strset_release(strset_t *set) {
  for (size_t i = 0; i < set->cap; i++) free(set->slot[i]);
  free(set->slot);
}

typedef struct acc {
  gov_kpi_app_t k; /* counts, reasons, first/last */
  strset_t actors;
  int64_t *lat;
  size_t nlat, caplat;
} acc_t;

static int acc_reason(acc_t *a, const char *code) {
  if (!code || !*code) code = "unknown";
  for (size_t i = 0; i < a->k.nreasons; i++)
    if (!strcmp(a->k.reasons[i].code, code)) {
      a->k.reasons[i].count++;
      return 0;
    }
  gov_kpi_reason_t *r =
      realloc(a->k.reasons, (a->k.nreasons + 1) * sizeof *r);
  if (!r) return LOTSE_ENOMEM;
  a->k.reasons = r;
  if (!(r[a->k.nreasons].code = lotse_strdup(code))) return LOTSE_ENOMEM;
  r[a->k.nreasons++].count = 1;
  return 0;
}

static int acc_latency(acc_t *a, int64_t ms) {
  if (a->nlat == a->caplat) {
    size_t cap = a->caplat ? a->caplat * 2 : 64;
    int64_t *l = realloc(a->lat, cap * sizeof *l);
    if (!l) return LOTSE_ENOMEM;
    a->lat = l;
    a->caplat = cap;
  }
  a->lat[a->nlat++] = ms;
  return 0;
}

static int acc_add(acc_t *a, const gov_audit_rec_t *r) {
  if (!a->k.first_ms || r->ts_ms < a->k.first_ms) a->k.first_ms = r->ts_ms;
  if (r->ts_ms > a->k.last_ms) a->k.last_ms = r->ts_ms;
  a->k.calls++;
  int rc = strset_add(&a->actors, r->actor ? r->actor : "");
  if (rc) return rc;
  if (r->decision == GOV_AUDIT_DECISION_REFUSE) {
    a->k.refusals++;
    return acc_reason(a, r->reason_code);
  }
  a->k.allowed++;
  return acc_latency(a, r->latency_ms);
}

static int cmp_i64(const void *x, const void *y) {
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return (a > b) - (a < b);
}

static int cmp_reason(const void *x, const void *y) {
  const gov_kpi_reason_t *a = x, *b = y;
  if (a->count != b->count) return a->count < b->count ? 1 : -1;
  return strcmp(a->code, b->code);
}

/* Turn the accumulator into its final KPIs (moves reasons and app id). */
static void acc_finish(acc_t *a, gov_kpi_app_t *out) {
  *out = a->k;
  memset(&a->k, 0, sizeof a->k);
  out->users = (int64_t)a->actors.n;
  out->latency_median_ms = -1;
  if (a->nlat) {
    qsort(a->lat, a->nlat, sizeof *a->lat, cmp_i64);
    size_t m = a->nlat / 2;
    out->latency_median_ms = a->nlat % 2
                                 ? (double)a->lat[m]
                                 : ((double)a->lat[m - 1] + (double)a->lat[m]) / 2;
  }
  if (out->nreasons)
    qsort(out->reasons, out->nreasons, sizeof *out->reasons, cmp_reason);
  out->drafts = out->drafts_signed = -1;
  out->signoff_rate = -1;
}

static void app_release(gov_kpi_app_t *k) {
  free(k->app_id);
  for (size_t i = 0; i < k->nreasons; i++) free(k->reasons[i].code);
  free(k->reasons);
}

static void acc_release(acc_t *a) {
  app_release(&a->k);
  strset_release(&a->actors);
  free(a->lat);
}

/* ----------------------------------------------------------- the walk */

typedef struct walk {
  acc_t *apps;
  size_t napps, cap;
  acc_t total;
} walk_t;

static acc_t *walk_app(walk_t *w, const char *id) {
  for (size_t i = 0; i < w->napps; i++)
    if (!strcmp(w->apps[i].k.app_id, id)) return &w->apps[i];
  if (w->napps == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 8;
    acc_t *a = realloc(w->apps, cap * sizeof *a);
    if (!a) return NULL;
    w->apps = a;
    w->cap = cap;
  }
  acc_t *a = &w->apps[w->napps];
  memset(a, 0, sizeof *a);
  if (!(a->k.app_id = lotse_strdup(id))) return NULL;
  w->napps++;
  return a;
}

/* Sources listed by a refusal record: > 0 when the gate withheld sources
 * from an allowed call rather than refusing the call. */
static size_t withheld(const gov_audit_rec_t *r) {
  if (r->nsources) return r->nsources;
  const char *s = r->sources_json;
  if (!s || !strchr(s, '{')) return 0; /* "[]" */
  json_t *j = json_loads(s, 0, NULL);
  size_t n = json_array_size(j);
  json_decref(j);
  return n;
}

static int on_record(void *ctx, const gov_audit_rec_t *r) {
  walk_t *w = ctx;
  if (r->decision != GOV_AUDIT_DECISION_ALLOW &&
      r->decision != GOV_AUDIT_DECISION_REFUSE)
    return 0;
  acc_t *a = walk_app(w, r->app_id ? r->app_id : "");
  if (!a) return LOTSE_ENOMEM;
  size_t n = r->decision == GOV_AUDIT_DECISION_REFUSE ? withheld(r) : 0;
  if (n) {
    a->k.sources_withheld += (int64_t)n;
    w->total.k.sources_withheld += (int64_t)n;
    return 0;
  }
  int rc = acc_add(a, r);
  return rc ? rc : acc_add(&w->total, r);
}

static int cmp_app(const void *x, const void *y) {
  return strcmp(((const gov_kpi_app_t *)x)->app_id,
                ((const gov_kpi_app_t *)y)->app_id);
}

/* ------------------------------------------------- drafts and register */

static int table_exists(sqlite3 *db, const char *name) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = "
                         "'table' AND name = ?", -1, &s, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  int yes = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  return yes;
}

static void set_drafts(gov_kpi_app_t *k, int64_t n, int64_t signed_) {
  k->drafts = n;
  k->drafts_signed = signed_;
  k->signoff_rate = n > 0 ? (double)signed_ / (double)n : -1;
}

/* Drafts per application in the range (created_at is in seconds). */
static int count_drafts(sqlite3 *db, gov_kpi_report_t *r,
                        const gov_kpi_query_t *q, lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(
          db,
          "SELECT app, count(*), sum(status = 'final') FROM drafts "
          "WHERE (?1 = 0 OR created_at * 1000 >= ?1) "
          "AND (?2 = 0 OR created_at * 1000 < ?2) "
          "AND (?3 IS NULL OR app = ?3) GROUP BY app",
          -1, &s, NULL) != SQLITE_OK)
    return lotse_err_set(err, LOTSE_EDB, "drafts: %s", sqlite3_errmsg(db));
  sqlite3_bind_int64(s, 1, q->since_ms);
  sqlite3_bind_int64(s, 2, q->until_ms);
  sqlite3_bind_text(s, 3, q->app_id, -1, SQLITE_STATIC);
  int64_t all = 0, all_signed = 0;
  for (size_t i = 0; i < r->napps; i++) set_drafts(&r->apps[i], 0, 0);
  int step;
  while ((step = sqlite3_step(s)) == SQLITE_ROW) {
    const char *app = (const char *)sqlite3_column_text(s, 0);
    int64_t n = sqlite3_column_int64(s, 1), sg = sqlite3_column_int64(s, 2);
    all += n;
    all_signed += sg;
    for (size_t i = 0; app && i < r->napps; i++)
      if (!strcmp(r->apps[i].app_id, app)) set_drafts(&r->apps[i], n, sg);
  }
  sqlite3_finalize(s);
  if (step != SQLITE_DONE)
    return lotse_err_set(err, LOTSE_EDB, "drafts: %s", sqlite3_errmsg(db));
  set_drafts(&r->total, all, all_signed);
  return 0;
}

/* Applications in the register and how many are approved now (status
 * freigegeben and the review date not passed; valid_until in seconds). */
static int count_register(sqlite3 *db, gov_kpi_report_t *r,
                          lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(db, "SELECT count(*), coalesce(sum(status = "
                         "'freigegeben' AND (valid_until IS NULL OR "
                         "valid_until > ?1)), 0) FROM apps", -1, &s,
                         NULL) != SQLITE_OK)
    return lotse_err_set(err, LOTSE_EDB, "apps: %s", sqlite3_errmsg(db));
  sqlite3_bind_int64(s, 1, lotse_now_unix());
  int rc = 0;
  if (sqlite3_step(s) == SQLITE_ROW) {
    r->apps_total = sqlite3_column_int64(s, 0);
    r->apps_approved = sqlite3_column_int64(s, 1);
  } else {
    rc = lotse_err_set(err, LOTSE_EDB, "apps: %s", sqlite3_errmsg(db));
  }
  sqlite3_finalize(s);
  return rc;
}

static int from_store(store_t *st, gov_kpi_report_t *r,
                      const gov_kpi_query_t *q, lotse_err_t *err) {
  sqlite3 *db = store_db(st);
  int rc = 0;
  if (table_exists(db, "drafts")) rc = count_drafts(db, r, q, err);
  if (!rc && table_exists(db, "apps")) rc = count_register(db, r, err);
  return rc;
}

/* --------------------------------------------------------------- public */

void gov_kpi_report_free(gov_kpi_report_t *r) {
  if (!r) return;
  for (size_t i = 0; i < r->napps; i++) app_release(&r->apps[i]);
  free(r->apps);
  app_release(&r->total);
  free(r);
}

static int report_build(walk_t *w, gov_kpi_report_t *r) {
  if (w->napps && !(r->apps = calloc(w->napps, sizeof *r->apps)))
    return LOTSE_ENOMEM;
  for (size_t i = 0; i < w->napps; i++) {
    acc_finish(&w->apps[i], &r->apps[i]);
    r->napps = i + 1;
  }
  acc_finish(&w->total, &r->total);
  if (r->napps > 1) qsort(r->apps, r->napps, sizeof *r->apps, cmp_app);
  return 0;
}

int gov_kpi_compute(struct gov_audit *a, struct store *st,
                    const gov_kpi_query_t *q, gov_kpi_report_t **out,
                    lotse_err_t *err) {
  static const gov_kpi_query_t all = {0, 0, NULL};
  *out = NULL;
  if (!q) q = &all;
  if (q->since_ms && q->until_ms && q->until_ms <= q->since_ms)
    return lotse_err_set(err, LOTSE_EINVAL, "der Zeitraum ist leer "
                         "(--until liegt nicht nach --since)");
  gov_kpi_report_t *r = calloc(1, sizeof *r);
  if (!r) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  r->since_ms = q->since_ms;
  r->until_ms = q->until_ms;
  r->apps_total = r->apps_approved = -1;
  walk_t w = {0};
  gov_audit_filter_t f = {.since_ms = q->since_ms, .until_ms = q->until_ms,
                          .app_id = q->app_id};
  int rc = a ? gov_audit_query(a, &f, on_record, &w, err) : 0;
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  if (!rc && (rc = report_build(&w, r)))
    lotse_err_set(err, rc, "out of memory");
  for (size_t i = 0; i < w.napps; i++) acc_release(&w.apps[i]);
  free(w.apps);
  acc_release(&w.total);
  if (!rc && st) rc = from_store(st, r, q, err);
  if (rc) {
    gov_kpi_report_free(r);
    return rc;
  }
  *out = r;
  return 0;
}

const gov_kpi_app_t *gov_kpi_report_app(const gov_kpi_report_t *r,
                                        const char *app_id) {
  for (size_t i = 0; r && app_id && i < r->napps; i++)
    if (!strcmp(r->apps[i].app_id, app_id)) return &r->apps[i];
  return NULL;
}

int gov_kpi_metric_value(const gov_kpi_report_t *r, gov_metric_t m,
                         const char *app_id, double *v) {
  const gov_kpi_app_t *k = app_id ? gov_kpi_report_app(r, app_id) : &r->total;
  double x = -1;
  switch (m) {
  case GOV_METRIC_USERS: x = k ? (double)k->users : 0; break;
  case GOV_METRIC_CALLS: x = k ? (double)k->calls : 0; break;
  case GOV_METRIC_REFUSALS: x = k ? (double)k->refusals : 0; break;
  case GOV_METRIC_SIGNOFF_RATE: x = k ? k->signoff_rate : -1; break;
  case GOV_METRIC_LATENCY_MEDIAN_MS: x = k ? k->latency_median_ms : -1; break;
  case GOV_METRIC_APPS_TOTAL: x = (double)r->apps_total; break;
  case GOV_METRIC_APPS_APPROVED: x = (double)r->apps_approved; break;
  case GOV_METRIC_APPS_APPROVED_SHARE:
    x = r->apps_total > 0 ? (double)r->apps_approved / (double)r->apps_total
                          : -1;
    break;
  default: return LOTSE_EINVAL;
  }
  if (x < 0) return LOTSE_ENOTFOUND;
  *v = x;
  return 0;
}

/* ----------------------------------------------------------------- JSON */

static json_t *time_or_null(int64_t ms) {
  if (!ms) return json_null();
  char buf[21];
  gov_kpi_format_time(ms, buf);
  return json_string(buf);
}

static json_t *num_or_null(double v) {
  return v < 0 ? json_null() : json_real(v);
}

static json_t *count_or_null(int64_t v) {
  return v < 0 ? json_null() : json_integer(v);
}

static json_t *app_json(const gov_kpi_app_t *k) {
  json_t *reasons = json_object();
  for (size_t i = 0; reasons && i < k->nreasons; i++)
    json_object_set_new(reasons, k->reasons[i].code,
                        json_integer(k->reasons[i].count));
  return json_pack(
      "{s:o, s:I, s:I, s:I, s:I, s:o*, s:I, s:o, s:o, s:o, s:o, s:o, s:o}",
      "app", k->app_id ? json_string(k->app_id) : json_null(), "users",
      (json_int_t)k->users, "calls", (json_int_t)k->calls, "allowed",
      (json_int_t)k->allowed, "refusals", (json_int_t)k->refusals,
      "refusals_by_reason", reasons, "sources_withheld",
      (json_int_t)k->sources_withheld, "drafts", count_or_null(k->drafts),
      "drafts_signed", count_or_null(k->drafts_signed), "signoff_rate",
      num_or_null(k->signoff_rate), "latency_median_ms",
      num_or_null(k->latency_median_ms), "first", time_or_null(k->first_ms),
      "last", time_or_null(k->last_ms));
}

json_t *gov_kpi_report_json(const gov_kpi_report_t *r) {
  json_t *apps = json_array();
  for (size_t i = 0; apps && i < r->napps; i++)
    json_array_append_new(apps, app_json(&r->apps[i]));
  double share = -1;
  gov_kpi_metric_value(r, GOV_METRIC_APPS_APPROVED_SHARE, NULL, &share);
  json_t *reg = json_pack("{s:o, s:o, s:o}", "apps_total",
                          count_or_null(r->apps_total), "apps_approved",
                          count_or_null(r->apps_approved),
                          "apps_approved_share", num_or_null(share));
  return json_pack("{s:o, s:o, s:o*, s:o*, s:o*}", "since",
                   time_or_null(r->since_ms), "until",
                   time_or_null(r->until_ms), "apps", apps, "total",
                   app_json(&r->total), "registry", reg);
}

/* ----------------------------------------------------------------- time */

void gov_kpi_format_time(int64_t ms, char buf[21]) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  if (!gmtime_r(&t, &tm) || !strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm))
    snprintf(buf, 21, "?");
}

/* "30d" / "12h" back from now_ms; 0 when s has that form. */
static int parse_relative(const char *s, int64_t now_ms, int64_t *ms) {
  char unit = 0, rest = 0;
  long long n;
  if (sscanf(s, "%lld%c%c", &n, &unit, &rest) != 2 ||
      (unit != 'd' && unit != 'h') || n < 0 || n > 100000)
    return -1;
  *ms = now_ms - n * (unit == 'd' ? 86400000LL : 3600000LL);
  return 0;
}

/* "YYYY-MM-DD[(T| )hh:mm[:ss][Z]]" into tm fields; 0 when well-formed. */
static int parse_absolute(const char *s, struct tm *tm) {
  int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
  size_t len = strlen(s);
  int k = sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used);
  if (k == 3 && (size_t)used < len) {
    k = sscanf(s, "%4d-%2d-%2d%*1[T ]%2d:%2d%n:%2d%n", &y, &mo, &d, &h, &mi,
               &used, &sec, &used);
    int zulu = (size_t)used < len && !strcmp(s + used, "Z");
    if (k < 5 || ((size_t)used < len && !zulu)) return -1;
  }
  if (k < 3 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      sec > 60 || y < 1970 || y > 9999)
    return -1;
  *tm = (struct tm){.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = h, .tm_min = mi, .tm_sec = sec};
  return 0;
}

int gov_kpi_parse_time(const char *s, int64_t now_ms, int64_t *ms,
                       lotse_err_t *err) {
  if (s && !parse_relative(s, now_ms, ms)) return 0;
  struct tm tm;
  if (!s || parse_absolute(s, &tm))
    return lotse_err_set(err, LOTSE_EINVAL, "Zeitpunkt '%s' nicht lesbar "
                         "(JJJJ-MM-TT, JJJJ-MM-TTThh:mm[:ss][Z], 30d oder "
                         "12h)", s ? s : "");
  int d = tm.tm_mday, mo = tm.tm_mon;
  time_t t = timegm(&tm);
  struct tm back;
  if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d ||
      back.tm_mon != mo)
    return lotse_err_set(err, LOTSE_EINVAL, "Datum '%s' gibt es nicht", s);
  *ms = (int64_t)t * 1000;
  return 0;
}

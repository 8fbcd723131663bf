/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/syslog.c — RFC 5424 and RFC 3164 (BSD) syslog lines.
 *
 * Contract: see syslog.h. The parser is a hand-written scanner over the
 * caller's bytes (no allocation, no regex) because it runs once per line
 * of every syslog stream; anything it cannot place is reported malformed,
 * never guessed into a field.
 * Invariants: (1) every span lies inside [line, line+len); (2) a malformed
 * result has message = whole line (without "\r\n") and nothing else.
 */
#include "analytics/logwatch/syslog.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ helpers */

static const char *const fac_names[24] = {
    "kern",   "user",   "mail",   "daemon", "auth",   "syslog",
    "lpr",    "news",   "uucp",   "cron",   "authpriv", "ftp",
    "ntp",    "audit",  "alert",  "clock",  "local0", "local1",
    "local2", "local3", "local4", "local5", "local6", "local7"};
static const char *const sev_names[8] = {"emerg", "alert", "crit", "err",
                                         "warning", "notice", "info",
                                         "debug"};

const char *lw_syslog_facility_name(int f) {
  return f >= 0 && f < 24 ? fac_names[f] : "";
}
const char *lw_syslog_severity_name(int s) {
  return s >= 0 && s < 8 ? sev_names[s] : "";
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_print(char c) { return c >= 33 && c <= 126; }

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so timestamps need neither timegm nor the TZ. */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* n digits at p as a number, -1 when any is not a digit. */
static int num(const char *p, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (!is_digit(p[i])) return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

static int64_t civil_ms(int y, int mo, int d, int h, int mi, int s) {
  return ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL +
         s * 1000LL;
}

/* The six numbers of "YYYY-MM-DDTHH:MM:SS" at p (separators checked by
 * the caller), each within its range; -1 when one is not. */
static int iso_fields(const char *p, int f[6]) {
  static const unsigned char at[6] = {0, 5, 8, 11, 14, 17};
  static const unsigned char len[6] = {4, 2, 2, 2, 2, 2};
  static const int lo[6] = {0, 1, 1, 0, 0, 0}, hi[6] = {9999, 12, 31, 23, 59, 60};
  for (int i = 0; i < 6; i++) {
    f[i] = num(p + at[i], len[i]);
    if (f[i] < lo[i] || f[i] > hi[i]) return -1;
  }
  return 0;
}

/* ".123456" at p[*i]: milliseconds of the fraction; -1 when malformed. */
static int iso_frac(const char *p, size_t n, size_t *i) {
  if (*i >= n || p[*i] != '.') return 0;
  size_t start = ++*i;
  int frac = 0, scale = 1000;
  for (; *i < n && is_digit(p[*i]); (*i)++)
    if (scale > 1) scale /= 10, frac += (p[*i] - '0') * scale;
  return *i == start || *i - start > 9 ? -1 : frac;
}

/* "Z" or "+HH:MM" at p[*i] as an offset in ms; 1 when malformed. */
static int iso_offset(const char *p, size_t n, size_t *i, int64_t *off) {
  *off = 0;
  if (*i < n && (p[*i] == 'Z' || p[*i] == 'z')) {
    (*i)++;
    return 0;
  }
  if (*i + 6 > n || (p[*i] != '+' && p[*i] != '-') || p[*i + 3] != ':')
    return 1; /* RFC 5424 requires the offset */
  int oh = num(p + *i + 1, 2), om = num(p + *i + 4, 2);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return 1;
  *off = (oh * 60 + om) * 60000LL * (p[*i] == '-' ? -1 : 1);
  *i += 6;
  return 0;
}

/* ISO 8601 / RFC 3339 at p[0..n): YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM).
 * Returns its length (0 when not one) and the time in *ms. */
static size_t iso_ts(const char *p, size_t n, int64_t *ms) {
  int f[6];
  if (n < 19 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != 't') ||
      p[13] != ':' || p[16] != ':' || iso_fields(p, f))
    return 0;
  size_t i = 19;
  int frac = iso_frac(p, n, &i);
  int64_t off;
  if (frac < 0 || iso_offset(p, n, &i, &off)) return 0;
  *ms = civil_ms(f[0], f[1], f[2], f[3], f[4], f[5]) + frac - off;
  return i;
}

/* "Mmm dd hh:mm:ss" (day space- or zero-padded) at p; returns the length. */
static size_t bsd_ts(const char *p, size_t n, int year, int64_t *ms) {
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (n < 15 || p[3] != ' ') return 0;
  int mo = 0;
  for (int i = 0; i < 12; i++)
    if (!memcmp(p, months + 3 * i, 3)) mo = i + 1;
  if (!mo) return 0;
  size_t i = 4;
  if (p[i] == ' ') i++; /* "Jun  4" */
  int d = 0, nd = 0;
  while (i < n && is_digit(p[i]) && nd < 2) d = d * 10 + (p[i++] - '0'), nd++;
  if (!nd || d < 1 || d > 31 || i + 9 > n || p[i] != ' ') return 0;
  i++;
  if (p[i + 2] != ':' || p[i + 5] != ':') return 0;
  int h = num(p + i, 2), mi = num(p + i + 3, 2), s = num(p + i + 6, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return 0;
  i += 8;
  if (i < n && p[i] != ' ') return 0;
  *ms = civil_ms(year, mo, d, h, mi, s);
  return i;
}

/* A token of printable ASCII up to the next space; NILVALUE "-" is absent. */
static int token(const char *p, size_t n, size_t *i, lw_span *out) {
  size_t s = *i;
  while (*i < n && is_print(p[*i])) (*i)++;
  if (*i == s || *i >= n || p[*i] != ' ') return -1;
  if (!(*i - s == 1 && p[s] == '-')) out->p = p + s, out->n = *i - s;
  (*i)++;
  return 0;
}

static int parse_pri(const char *p, size_t n, size_t *i, lw_syslog *o) {
  if (n < 3 || p[0] != '<') return 0;
  size_t k = 1;
  int v = 0;
  while (k < n && k <= 3 && is_digit(p[k])) v = v * 10 + (p[k++] - '0');
  if (k == 1 || k >= n || p[k] != '>' || v > 191) return -1;
  if (k > 2 && p[1] == '0') return -1; /* no leading zeros (RFC 5424) */
  o->pri = v, o->facility = v / 8, o->severity = v % 8;
  *i = k + 1;
  return 1;
}

/* -------------------------------------------------------------- RFC 5424 */

/* Skip one SD-ELEMENT at p[*i] == '['; -1 when malformed. */
static int sd_element(const char *p, size_t n, size_t *i) {
  size_t k = *i + 1, s = k;
  while (k < n && is_print(p[k]) && p[k] != '=' && p[k] != ']' && p[k] != '"')
    k++;
  if (k == s || k - s > 32) return -1;
  while (k < n && p[k] == ' ') {
    s = ++k;
    while (k < n && is_print(p[k]) && p[k] != '=' && p[k] != ']' &&
           p[k] != '"')
      k++;
    if (k == s || k - s > 32 || k + 1 >= n || p[k] != '=' || p[k + 1] != '"')
      return -1;
    k += 2;
    while (k < n && p[k] != '"') k += (p[k] == '\\' && k + 1 < n) ? 2 : 1;
    if (k >= n) return -1;
    k++;
  }
  if (k >= n || p[k] != ']') return -1;
  *i = k + 1;
  return 0;
}

/* STRUCTURED-DATA: NILVALUE or one or more SD-ELEMENTs. */
static int parse_sd(const char *p, size_t n, size_t *i, lw_syslog *o) {
  if (*i < n && p[*i] == '-') {
    (*i)++;
    return 0;
  }
  size_t s = *i;
  if (*i >= n || p[*i] != '[') return -1;
  while (*i < n && p[*i] == '[')
    if (sd_element(p, n, i)) return -1;
  o->sd.p = p + s, o->sd.n = *i - s;
  return 0;
}

static int parse_5424(const char *p, size_t n, size_t i, lw_syslog *o) {
  int ver = 0;
  size_t s = i;
  while (i < n && is_digit(p[i]) && i - s < 2) ver = ver * 10 + (p[i++] - '0');
  if (i == s || ver == 0 || i >= n || p[i] != ' ') return -1;
  o->version = ver;
  i++;
  if (i < n && p[i] == '-') {
    i++;
  } else {
    size_t tl = iso_ts(p + i, n - i, &o->ts_ms);
    if (!tl) return -1;
    o->timestamp.p = p + i, o->timestamp.n = tl;
    i += tl;
  }
  if (i >= n || p[i] != ' ') return -1;
  i++;
  if (token(p, n, &i, &o->host) || token(p, n, &i, &o->program) ||
      token(p, n, &i, &o->pid) || token(p, n, &i, &o->msgid))
    return -1;
  if (o->host.n > 255 || o->program.n > 48 || o->pid.n > 128 ||
      o->msgid.n > 32)
    return -1;
  if (parse_sd(p, n, &i, o)) return -1;
  if (i < n) {
    if (p[i] != ' ') return -1;
    i++;
    if (n - i >= 3 && !memcmp(p + i, "\xEF\xBB\xBF", 3)) i += 3;
  }
  o->message.p = p + i, o->message.n = n - i;
  o->format = LW_SYSLOG_5424;
  return 0;
}

/* -------------------------------------------------------------- RFC 3164 */

/* `tag[pid]:` or `tag:` followed by a space or the end; fills program/pid. */
static size_t bsd_tag(const char *p, size_t n, size_t i, lw_syslog *o) {
  size_t s = i;
  while (i < n && is_print(p[i]) && p[i] != '[' && p[i] != ':') i++;
  if (i == s || i - s > 64 || i >= n) return 0;
  size_t tag_end = i, ps = 0, pe = 0;
  if (p[i] == '[') {
    ps = ++i;
    while (i < n && p[i] != ']' && is_print(p[i])) i++;
    if (i >= n || p[i] != ']' || i == ps) return 0;
    pe = i++;
  }
  if (i >= n || p[i] != ':') return 0;
  i++;
  if (i < n && p[i] != ' ') return 0;
  o->program.p = p + s, o->program.n = tag_end - s;
  if (pe) o->pid.p = p + ps, o->pid.n = pe - ps;
  return i < n ? i + 1 : i;
}

static int parse_3164(const char *p, size_t n, size_t i, int year,
                      int has_pri, lw_syslog *o) {
  size_t tl = bsd_ts(p + i, n - i, year, &o->ts_ms);
  if (!tl) tl = iso_ts(p + i, n - i, &o->ts_ms);
  if (!tl) {
    if (!has_pri) return -1;
    o->ts_ms = 0; /* "<13>text": a PRI alone still makes it syslog */
    o->message.p = p + i, o->message.n = n - i;
    o->format = LW_SYSLOG_3164;
    return 0;
  }
  o->timestamp.p = p + i, o->timestamp.n = tl;
  i += tl;
  while (i < n && p[i] == ' ') i++;
  size_t after = bsd_tag(p, n, i, o);
  if (!after) { /* first token is the host */
    size_t s = i;
    while (i < n && is_print(p[i])) i++;
    if (i > s && i - s <= 255) o->host.p = p + s, o->host.n = i - s;
    while (i < n && p[i] == ' ') i++;
    after = bsd_tag(p, n, i, o);
  }
  if (after) i = after;
  o->message.p = p + i, o->message.n = n - i;
  o->format = LW_SYSLOG_3164;
  return 0;
}

/* ------------------------------------------------------------------ API */

static int this_year(void) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

int lw_syslog_parse_year(const char *line, size_t len, int year,
                         lw_syslog *o) {
  memset(o, 0, sizeof *o);
  o->pri = o->facility = o->severity = -1;
  while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
  size_t i = 0;
  int rc = parse_pri(line, len, &i, o);
  if (rc >= 0) {
    int ok;
    if (rc == 1 && i < len && is_digit(line[i]) && i + 1 < len &&
        (line[i + 1] == ' ' || is_digit(line[i + 1])))
      ok = parse_5424(line, len, i, o);
    else
      ok = parse_3164(line, len, i, year, rc == 1, o);
    if (ok == 0) return 0;
  }
  memset(o, 0, sizeof *o);
  o->pri = o->facility = o->severity = -1;
  o->message.p = line, o->message.n = len;
  return 1;
}

int lw_syslog_parse(const char *line, size_t len, lw_syslog *o) {
  int year = this_year();
  int rc = lw_syslog_parse_year(line, len, year, o);
  /* A BSD time more than a day ahead belongs to last year (December logs
   * read in January). */
  if (rc == 0 && o->format == LW_SYSLOG_3164 && o->timestamp.p &&
      o->timestamp.p[0] > '9' &&
      o->ts_ms > ((int64_t)time(NULL) + 86400) * 1000)
    rc = lw_syslog_parse_year(line, len, year - 1, o);
  return rc;
}

/* ---------------------------------------------------------------- fields */

typedef struct fill {
  lw_field *f;
  size_t cap, n;
  char *scr;
  size_t scap, sused;
} fill_t;

static void put(fill_t *w, const char *name, const char *v, size_t vn) {
  if (w->n < w->cap)
    w->f[w->n++] = (lw_field){.name = name, .value = v, .value_len = vn};
}

static void put_span(fill_t *w, const char *name, lw_span s) {
  if (s.p) put(w, name, s.p, s.n);
}

/* Copy into scratch (NUL-terminated); NULL when it does not fit. */
static char *scratch(fill_t *w, const char *p, size_t n) {
  if (w->sused + n + 1 > w->scap) return NULL;
  char *d = w->scr + w->sused;
  memcpy(d, p, n);
  d[n] = 0;
  w->sused += n + 1;
  return d;
}

static void put_sd(fill_t *w, const char *p, size_t n) {
  size_t i = 0;
  while (i < n && p[i] == '[') {
    size_t ids = ++i;
    while (i < n && p[i] != ' ' && p[i] != ']') i++;
    size_t idn = i - ids;
    while (i < n && p[i] == ' ') {
      size_t ns = ++i;
      while (i < n && p[i] != '=') i++;
      if (i + 1 >= n) return;
      size_t nn = i - ns;
      i += 2; /* =" */
      char tmp[3 + 32 + 1 + 32 + 1];
      int tl = snprintf(tmp, sizeof tmp, "sd.%.*s.%.*s", (int)idn, p + ids,
                        (int)nn, p + ns);
      char *name = tl > 0 ? scratch(w, tmp, (size_t)tl) : NULL;
      size_t vs = w->sused;
      char *val = w->scr + vs;
      size_t vn = 0;
      int fits = 1;
      while (i < n && p[i] != '"') {
        char c = p[i];
        if (c == '\\' && i + 1 < n &&
            (p[i + 1] == '"' || p[i + 1] == '\\' || p[i + 1] == ']'))
          c = p[++i];
        if (vs + vn + 1 < w->scap) val[vn++] = c;
        else fits = 0;
        i++;
      }
      i++; /* closing quote */
      if (name && fits && vs + vn + 1 <= w->scap) {
        val[vn] = 0;
        w->sused = vs + vn + 1;
        put(w, name, val, vn);
      }
    }
    i++; /* ] */
  }
}

size_t lw_syslog_fields(const lw_syslog *s, lw_field *fields, size_t cap,
                        char *scr, size_t scap) {
  fill_t w = {fields, cap, 0, scr, scap, 0};
  if (s->format == LW_SYSLOG_MALFORMED) {
    put_span(&w, "message", s->message);
    return w.n;
  }
  put_span(&w, "host", s->host);
  put_span(&w, "program", s->program);
  put_span(&w, "pid", s->pid);
  if (s->pri >= 0) {
    const char *f = lw_syslog_facility_name(s->facility);
    const char *v = lw_syslog_severity_name(s->severity);
    put(&w, "facility", f, strlen(f));
    put(&w, "severity", v, strlen(v));
    char tmp[8];
    int tl = snprintf(tmp, sizeof tmp, "%d", s->pri);
    char *d = scratch(&w, tmp, (size_t)tl);
    if (d) put(&w, "pri", d, (size_t)tl);
  }
  if (s->version > 0) {
    char tmp[8];
    int tl = snprintf(tmp, sizeof tmp, "%d", s->version);
    char *d = scratch(&w, tmp, (size_t)tl);
    if (d) put(&w, "version", d, (size_t)tl);
  }
  put_span(&w, "timestamp", s->timestamp);
  put_span(&w, "msgid", s->msgid);
  if (s->sd.p) put_sd(&w, s->sd.p, s->sd.n);
  put_span(&w, "message", s->message);
  return w.n;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/journald.c — reader of the journal export format
 * (systemd's "Journal Export Format": text fields `KEY=value\n`, binary
 * fields `KEY\n` + 64-bit little-endian length + bytes + `\n`, entries
 * separated by an empty line).
 *
 * Contract: see journald.h. Names and values of one entry live in one
 * byte buffer addressed by offsets until the entry is complete.
 * Invariants: (1) field names are checked (A–Z, 0–9, '_', not starting
 * with a digit); (2) a binary length is checked against
 * LW_JOURNALD_MAX_FIELD before anything is allocated for it.
 */
#include "analytics/logwatch/journald.h"
#include "analytics/logwatch/syslog.h"
#include "base/base.h"

#include <stdlib.h>
#include <string.h>

typedef struct jf {
  size_t name_off, val_off, val_len;
} jf_t;

struct lw_journald {
  char *txt;
  size_t txt_len, txt_cap;
  jf_t *e;
  size_t n_e;
  lw_field *f;
  char *line;
  size_t line_cap;
  int64_t ts_ms;
  char num[2][8]; /* severity/facility keywords are static; spare */
};

lw_journald *lw_journald_new(void) {
  lw_journald *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  j->e = malloc(LW_JOURNALD_MAX_FIELDS * sizeof *j->e);
  j->f = malloc((LW_JOURNALD_MAX_FIELDS + 8) * sizeof *j->f);
  if (!j->e || !j->f) {
    lw_journald_free(j);
    return NULL;
  }
  return j;
}

void lw_journald_free(lw_journald *j) {
  if (!j) return;
  free(j->txt);
  free(j->e);
  free(j->f);
  free(j->line);
  free(j);
}

int64_t lw_journald_ts_ms(const lw_journald *j) { return j->ts_ms; }

static size_t txt_reserve(lw_journald *j, size_t n) {
  if (j->txt_len + n + 1 > j->txt_cap) {
    size_t cap = j->txt_cap ? j->txt_cap : 4096;
    while (cap < j->txt_len + n + 1) cap *= 2;
    char *t = realloc(j->txt, cap);
    if (!t) return (size_t)-1;
    j->txt = t, j->txt_cap = cap;
  }
  size_t off = j->txt_len;
  j->txt_len += n + 1;
  j->txt[off + n] = 0;
  return off;
}

static int name_ok(const char *p, size_t n) {
  if (!n || n > 256 || (p[0] >= '0' && p[0] <= '9')) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
          p[i] == '_'))
      return 0;
  return 1;
}

/* One line without its '\n' into j->line; returns its length, -1 at EOF
 * before any byte, -2 when longer than the cap (rest of it consumed). */
static long read_line(lw_journald *j, FILE *in, int *eof) {
  size_t n = 0;
  int c;
  *eof = 0;
  while ((c = getc(in)) != EOF && c != '\n') {
    if (n + 2 > j->line_cap) {
      if (j->line_cap >= LW_JOURNALD_MAX_FIELD) {
        while ((c = getc(in)) != EOF && c != '\n') {}
        return -2;
      }
      size_t cap = j->line_cap ? j->line_cap * 2 : 1024;
      char *l = realloc(j->line, cap);
      if (!l) return -3;
      j->line = l, j->line_cap = cap;
    }
    j->line[n++] = (char)c;
  }
  if (c == EOF) {
    *eof = 1;
    if (!n) return -1;
  }
  if (j->line) j->line[n] = 0;
  return (long)n;
}

static int add(lw_journald *j, const char *name, size_t nn, const char *val,
               size_t vn, FILE *in) {
  if (j->n_e >= LW_JOURNALD_MAX_FIELDS) return 1;
  size_t no = txt_reserve(j, nn);
  if (no == (size_t)-1) return LOTSE_ENOMEM;
  memcpy(j->txt + no, name, nn);
  size_t vo = txt_reserve(j, vn);
  if (vo == (size_t)-1) return LOTSE_ENOMEM;
  if (val) {
    memcpy(j->txt + vo, val, vn);
  } else if (vn && fread(j->txt + vo, 1, vn, in) != vn) {
    return 1; /* truncated binary field */
  }
  j->e[j->n_e++] = (jf_t){no, vo, vn};
  return 0;
}

/* A binary field: the name line was read; length, bytes and '\n' follow. */
static int add_binary(lw_journald *j, size_t nn, FILE *in) {
  unsigned char le[8];
  if (fread(le, 1, 8, in) != 8) return 1;
  uint64_t len = 0;
  for (int i = 7; i >= 0; i--) len = len << 8 | le[i];
  if (len > LW_JOURNALD_MAX_FIELD) return 1;
  char name[257];
  memcpy(name, j->line, nn);
  int rc = add(j, name, nn, NULL, (size_t)len, in);
  if (rc) return rc;
  return getc(in) == '\n' ? 0 : 1;
}

static void skip_entry(lw_journald *j, FILE *in) {
  int eof = 0;
  long n;
  while ((n = read_line(j, in, &eof)) != -1 && !eof && n != 0) {}
}

static const char *field(const lw_journald *j, const char *name, size_t *vn) {
  for (size_t i = 0; i < j->n_e; i++)
    if (!strcmp(j->txt + j->e[i].name_off, name)) {
      *vn = j->e[i].val_len;
      return j->txt + j->e[i].val_off;
    }
  return NULL;
}

/* Fields under their journal names, then the common logwatch names. */
static size_t build(lw_journald *j) {
  size_t n = 0, vn;
  for (size_t i = 0; i < j->n_e; i++)
    j->f[n++] = (lw_field){j->txt + j->e[i].name_off, j->txt + j->e[i].val_off,
                           j->e[i].val_len};
  static const char *const alias[][3] = {
      {"host", "_HOSTNAME", NULL},          {"program", "SYSLOG_IDENTIFIER", "_COMM"},
      {"pid", "_PID", "SYSLOG_PID"},        {"message", "MESSAGE", NULL}};
  for (size_t a = 0; a < sizeof alias / sizeof alias[0]; a++) {
    const char *v = field(j, alias[a][1], &vn);
    if (!v && alias[a][2]) v = field(j, alias[a][2], &vn);
    if (v) j->f[n++] = (lw_field){alias[a][0], v, vn};
  }
  const char *v = field(j, "PRIORITY", &vn);
  if (v && vn == 1 && v[0] >= '0' && v[0] <= '7') {
    const char *s = lw_syslog_severity_name(v[0] - '0');
    j->f[n++] = (lw_field){"severity", s, strlen(s)};
  }
  v = field(j, "SYSLOG_FACILITY", &vn);
  if (v && vn >= 1 && vn <= 2) {
    int fac = atoi(v);
    const char *s = lw_syslog_facility_name(fac);
    if (*s) j->f[n++] = (lw_field){"facility", s, strlen(s)};
  }
  j->ts_ms = 0;
  v = field(j, "__REALTIME_TIMESTAMP", &vn);
  if (v) j->ts_ms = strtoll(v, NULL, 10) / 1000;
  return n;
}

int lw_journald_read(lw_journald *j, FILE *in, const lw_field **fields,
                     size_t *n) {
  *fields = NULL, *n = 0;
  j->txt_len = 0, j->n_e = 0, j->ts_ms = 0;
  int eof = 0, started = 0;
  for (;;) {
    long ln = read_line(j, in, &eof);
    if (ln == -3) return LOTSE_ENOMEM;
    if (ln == -1) {
      if (!started) return ferror(in) ? LOTSE_EIO : 2;
      break; /* last entry without its blank line */
    }
    if (ln == -2) goto bad;
    if (ln == 0) {
      if (!started) continue; /* extra blank lines between entries */
      break;
    }
    started = 1;
    const char *eq = memchr(j->line, '=', (size_t)ln);
    size_t nn = eq ? (size_t)(eq - j->line) : (size_t)ln;
    if (!name_ok(j->line, nn)) goto bad;
    int rc = eq ? add(j, j->line, nn, eq + 1, (size_t)ln - nn - 1, in)
                : add_binary(j, nn, in);
    if (rc < 0) return rc;
    if (rc) goto bad;
    if (eof) break;
  }
  *n = build(j);
  *fields = j->f;
  return 0;
bad:
  if (!eof) skip_entry(j, in);
  j->n_e = 0;
  return 1;
}

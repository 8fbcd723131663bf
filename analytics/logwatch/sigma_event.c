/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/sigma_event.c — event files for `lotse logwatch
 * sigma`: JSON lines, one or more (pretty-printed) JSON documents one
 * after another, a JSON array of documents, or syslog lines.
 *
 * Contract: the kind is chosen per file by its first non-blank byte ('{' or
 * '[' = JSON). JSON documents are flattened by jsonl.c (Event.EventData.
 * Image and Image), syslog lines parsed by syslog.c (host, program, pid,
 * message …); audit records (`type=… msg=audit(…): key=value …`) also get
 * their key=value pairs as fields so auditd rules can address them. A
 * document that is not valid JSON is reported as a malformed event and
 * reading goes on at the next line.
 */
#include "analytics/logwatch/jsonl.h"
#include "analytics/logwatch/sigma.h"
#include "analytics/logwatch/syslog.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define SG_MAX_KV 128

static uint64_t line_of(const char *data, size_t pos, size_t *from,
                        uint64_t *line) {
  for (size_t i = *from; i < pos; i++)
    if (data[i] == '\n') (*line)++;
  *from = pos;
  return *line;
}

static int emit_json(lw_jsonl *j, const char *path, uint64_t line,
                     json_t *obj, lw_sigma_event_fn fn, void *ud) {
  const lw_field *f;
  size_t n;
  lw_event ev;
  memset(&ev, 0, sizeof ev);
  ev.source = path, ev.line = line;
  int rc = lw_jsonl_flatten(j, obj, &f, &n);
  if (rc < 0) return rc;
  if (rc == 1) {
    ev.malformed = 1;
  } else {
    ev.fields = f, ev.n_fields = n;
    const lw_field *m = lw_jsonl_message(f, n, NULL);
    if (m) ev.message = m->value, ev.message_len = m->value_len;
  }
  return fn(ud, &ev);
}

static int read_json(const char *path, const char *data, size_t len,
                     lw_sigma_event_fn fn, void *ud, lotse_err_t *err) {
  lw_jsonl *j = lw_jsonl_new();
  if (!j) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  size_t pos = 0, counted = 0;
  uint64_t line = 1;
  int rc = 0;
  while (!rc) {
    while (pos < len && isspace((uint8_t)data[pos])) pos++;
    if (pos >= len) break;
    uint64_t at = line_of(data, pos, &counted, &line);
    json_error_t je;
    json_t *doc = json_loadb(data + pos, len - pos,
                             JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je);
    if (!doc) { /* malformed: report it, go on after this line */
      const char *nl = memchr(data + pos, '\n', len - pos);
      lw_event ev;
      memset(&ev, 0, sizeof ev);
      ev.source = path, ev.line = at, ev.malformed = 1;
      ev.message = data + pos;
      ev.message_len = nl ? (size_t)(nl - (data + pos)) : len - pos;
      rc = fn(ud, &ev);
      pos = nl ? (size_t)(nl - data) + 1 : len;
      continue;
    }
    pos += je.position;
    if (json_is_array(doc)) {
      size_t i;
      json_t *el;
      json_array_foreach(doc, i, el) {
        if (rc) break;
        rc = emit_json(j, path, at, el, fn, ud);
      }
    } else {
      rc = emit_json(j, path, at, doc, fn, ud);
    }
    json_decref(doc);
  }
  lw_jsonl_free(j);
  if (rc < 0) return lotse_err_set(err, rc, "out of memory reading '%s'", path);
  return rc;
}

/* Separators in audit records: blanks, the ':' after msg=audit(…), and
 * GS (0x1d) before the interpreted fields (`SYSCALL=mknod AUID=…`). */
static int is_sep(char c) { return c == ' ' || c == ':' || c == '\x1d'; }

/* key=value pairs of an audit record (values bare or "quoted"). */
static size_t audit_fields(const char *p, size_t n, lw_field *f, size_t cap,
                           char *names, size_t ncap) {
  size_t k = 0, used = 0, i = 0;
  while (i < n && k < cap) {
    while (i < n && is_sep(p[i])) i++;
    size_t ks = i;
    while (i < n && p[i] != '=' && !is_sep(p[i])) i++;
    if (i >= n || p[i] != '=' || i == ks) {
      while (i < n && !is_sep(p[i])) i++;
      continue;
    }
    size_t kl = i - ks;
    i++;
    size_t vs = i, vl;
    if (i < n && p[i] == '"') {
      vs = ++i;
      while (i < n && p[i] != '"') i++;
      vl = i - vs;
      if (i < n) i++;
    } else { /* ':' may occur inside a value (subj=a:b:c) */
      while (i < n && p[i] != ' ' && p[i] != '\x1d') i++;
      vl = i - vs;
    }
    if (used + kl + 1 > ncap) break;
    memcpy(names + used, p + ks, kl), names[used + kl] = 0;
    f[k++] = (lw_field){names + used, p + vs, vl};
    used += kl + 1;
  }
  return k;
}

static int read_syslog(const char *path, const char *data, size_t len,
                       lw_sigma_event_fn fn, void *ud) {
  lw_field f[64 + SG_MAX_KV];
  char scratch[4096], names[4096];
  uint64_t line = 0;
  int rc = 0;
  for (size_t pos = 0; !rc && pos < len;) {
    const char *nl = memchr(data + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
    const char *p = data + pos;
    pos += n + 1, line++;
    if (n && p[n - 1] == '\r') n--;
    if (n == 0) continue;
    lw_syslog s;
    lw_event ev;
    memset(&ev, 0, sizeof ev);
    ev.source = path, ev.line = line;
    size_t nf = 0;
    const char *msg = p;
    size_t ml = n;
    if (lw_syslog_parse(p, n, &s) == 0) {
      nf = lw_syslog_fields(&s, f, 64, scratch, sizeof scratch);
      msg = s.message.p, ml = s.message.n;
      ev.ts_ms = s.ts_ms;
    } else {
      f[nf++] = (lw_field){"message", p, n};
    }
    if (msg && ml > 5 && !memcmp(msg, "type=", 5))
      nf += audit_fields(msg, ml, f + nf, SG_MAX_KV, names, sizeof names);
    ev.fields = f, ev.n_fields = nf;
    ev.message = msg, ev.message_len = ml;
    rc = fn(ud, &ev);
  }
  return rc;
}

int lw_sigma_read_events(const char *path, const char *data, size_t len,
                         lw_sigma_event_fn fn, void *ud, lotse_err_t *err) {
  size_t i = 0;
  if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) i = 3;
  while (i < len && isspace((uint8_t)data[i])) i++;
  if (i < len && (data[i] == '{' || data[i] == '['))
    return read_json(path, data, len, fn, ud, err);
  return read_syslog(path, data, len, fn, ud);
}

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
 * their key=value pairs as fields so auditd rules can address them, and
 * Sysmon for Linux records (the syslog message is an `<Event>` XML
 * document) their Channel, EventID, Computer and every EventData `Data`
 * element by its Name, like a Windows event. A
 * document that is not valid JSON is reported as a malformed event and
 * reading goes on at the next line.
 */
#include "analytics/logwatch/jsonl.h"
#include "analytics/logwatch/sigma.h"
#include "analytics/logwatch/syslog.h"

#include <ctype.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
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

/* ------------------------------------------------- Sysmon for Linux XML */

typedef struct arena {
  char *p;
  size_t used, cap;
} arena;

static const char *arena_put(arena *a, const char *s, size_t n) {
  if (a->used + n + 1 > a->cap) return NULL;
  char *d = a->p + a->used;
  memcpy(d, s, n), d[n] = 0;
  a->used += n + 1;
  return d;
}

static void xml_field(arena *a, lw_field *f, size_t *k, size_t cap,
                      const char *name, xmlNodePtr n) {
  if (*k >= cap) return;
  xmlChar *v = xmlNodeGetContent(n);
  const char *nm = arena_put(a, name, strlen(name));
  size_t vl = v ? strlen((const char *)v) : 0;
  const char *vv = arena_put(a, v ? (const char *)v : "", vl);
  if (v) xmlFree(v);
  if (nm && vv) f[(*k)++] = (lw_field){nm, vv, vl};
}

/* Fields of a Sysmon for Linux `<Event>` message; no DTD, no network, no
 * entity expansion (the message cannot start with a DOCTYPE: it starts
 * with `<Event`). Returns the number of fields added. */
static size_t sysmon_xml(const char *msg, size_t n, lw_field *f, size_t cap,
                         arena *a) {
  if (n < 7 || memcmp(msg, "<Event", 6) != 0 || n > (size_t)1 << 24) return 0;
  xmlDocPtr doc = xmlReadMemory(msg, (int)n, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
  size_t k = 0;
  for (xmlNodePtr sec = root ? root->children : NULL; sec; sec = sec->next) {
    if (sec->type != XML_ELEMENT_NODE) continue;
    int sys = !xmlStrcmp(sec->name, BAD_CAST "System");
    int data = !xmlStrcmp(sec->name, BAD_CAST "EventData");
    for (xmlNodePtr e = sec->children; e && (sys || data); e = e->next) {
      if (e->type != XML_ELEMENT_NODE) continue;
      const char *nm = (const char *)e->name;
      if (sys && (!strcmp(nm, "EventID") || !strcmp(nm, "Channel") ||
                  !strcmp(nm, "Computer")))
        xml_field(a, f, &k, cap, nm, e);
      if (data && !strcmp(nm, "Data")) {
        xmlChar *dn = xmlGetProp(e, BAD_CAST "Name");
        if (dn) xml_field(a, f, &k, cap, (const char *)dn, e);
        xmlFree(dn);
      }
    }
  }
  if (doc) xmlFreeDoc(doc);
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
    arena a = {NULL, 0, 0};
    if (msg && ml > 5 && !memcmp(msg, "type=", 5)) {
      nf += audit_fields(msg, ml, f + nf, SG_MAX_KV, names, sizeof names);
    } else if (msg && ml > 6 && !memcmp(msg, "<Event", 6)) {
      a.cap = 2 * ml + 256; /* text content never exceeds the markup */
      a.p = malloc(a.cap);
      if (!a.p) return LOTSE_ENOMEM;
      nf += sysmon_xml(msg, ml, f + nf, SG_MAX_KV, &a);
    }
    ev.fields = f, ev.n_fields = nf;
    ev.message = msg, ev.message_len = ml;
    rc = fn(ud, &ev);
    free(a.p);
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
  int rc = read_syslog(path, data, len, fn, ud);
  if (rc == LOTSE_ENOMEM)
    return lotse_err_set(err, rc, "out of memory reading '%s'", path);
  return rc;
}

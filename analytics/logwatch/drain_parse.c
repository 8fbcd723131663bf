/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/drain_parse.c — whole-buffer parsing and the structured
 * CSV (see drain_parse.h). CSV quoting follows Python's csv module
 * (QUOTE_MINIMAL): a field holding ',', '"', '\r' or '\n' is quoted and its
 * quotes doubled; rows end with "\n" as pandas writes them.
 */
#include "analytics/logwatch/drain_parse.h"

#include <stdlib.h>
#include <string.h>

static int out_push(lw_parse_out *o, uint32_t id, uint64_t line) {
  if (o->n == o->cap) {
    size_t nc = o->cap ? o->cap * 2 : 4096;
    uint32_t *ids = realloc(o->ids, nc * sizeof *ids);
    if (!ids) return LOTSE_ENOMEM;
    o->ids = ids;
    uint64_t *ln = realloc(o->lines, nc * sizeof *ln);
    if (!ln) return LOTSE_ENOMEM;
    o->lines = ln;
    o->cap = nc;
  }
  o->ids[o->n] = id;
  o->lines[o->n++] = line;
  return 0;
}

int lw_drain_parse(lw_drain *d, const lw_format *f, const char *buf,
                   size_t len, lw_parse_out *out, lotse_err_t *err) {
  const char *p = buf, *end = buf + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    uint64_t lineno = ++out->total_lines;
    const char *c = p;
    size_t cl = (size_t)(le - p);
    int m = f ? lw_format_match(f, p, cl, NULL, 0, NULL, &c, &cl) : 1;
    if (m < 0)
      return lotse_err_set(err, m, "line %llu: pattern match failed",
                           (unsigned long long)lineno);
    if (m == 0) {
      out->malformed++;
    } else {
      uint32_t id;
      int is_new, rc = lw_drain_add(d, c, cl, &id, &is_new);
      if (rc == LOTSE_ETOOBIG) {
        out->malformed++;
      } else if (rc) {
        return lotse_err_set(err, rc, "out of memory at line %llu",
                             (unsigned long long)lineno);
      } else if (out_push(out, id, lineno)) {
        return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
      }
    }
    p = nl ? nl + 1 : end;
  }
  return 0;
}

void lw_parse_out_release(lw_parse_out *o) {
  free(o->ids);
  free(o->lines);
  memset(o, 0, sizeof *o);
}

void lw_drain_event_id(const char *template_text, char id[10]) {
  char hex[65];
  lotse_sha256_hex(template_text, strlen(template_text), hex);
  id[0] = 'E';
  memcpy(id + 1, hex, 8);
  id[9] = 0;
}

/* "EID,TEMPLATE\n" for each cluster, quoted as Python's csv would. */
static char *row_tail(const char *tmpl) {
  char id[10];
  lw_drain_event_id(tmpl, id);
  int quote = strpbrk(tmpl, ",\"\r\n") != NULL;
  lotse_buf_t b;
  lotse_buf_init(&b, (size_t)1 << 30);
  int rc = lotse_buf_puts(&b, id) | lotse_buf_putc(&b, ',');
  if (quote) rc |= lotse_buf_putc(&b, '"');
  for (const char *s = tmpl; *s; s++) {
    if (*s == '"') rc |= lotse_buf_putc(&b, '"');
    rc |= lotse_buf_putc(&b, *s);
  }
  if (quote) rc |= lotse_buf_putc(&b, '"');
  rc |= lotse_buf_putc(&b, '\n');
  if (rc) {
    lotse_buf_release(&b);
    return NULL;
  }
  return lotse_buf_detach(&b);
}

static char *put_u64(char *e, uint64_t v) {
  char tmp[24];
  int k = 0;
  do tmp[k++] = (char)('0' + v % 10), v /= 10;
  while (v);
  while (k) *e++ = tmp[--k];
  return e;
}

static int write_rows(const lw_parse_out *o, char *const *tail,
                      const size_t *tlen, FILE *fp) {
  enum { CHUNK = 1 << 16 };
  char *buf = malloc(CHUNK);
  if (!buf) return LOTSE_ENOMEM;
  size_t used = 0;
  int rc = 0;
  for (size_t i = 0; i < o->n && !rc; i++) {
    size_t tl = tlen[o->ids[i]];
    if (used + tl + 24 > CHUNK) {
      if (fwrite(buf, 1, used, fp) != used) rc = LOTSE_EIO;
      used = 0;
    }
    char *e = put_u64(buf + used, o->lines[i]);
    *e++ = ',';
    if (tl + 24 > CHUNK) { /* a huge template: write it on its own */
      if (fwrite(buf, 1, (size_t)(e - buf), fp) != (size_t)(e - buf) ||
          fwrite(tail[o->ids[i]], 1, tl, fp) != tl)
        rc = LOTSE_EIO;
      used = 0;
      continue;
    }
    memcpy(e, tail[o->ids[i]], tl);
    used = (size_t)(e - buf) + tl;
  }
  if (!rc && used && fwrite(buf, 1, used, fp) != used) rc = LOTSE_EIO;
  free(buf);
  return rc;
}

int lw_drain_write_csv(const lw_drain *d, const lw_parse_out *o, FILE *fp,
                       lotse_err_t *err) {
  size_t nc = lw_drain_count(d);
  char **tail = calloc(nc + 1, sizeof *tail);
  size_t *tlen = calloc(nc + 1, sizeof *tlen);
  int rc = tail && tlen ? 0 : LOTSE_ENOMEM;
  for (uint32_t id = 1; !rc && id <= nc; id++) {
    tail[id] = row_tail(lw_drain_template(d, id));
    if (!tail[id]) rc = LOTSE_ENOMEM;
    else tlen[id] = strlen(tail[id]);
  }
  if (!rc && fputs("LineId,EventId,EventTemplate\n", fp) == EOF) rc = LOTSE_EIO;
  if (!rc) rc = write_rows(o, tail, tlen, fp);
  if (!rc && fflush(fp)) rc = LOTSE_EIO;
  for (size_t id = 0; tail && id <= nc; id++) free(tail[id]);
  free(tail);
  free(tlen);
  if (rc == LOTSE_EIO) return lotse_err_set(err, rc, "cannot write the CSV");
  if (rc) return lotse_err_set(err, rc, "out of memory");
  return 0;
}

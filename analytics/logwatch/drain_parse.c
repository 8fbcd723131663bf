/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/drain_parse.c — whole-buffer parsing and the structured
 * CSV (see drain_parse.h). CSV quoting follows Python's csv module
 * (QUOTE_MINIMAL): a field holding ',', '"', '\r' or '\n' is quoted and its
 * quotes doubled; rows end with "\n" as pandas writes them.
 */
#include "analytics/logwatch/drain_parse.h"
#include "analytics/logwatch/drain_internal.h"

#include <pthread.h>
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

static int parse_seq(lw_drain *d, const lw_format *f, const char *buf,
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

/* ------------------------------------------------------------- pipeline */

#define BATCH_LINES 8192
#define NSLOTS 3

typedef struct batch {
  char *bytes; /* the masked tokens of the batch, back to back */
  size_t blen, bcap;
  uint32_t *tl; /* per token */
  uint8_t *tv;
  size_t ntok, tcap;
  long nt[BATCH_LINES];          /* tokens per line; < 0: not learnable */
  uint64_t lineno[BATCH_LINES];
  size_t n;
  int rc, last, full;
} batch;

typedef struct pipe_state {
  lw_drain *d;
  const lw_format *f;
  const char *p, *end;
  uint64_t lineno;
  batch slot[NSLOTS];
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stop; /* consumer gave up */
  lw_drain_scratch sc;
} pipe_state;

static int grow_bytes(char **p, size_t *cap, size_t need) {
  if (need <= *cap) return 0;
  size_t nc = *cap ? *cap : 1 << 16;
  while (nc < need) nc *= 2;
  char *q = realloc(*p, nc);
  if (!q) return LOTSE_ENOMEM;
  *p = q;
  *cap = nc;
  return 0;
}

static int grow_toks(batch *b, size_t need) {
  if (need <= b->tcap) return 0;
  size_t nc = b->tcap ? b->tcap : 1 << 14;
  while (nc < need) nc *= 2;
  uint32_t *tl = realloc(b->tl, nc * sizeof *tl);
  if (!tl) return LOTSE_ENOMEM;
  b->tl = tl;
  uint8_t *tv = realloc(b->tv, nc);
  if (!tv) return LOTSE_ENOMEM;
  b->tv = tv;
  b->tcap = nc;
  return 0;
}

static int batch_put(batch *b, const lw_drain_scratch *sc, long nt) {
  size_t bytes = 0;
  for (long k = 0; k < nt; k++) bytes += sc->tl[k];
  if (grow_bytes(&b->bytes, &b->bcap, b->blen + bytes) ||
      grow_toks(b, b->ntok + (size_t)nt))
    return LOTSE_ENOMEM;
  for (long k = 0; k < nt; k++) {
    memcpy(b->bytes + b->blen, sc->tp[k], sc->tl[k]);
    b->blen += sc->tl[k];
    b->tl[b->ntok] = sc->tl[k];
    b->tv[b->ntok++] = sc->tv[k];
  }
  return 0;
}

/* Fill b with the next lines; 0 or an error code. */
static int fill(pipe_state *ps, batch *b) {
  b->n = b->blen = b->ntok = 0;
  while (b->n < BATCH_LINES && ps->p < ps->end) {
    const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
    const char *le = nl ? nl : ps->end;
    const char *c = ps->p;
    size_t cl = (size_t)(le - ps->p);
    b->lineno[b->n] = ++ps->lineno;
    ps->p = nl ? nl + 1 : ps->end;
    int m = ps->f ? lw_format_match(ps->f, c, cl, NULL, 0, NULL, &c, &cl) : 1;
    if (m < 0) return m;
    long nt = m ? lw_drain_prepare(ps->d, &ps->sc, c, cl) : -1;
    if (nt == LOTSE_ENOMEM) return LOTSE_ENOMEM;
    if (nt >= 0 && batch_put(b, &ps->sc, nt)) return LOTSE_ENOMEM;
    b->nt[b->n++] = nt;
  }
  b->last = ps->p >= ps->end;
  return 0;
}

static void *producer(void *arg) {
  pipe_state *ps = arg;
  for (size_t i = 0;; i = (i + 1) % NSLOTS) {
    batch *b = &ps->slot[i];
    pthread_mutex_lock(&ps->mu);
    while (b->full && !ps->stop) pthread_cond_wait(&ps->cv, &ps->mu);
    int stop = ps->stop;
    pthread_mutex_unlock(&ps->mu);
    if (stop) return NULL;
    int rc = fill(ps, b);
    pthread_mutex_lock(&ps->mu);
    b->rc = rc;
    if (rc) b->last = 1;
    b->full = 1;
    pthread_cond_broadcast(&ps->cv);
    pthread_mutex_unlock(&ps->mu);
    if (b->last) return NULL;
  }
}

/* Learn the lines of one batch in order. */
static int consume(lw_drain *d, const batch *b, lw_parse_out *out,
                   lotse_err_t *err) {
  size_t tok = 0, off = 0;
  for (size_t i = 0; i < b->n; i++) {
    long nt = b->nt[i];
    if (nt < 0) {
      out->malformed++;
      continue;
    }
    for (long k = 0; k < nt; k++) {
      d->tp[k] = b->bytes + off;
      d->tl[k] = b->tl[tok];
      d->tv[k] = b->tv[tok];
      off += b->tl[tok++];
    }
    uint32_t id;
    int is_new;
    if (lw_drain_learn(d, (size_t)nt, (const char *const *)d->tp, d->tl,
                       d->tv, &id, &is_new) ||
        out_push(out, id, b->lineno[i]))
      return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  return 0;
}

static int parse_pipeline(lw_drain *d, const lw_format *f, const char *buf,
                          size_t len, lw_parse_out *out, lotse_err_t *err) {
  pipe_state *ps = calloc(1, sizeof *ps);
  if (!ps || lw_drain_scratch_init(&ps->sc)) {
    free(ps);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  ps->d = d, ps->f = f, ps->p = buf, ps->end = buf + len;
  ps->lineno = out->total_lines;
  pthread_mutex_init(&ps->mu, NULL);
  pthread_cond_init(&ps->cv, NULL);
  pthread_t th;
  int rc = 0, started = pthread_create(&th, NULL, producer, ps) == 0;
  if (!started) /* no thread: do it in this one */
    rc = parse_seq(d, f, buf, len, out, err);
  for (size_t i = 0; started && !rc; i = (i + 1) % NSLOTS) {
    batch *b = &ps->slot[i];
    pthread_mutex_lock(&ps->mu);
    while (!b->full) pthread_cond_wait(&ps->cv, &ps->mu);
    pthread_mutex_unlock(&ps->mu);
    if (b->rc) {
      rc = lotse_err_set(err, b->rc, b->rc == LOTSE_ENOMEM
                                         ? "out of memory"
                                         : "pattern match failed");
    } else {
      rc = consume(d, b, out, err);
      out->total_lines = b->n ? b->lineno[b->n - 1] : out->total_lines;
    }
    int last = b->last;
    pthread_mutex_lock(&ps->mu);
    b->full = 0;
    if (rc) ps->stop = 1;
    pthread_cond_broadcast(&ps->cv);
    pthread_mutex_unlock(&ps->mu);
    if (last) break;
  }
  if (started) pthread_join(th, NULL);
  pthread_mutex_destroy(&ps->mu);
  pthread_cond_destroy(&ps->cv);
  for (size_t i = 0; i < NSLOTS; i++) {
    free(ps->slot[i].bytes), free(ps->slot[i].tl), free(ps->slot[i].tv);
  }
  lw_drain_scratch_release(&ps->sc);
  free(ps);
  return rc;
}

int lw_drain_parse_threads(lw_drain *d, const lw_format *f, const char *buf,
                           size_t len, int threads, lw_parse_out *out,
                           lotse_err_t *err) {
  if (threads >= 2) return parse_pipeline(d, f, buf, len, out, err);
  return parse_seq(d, f, buf, len, out, err);
}

int lw_drain_parse(lw_drain *d, const lw_format *f, const char *buf,
                   size_t len, lw_parse_out *out, lotse_err_t *err) {
  return lw_drain_parse_threads(d, f, buf, len, len >= ((size_t)1 << 20) ? 2 : 1,
                                out, err);
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

/* ------------------------------------------------------------ templates */

typedef struct tref {
  const char *text;
  uint32_t id;
  uint64_t count;
} tref;

static int cmp_text_id(const void *a, const void *b) {
  const tref *x = a, *y = b;
  int c = strcmp(x->text, y->text);
  return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int cmp_id(const void *a, const void *b) {
  const tref *x = a, *y = b;
  return (x->id > y->id) - (x->id < y->id);
}

static int put_csv_field(FILE *fp, const char *v) {
  if (!strpbrk(v, ",\"\r\n")) return fputs(v, fp) == EOF;
  if (fputc('"', fp) == EOF) return 1;
  for (; *v; v++)
    if ((*v == '"' && fputc('"', fp) == EOF) || fputc(*v, fp) == EOF) return 1;
  return fputc('"', fp) == EOF;
}

int lw_drain_write_templates(const lw_drain *d, FILE *fp, lotse_err_t *err) {
  size_t n = lw_drain_count(d), u = 0;
  tref *t = malloc((n ? n : 1) * sizeof *t);
  if (!t) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  for (uint32_t id = 1; id <= n; id++)
    t[id - 1] = (tref){lw_drain_template(d, id), id, lw_drain_size(d, id)};
  qsort(t, n, sizeof *t, cmp_text_id); /* equal texts: lowest id first */
  for (size_t i = 0; i < n; i++) {
    if (u && !strcmp(t[u - 1].text, t[i].text)) t[u - 1].count += t[i].count;
    else t[u++] = t[i];
  }
  qsort(t, u, sizeof *t, cmp_id);
  int bad = fputs("EventId,EventTemplate,Occurrences\n", fp) == EOF;
  for (size_t i = 0; i < u && !bad; i++) {
    char eid[10];
    lw_drain_event_id(t[i].text, eid);
    bad = fprintf(fp, "%s,", eid) < 0 || put_csv_field(fp, t[i].text) ||
          fprintf(fp, ",%llu\n", (unsigned long long)t[i].count) < 0;
  }
  free(t);
  if (bad || fflush(fp)) return lotse_err_set(err, LOTSE_EIO, "cannot write the templates CSV");
  return 0;
}

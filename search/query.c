/* SPDX-License-Identifier: EUPL-1.2
 *
 * search/query.c — from what staff type to an FTS5 MATCH expression.
 *
 * Every term in the expression comes out of text_analyze(), quoted; the
 * user's text never reaches FTS5's query parser, so no input can produce
 * an FTS5 syntax error or inject column filters.
 * Shape: (REQUIRED...) AND (ANY), where ANY repeats the required items so
 * that optional words only add to the rank; excluded items form a second
 * expression that search.c uses to drop whole documents. A compound
 * word W with parts p1..pn becomes ("w" OR ("p1" AND ... AND "pn")): the
 * compound or all of its parts, so "Urlaubsantrag" finds "Antrag auf
 * Urlaub" but not every "Antrag" (measured: OR-ing the parts gains 0.005
 * nDCG@10 on LegalQuAD and costs precision on short queries).
 */
#include "search/search_internal.h"

#include <stdlib.h>
#include <string.h>

typedef enum { ITEM_OPTIONAL, ITEM_REQUIRED, ITEM_EXCLUDED } item_mode_t;

typedef struct qbuild {
  text_analyzer_t *an;
  lotse_buf_t req, opt, neg;
  int nreq, nopt, nneg;
  search_query_t *out; /* terms and prefixes to highlight */
} qbuild_t;

/* Terms of one analysed word or phrase. */
typedef struct terms {
  lotse_strv_t main;  /* position-advancing terms, in order */
  lotse_strv_t parts; /* colocated compound parts */
  int oom;
} terms_t;

static int collect_term(void *ctx, const char *t, size_t n, size_t s,
                        size_t e, int colocated) {
  (void)s;
  (void)e;
  terms_t *tt = ctx;
  char *c = lotse_strndup(t, n);
  if (!c || lotse_strv_push(colocated ? &tt->parts : &tt->main, c))
    tt->oom = 1;
  free(c);
  return tt->oom;
}

static int put_quoted(lotse_buf_t *b, const char *t) {
  int rc = lotse_buf_putc(b, '"');
  for (const char *p = t; *p && !rc; p++)
    rc = (*p == '"') ? lotse_buf_puts(b, "\"\"") : lotse_buf_putc(b, *p);
  return rc ? rc : lotse_buf_putc(b, '"');
}

/* A sequence of terms as one FTS5 phrase: "a b c". */
static int put_phrase(lotse_buf_t *b, const lotse_strv_t *v) {
  int rc = lotse_buf_putc(b, '"');
  for (size_t i = 0; i < v->n && !rc; i++) {
    if (i) rc = lotse_buf_putc(b, ' ');
    for (const char *p = v->v[i]; *p && !rc; p++)
      rc = (*p == '"') ? lotse_buf_puts(b, "\"\"") : lotse_buf_putc(b, *p);
  }
  return rc ? rc : lotse_buf_putc(b, '"');
}

static int put_parts(lotse_buf_t *b, const terms_t *t, const char *op) {
  int rc = lotse_buf_putc(b, '(');
  for (size_t i = 0; i < t->parts.n && !rc; i++) {
    if (i) rc = lotse_buf_puts(b, op);
    if (!rc) rc = put_quoted(b, t->parts.v[i]);
  }
  return rc ? rc : lotse_buf_putc(b, ')');
}

/* Expression for one item into b: a word (with its compound parts), a
 * multi-term word or phrase, or a prefix. */
static int put_item(lotse_buf_t *b, const terms_t *t, int phrase,
                    item_mode_t mode) {
  if (phrase || (t->main.n > 1 && (!t->parts.n || mode != ITEM_OPTIONAL)))
    return put_phrase(b, &t->main);
  if (t->main.n > 1) {
    /* A hyphenated word: the phrase of its parts, or (optional words only)
     * the joined form and compound parts the analyzer added. */
    int rc = lotse_buf_putc(b, '(');
    if (!rc) rc = put_phrase(b, &t->main);
    if (!rc) rc = lotse_buf_puts(b, " OR ");
    if (!rc) rc = put_parts(b, t, " OR ");
    return rc ? rc : lotse_buf_putc(b, ')');
  }
  if (!t->parts.n) return put_quoted(b, t->main.v[0]);
  int rc = lotse_buf_puts(b, "(");
  if (!rc) rc = put_quoted(b, t->main.v[0]);
  if (!rc) rc = lotse_buf_puts(b, " OR ");
  if (!rc) rc = put_parts(b, t, " AND ");
  return rc ? rc : lotse_buf_putc(b, ')');
}

static int join(lotse_buf_t *b, int *count, const char *op, const char *s) {
  int rc = (*count)++ ? lotse_buf_puts(b, op) : 0;
  return rc ? rc : lotse_buf_puts(b, s);
}

static int add_item(qbuild_t *q, const char *text, size_t n, int phrase,
                    int prefix, item_mode_t mode) {
  terms_t t = {0};
  int rc = 0;
  if (prefix) {
    char *f = text_fold_prefix(q->an, text, n);
    if (!f) return LOTSE_ENOMEM;
    if (*f) rc = lotse_strv_push(&t.main, f);
    free(f);
  } else {
    int flags = phrase ? TEXT_NO_COMPOUNDS : 0;
    rc = text_analyze(q->an, text, n, flags, collect_term, &t);
    if (t.oom) rc = LOTSE_ENOMEM;
  }
  for (size_t i = 0; !rc && mode != ITEM_EXCLUDED && i < t.main.n; i++)
    rc = lotse_strv_push(prefix ? &q->out->prefixes : &q->out->terms,
                         t.main.v[i]);
  for (size_t i = 0; !rc && mode != ITEM_EXCLUDED && i < t.parts.n; i++)
    rc = lotse_strv_push(&q->out->terms, t.parts.v[i]);
  lotse_buf_t one;
  lotse_buf_init(&one, 1 << 16);
  if (!rc && t.main.n) {
    rc = put_item(&one, &t, phrase, mode);
    if (!rc && prefix) rc = lotse_buf_puts(&one, " *");
    if (!rc && mode == ITEM_REQUIRED) {
      rc = join(&q->req, &q->nreq, " AND ", one.data);
      if (!rc) rc = join(&q->opt, &q->nopt, " OR ", one.data);
    } else if (!rc && mode == ITEM_OPTIONAL) {
      rc = join(&q->opt, &q->nopt, " OR ", one.data);
    } else if (!rc) {
      rc = join(&q->neg, &q->nneg, " OR ", one.data);
    }
  }
  lotse_buf_release(&one);
  lotse_strv_release(&t.main);
  lotse_strv_release(&t.parts);
  return rc;
}

/* Quotes: ASCII '"' and the German „…“ / typographic “…”. Returns the
 * byte length of a quote character at p, or 0. */
static size_t quote_len(const char *p) {
  if (*p == '"') return 1;
  if (!strncmp(p, "\xE2\x80\x9E", 3) || !strncmp(p, "\xE2\x80\x9C", 3) ||
      !strncmp(p, "\xE2\x80\x9D", 3))
    return 3;
  return 0;
}

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int parse(qbuild_t *q, const char *s, lotse_err_t *err) {
  const char *p = s;
  int rc = 0;
  while (*p && !rc) {
    if (is_blank(*p)) { p++; continue; }
    item_mode_t mode = ITEM_OPTIONAL;
    if (*p == '+' || *p == '-') {
      mode = *p == '+' ? ITEM_REQUIRED : ITEM_EXCLUDED;
      p++;
    }
    size_t ql = quote_len(p);
    if (ql) {
      const char *start = p + ql, *e = start;
      while (*e && !quote_len(e)) e++;
      if (!*e)
        return lotse_err_set(err, LOTSE_EINVAL,
                             "Anführungszeichen nicht geschlossen");
      rc = add_item(q, start, (size_t)(e - start), 1, 0, mode);
      p = e + quote_len(e);
      continue;
    }
    const char *start = p;
    while (*p && !is_blank(*p) && !quote_len(p)) p++;
    size_t n = (size_t)(p - start);
    int prefix = n > 1 && start[n - 1] == '*';
    if (prefix) n--;
    if (n) rc = add_item(q, start, n, 0, prefix, mode);
  }
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  return rc;
}

static int assemble(qbuild_t *q, lotse_buf_t *out) {
  int rc = 0;
  if (q->nreq) {
    rc = lotse_buf_printf(out, "(%s)", q->req.data);
    if (!rc && q->nopt > q->nreq)
      rc = lotse_buf_printf(out, " AND (%s)", q->opt.data);
  } else {
    rc = lotse_buf_printf(out, "(%s)", q->opt.data);
  }
  return rc;
}

void search_query_release(search_query_t *q) {
  free(q->match);
  free(q->exclude);
  lotse_strv_release(&q->terms);
  lotse_strv_release(&q->prefixes);
  memset(q, 0, sizeof *q);
}

int search_query_compile(search_t *s, const char *query, search_query_t *out,
                         lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  if (!query) return lotse_err_set(err, LOTSE_EINVAL, "keine Suchanfrage");
  if (strlen(query) > 4096)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Suchanfrage zu lang (höchstens 4096 Zeichen)");
  qbuild_t q = {.an = s->an, .out = out};
  lotse_buf_init(&q.req, 1 << 20);
  lotse_buf_init(&q.opt, 1 << 20);
  lotse_buf_init(&q.neg, 1 << 20);
  int rc = parse(&q, query, err);
  if (!rc && q.nopt) {
    lotse_buf_t m;
    lotse_buf_init(&m, 1 << 22);
    rc = assemble(&q, &m);
    if (!rc) out->match = lotse_buf_detach(&m);
    else lotse_buf_release(&m);
    if (!rc && q.nneg && !(out->exclude = lotse_buf_detach(&q.neg)))
      rc = LOTSE_ENOMEM;
    if (rc) lotse_err_set(err, rc, "query too complex");
  }
  lotse_buf_release(&q.req);
  lotse_buf_release(&q.opt);
  lotse_buf_release(&q.neg);
  if (rc) search_query_release(out);
  return rc;
}

int search_query_build(search_t *s, const char *query, char **match,
                       char **exclude, lotse_err_t *err) {
  search_query_t q;
  *match = *exclude = NULL;
  int rc = search_query_compile(s, query, &q, err);
  if (rc) return rc;
  *match = q.match;
  *exclude = q.exclude;
  q.match = q.exclude = NULL;
  search_query_release(&q);
  return 0;
}

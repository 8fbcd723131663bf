/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/fts5.c — the FTS5 tokenizer "lotse_de" over text_analyze().
 *
 * Contract: documents (FTS5_TOKENIZE_DOCUMENT) and auxiliary calls
 * (FTS5_TOKENIZE_AUX: snippet(), highlight()) get the full analysis, with
 * compound parts and joined hyphen forms as FTS5_TOKEN_COLOCATED and byte
 * offsets into the original text, so highlight() marks the source word.
 * Queries (FTS5_TOKENIZE_QUERY, with or without FTS5_TOKENIZE_PREFIX) are
 * pre-analysed terms (search/ builds MATCH from text_analyze() output):
 * each whitespace-separated piece is emitted verbatim.
 * Invariants: every tokenizer instance owns its analyzer (stemmers are not
 * thread-safe, and SQLite uses one instance per table and connection); an
 * error from text_analyze() becomes SQLITE_NOMEM or SQLITE_ERROR.
 */
#include "text/text_internal.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define TOKENIZER_NAME "lotse_de"

typedef struct fts_tok {
  text_analyzer_t *an;
} fts_tok_t;

typedef struct fts_call {
  void *ctx;
  int (*xToken)(void *, int, const char *, int, int, int);
} fts_call_t;

static int tok_create(void *user, const char **argv, int argc,
                      Fts5Tokenizer **out) {
  (void)user;
  (void)argv;
  *out = NULL;
  if (argc > 0) return SQLITE_ERROR; /* "lotse_de" takes no options */
  fts_tok_t *t = calloc(1, sizeof *t);
  if (!t) return SQLITE_NOMEM;
  if (text_analyzer_new(&t->an, NULL) != 0) {
    free(t);
    return SQLITE_NOMEM;
  }
  *out = (Fts5Tokenizer *)t;
  return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *p) {
  fts_tok_t *t = (fts_tok_t *)p;
  if (!t) return;
  text_analyzer_free(t->an);
  free(t);
}

static int on_term(void *ctx, const char *term, size_t len, size_t start,
                   size_t end, int colocated) {
  fts_call_t *c = ctx;
  return c->xToken(c->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, term,
                   (int)len, (int)start, (int)end);
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/* Query mode: whitespace-separated pieces, verbatim. */
static int tokenize_query(const char *s, int n, fts_call_t *c) {
  int i = 0;
  while (i < n) {
    while (i < n && is_space(s[i])) i++;
    int st = i;
    while (i < n && !is_space(s[i])) i++;
    if (i > st) {
      int rc = c->xToken(c->ctx, 0, s + st, i - st, st, i);
      if (rc != SQLITE_OK) return rc;
    }
  }
  return SQLITE_OK;
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags,
                        const char *text, int n,
                        int (*xToken)(void *, int, const char *, int, int,
                                      int)) {
  fts_tok_t *t = (fts_tok_t *)p;
  fts_call_t c = {ctx, xToken};
  if (n <= 0) return SQLITE_OK;
  if (flags & FTS5_TOKENIZE_QUERY) return tokenize_query(text, n, &c);
  int rc = text_analyze(t->an, text, (size_t)n, 0, on_term, &c);
  if (rc < 0) return rc == LOTSE_ENOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
  return rc;
}

int text_fts5_register(sqlite3 *db, lotse_err_t *err) {
  if (!db) return lotse_err_set(err, LOTSE_EINVAL, "no database handle");
  fts5_api *api = NULL;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    rc = sqlite3_step(st);
  }
  sqlite3_finalize(st);
  if (!api)
    return lotse_err_set(err, LOTSE_EDB, "unable to get the fts5 api: %s",
                         sqlite3_errmsg(db));
  fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
  rc = api->xCreateTokenizer(api, TOKENIZER_NAME, NULL, &tok, NULL);
  if (rc != SQLITE_OK)
    return lotse_err_set(err, LOTSE_EDB,
                         "unable to register tokenizer '%s': %s",
                         TOKENIZER_NAME, sqlite3_errstr(rc));
  return 0;
}

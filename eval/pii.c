/* SPDX-License-Identifier: EUPL-1.2
 *
 * eval/pii.c — quality of the PII scanner (text/pii.h) on public data:
 *
 *  1. python-stdnum's test vectors (the .doctest files in privacy/stdnum): every number
 *     the doctests call valid must be found as one finding of its type
 *     spanning exactly the vector, with valid = true; no number they call
 *     invalid may be reported valid. Each vector is scanned bare and after
 *     its usual label ("IBAN", "Steuer-ID", "Steuernummer", "USt-IdNr.")
 *     in a German sentence; numbers of types lotse does not detect (foreign
 *     VAT ids, Handelsregister, Leitweg-ID) are counted as out of scope.
 *  2. False positives per 1,000 sentences of GermEval 2014 (NER-de-test.tsv,
 *     German Wikipedia and news without bank or tax numbers): every finding
 *     of a checked type there is a false positive; the other types are
 *     reported too (a birth date after "geboren" is a true finding there).
 *
 * Usage: eval_pii [--strict] [DATA_DIR]   (DATA_DIR: .../shared/data/privacy;
 *        default $LOTSE_SOURCE_DIR/../shared/data/privacy, then
 *        ../shared/data/privacy). Exit 0 (also when the data is absent:
 *        the run is skipped with a message); 1 with --strict when a valid
 *        vector is missed or an invalid one reported valid; 2 bad usage.
 */
#include "base/base.h"
#include "text/pii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------ doctest vectors */

typedef struct vec {
  char *value;
  int valid; /* 1 valid, 0 invalid */
} vec_t;

typedef struct vecs {
  vec_t *v;
  size_t n, cap;
} vecs_t;

static int vecs_push(vecs_t *vs, const char *s, size_t n, int valid) {
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
  while (n && *s == ' ') s++, n--;
  if (!n) return 0;
  if (vs->n == vs->cap) {
    size_t cap = vs->cap ? vs->cap * 2 : 64;
    vec_t *v = realloc(vs->v, cap * sizeof *v);
    if (!v) return -1;
    vs->v = v;
    vs->cap = cap;
  }
  vs->v[vs->n].value = lotse_strndup(s, n);
  vs->v[vs->n++].valid = valid;
  return vs->v[vs->n - 1].value ? 0 : -1;
}

static void vecs_release(vecs_t *vs) {
  for (size_t i = 0; i < vs->n; i++) free(vs->v[i].value);
  free(vs->v);
}

/* Validity a `>>>` line gives the numbers of the block before it: 1 valid,
 * 0 invalid, -1 says nothing (is_valid with extra arguments, other code). */
static int block_verdict(const char *line) {
  if (strstr(line, "caught(")) return 0;
  if (!strstr(line, ".is_valid(x)")) return -1;
  return strstr(line, " not ") ? 1 : 0;
}

/* A single-argument call "validate('X')" or "is_valid('X')": copies X. */
static int single_call(const char *line, char *out, size_t cap) {
  const char *p = strstr(line, "validate(");
  if (p) p += 9;
  else if ((p = strstr(line, "is_valid(")) != NULL) p += 9;
  else return 0;
  char q = *p;
  if (q != '\'' && q != '"') return 0;
  const char *e = strchr(p + 1, q);
  if (!e || e[1] != ')' || strchr(p + 1, '\\')) return 0;
  size_t n = (size_t)(e - p - 1);
  if (n >= cap) return 0;
  memcpy(out, p + 1, n);
  out[n] = '\0';
  return 1;
}

/* Read the vectors of one doctest file: blocks of "... value" lines, whose
 * validity the following ">>>" list comprehension states, and single calls
 * whose next line is a result ('...', True) or an error (Traceback, False). */
static int read_doctest(const char *path, vecs_t *vs) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[1024], call[512];
  vecs_t block = {0};
  int in_block = 0, pending = 0, rc = 0;
  while (fgets(line, sizeof line, f) && !rc) {
    if (pending) { /* result line of a single call */
      if (strncmp(line, "Traceback", 9) == 0 || strncmp(line, "False", 5) == 0)
        rc = vecs_push(vs, call, strlen(call), 0);
      else if (line[0] == '\'' || strncmp(line, "True", 4) == 0)
        rc = vecs_push(vs, call, strlen(call), 1);
      pending = 0;
    }
    if (in_block) {
      if (strncmp(line, "... ", 4) == 0 && !strstr(line, "'''") &&
          !strstr(line, "\"\"\""))
        rc = vecs_push(&block, line + 4, strlen(line + 4), -1);
      else if (strncmp(line, "...", 3) != 0 || strstr(line, "'''") ||
               strstr(line, "\"\"\""))
        in_block = 0;
      continue;
    }
    if (strncmp(line, ">>> ", 4) != 0) continue;
    if (strstr(line, "= '''") || strstr(line, "= \"\"\"")) {
      for (size_t i = 0; i < block.n; i++) free(block.v[i].value);
      block.n = 0;
      in_block = 1;
      continue;
    }
    int v = block_verdict(line);
    if (v >= 0) {
      for (size_t i = 0; i < block.n && !rc; i++)
        rc = vecs_push(vs, block.v[i].value, strlen(block.v[i].value), v);
      for (size_t i = 0; i < block.n; i++) free(block.v[i].value);
      block.n = 0;
      continue;
    }
    pending = single_call(line, call, sizeof call);
  }
  vecs_release(&block);
  fclose(f);
  return rc;
}

/* --------------------------------------------------------- vector checks */

typedef struct scope {
  const char *file;   /* test_<file>.doctest */
  int type;           /* text_pii_type_t, -1 = not a lotse type */
  const char *prefix; /* only vectors starting with it are in scope */
  const char *label;  /* written before the number in the sentence */
} scope_t;

static const scope_t scopes[] = {
    {"test_iban.doctest", TEXT_PII_IBAN, NULL, "IBAN"},
    {"test_de_idnr.doctest", TEXT_PII_TAX_ID, NULL, "Steuer-ID"},
    {"test_de_stnr.doctest", TEXT_PII_TAX_NUMBER, NULL, "Steuernummer"},
    {"test_eu_vat.doctest", TEXT_PII_VAT_ID, "DE", "USt-IdNr."},
    {"test_de_handelsregisternummer.doctest", -1, NULL, NULL},
    {"test_de_leitweg.doctest", -1, NULL, NULL},
};

typedef struct tally {
  int valid, found_bare, ok_bare, found_label, ok_label;
  int invalid, reported_valid, out_of_scope;
} tally_t;

/* How the scanner sees value inside text at offset off: 2 = one finding
 * of type spanning exactly the value and valid, 1 = that finding but not
 * valid, 0 = no such finding; *any_valid = some valid finding of type
 * overlaps the value. */
static int judge(const char *text, size_t off, size_t len, int type,
                 int *any_valid) {
  text_pii_list_t l = {0};
  int r = 0;
  *any_valid = 0;
  if (text_pii_scan(text, strlen(text), 0, &l, NULL)) return 0;
  for (size_t k = 0; k < l.n; k++) {
    const text_pii_finding_t *f = &l.v[k];
    if ((int)f->type != type) continue;
    int overlap = f->start < off + len && f->end > off;
    if (overlap && f->valid == TEXT_PII_CHECK_VALID) *any_valid = 1;
    if (f->start == off && f->end == off + len)
      r = f->valid == TEXT_PII_CHECK_VALID ? 2 : 1;
  }
  text_pii_list_release(&l);
  return r;
}

static void eval_vector(const scope_t *sc, const vec_t *v, tally_t *t,
                        int verbose) {
  char text[1200];
  size_t len = strlen(v->value);
  int any_bare, any_label;
  int bare = judge(v->value, 0, len, sc->type, &any_bare);
  int n = snprintf(text, sizeof text, "Laut Antrag lautet die %s %s.",
                   sc->label, v->value);
  if (n < 0 || (size_t)n >= sizeof text) return;
  size_t off = strlen(text) - len - 1;
  int lab = judge(text, off, len, sc->type, &any_label);
  if (v->valid) {
    t->valid++;
    t->found_bare += bare > 0;
    t->ok_bare += bare == 2;
    t->found_label += lab > 0;
    t->ok_label += lab == 2;
    if (lab != 2 && verbose) printf("    missed valid:   '%s'\n", v->value);
  } else {
    t->invalid++;
    if (any_bare || any_label) {
      t->reported_valid++;
      printf("    invalid vector with a valid finding: '%s'\n", v->value);
    }
  }
}

static int eval_stdnum(const char *dir, int verbose, int *bad) {
  printf("## stdnum vectors (%s/stdnum)\n\n", dir);
  for (size_t s = 0; s < sizeof scopes / sizeof scopes[0]; s++) {
    const scope_t *sc = &scopes[s];
    char path[4096];
    vecs_t vs = {0};
    int pn = snprintf(path, sizeof path, "%s/stdnum/%s", dir, sc->file);
    if (pn < 0 || (size_t)pn >= sizeof path || read_doctest(path, &vs)) {
      printf("%s: unreadable\n", sc->file);
      vecs_release(&vs);
      return -1;
    }
    tally_t t = {0};
    printf("%s (%s):\n", sc->file,
           sc->type >= 0 ? text_pii_type_id(sc->type) : "not a lotse type");
    for (size_t i = 0; i < vs.n; i++) {
      const vec_t *v = &vs.v[i];
      if (sc->type < 0 ||
          (sc->prefix && strncmp(v->value, sc->prefix, strlen(sc->prefix))))
        t.out_of_scope++;
      else
        eval_vector(sc, v, &t, verbose);
    }
    printf("  valid %d: found bare %d (checked valid %d), after label %d "
           "(checked valid %d)\n  invalid %d: reported valid %d\n"
           "  out of scope %d\n\n",
           t.valid, t.found_bare, t.ok_bare, t.found_label, t.ok_label,
           t.invalid, t.reported_valid, t.out_of_scope);
    *bad += (t.valid - t.ok_label) + t.reported_valid;
    vecs_release(&vs);
  }
  return 0;
}

/* ------------------------------------------------------ GermEval 2014 */

static int is_checked(int type) {
  return type == TEXT_PII_IBAN || type == TEXT_PII_TAX_ID ||
         type == TEXT_PII_TAX_NUMBER || type == TEXT_PII_VAT_ID ||
         type == TEXT_PII_SOCIAL_SECURITY || type == TEXT_PII_ID_CARD ||
         type == TEXT_PII_PASSPORT;
}

typedef struct fp {
  long sentences, per_type[TEXT_PII_TYPE_COUNT], valid[TEXT_PII_TYPE_COUNT];
  int examples, health_examples;
} fp_t;

static void scan_sentence(const lotse_buf_t *b, fp_t *fp) {
  text_pii_list_t l = {0};
  fp->sentences++;
  if (text_pii_scan(b->data, b->len, 0, &l, NULL)) return;
  for (size_t k = 0; k < l.n; k++) {
    const text_pii_finding_t *f = &l.v[k];
    fp->per_type[f->type]++;
    fp->valid[f->type] += f->valid == TEXT_PII_CHECK_VALID;
    int *ex = f->type == TEXT_PII_HEALTH ? &fp->health_examples : &fp->examples;
    if (*ex < (f->type == TEXT_PII_HEALTH ? 60 : 40)) {
      (*ex)++;
      printf("    %-16s %-8s \"%.*s\"\n", text_pii_type_id(f->type),
             text_pii_check_name(f->valid), (int)(f->end - f->start),
             b->data + f->start);
    }
  }
  text_pii_list_release(&l);
}

static int eval_germeval(const char *dir) {
  char path[4096];
  int pn = snprintf(path, sizeof path, "%s/germeval2014/NER-de-test.tsv", dir);
  FILE *f = pn > 0 && (size_t)pn < sizeof path ? fopen(path, "r") : NULL;
  if (!f) {
    printf("## GermEval 2014: %s absent, skipped\n", path);
    return 0;
  }
  printf("## GermEval 2014 (%s): findings (the first 40, and 60 health terms)\n\n", path);
  fp_t fp = {0};
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    if (line[0] == '\n' || line[0] == '\r') {
      if (b.len) scan_sentence(&b, &fp);
      lotse_buf_reset(&b);
      continue;
    }
    char *tok = strchr(line, '\t'), *end = tok ? strchr(tok + 1, '\t') : NULL;
    if (!tok || !end) continue;
    if (b.len) lotse_buf_putc(&b, ' ');
    lotse_buf_append(&b, tok + 1, (size_t)(end - tok - 1));
  }
  if (b.len) scan_sentence(&b, &fp);
  lotse_buf_release(&b);
  fclose(f);
  printf("\n%ld sentences\n\n| type | findings | per 1,000 sentences | "
         "of them check valid | counts as |\n|---|---|---|---|---|\n",
         fp.sentences);
  long checked = 0;
  for (int t = 0; t < TEXT_PII_TYPE_COUNT; t++) {
    if (is_checked(t)) checked += fp.per_type[t];
    printf("| %s | %ld | %.2f | %ld | %s |\n", text_pii_type_id(t),
           fp.per_type[t], 1000.0 * (double)fp.per_type[t] / (double)fp.sentences,
           fp.valid[t], is_checked(t) ? "false positive" : "to inspect");
  }
  printf("\nfalse positives of checked types: %ld (%.2f per 1,000 sentences)"
         "\n",
         checked, 1000.0 * (double)checked / (double)fp.sentences);
  return 0;
}

int main(int argc, char **argv) {
  int strict = 0, verbose = 1;
  const char *dir = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--strict") == 0) strict = 1;
    else if (strcmp(argv[i], "--quiet") == 0) verbose = 0;
    else if (argv[i][0] == '-') {
      fprintf(stderr, "usage: eval_pii [--strict] [--quiet] [DATA_DIR]\n");
      return 2;
    } else dir = argv[i];
  }
  char def[4096];
  const char *src = getenv("LOTSE_SOURCE_DIR");
  if (!dir) {
    int pn = snprintf(def, sizeof def, "%s/../shared/data/privacy",
                      src ? src : "..");
    dir = def;
    struct stat st;
    if (pn < 0 || (size_t)pn >= sizeof def || stat(def, &st) != 0)
      dir = "../shared/data/privacy";
  }
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    printf("eval_pii: skipped, data directory '%s' is absent\n", dir);
    return 0;
  }
  int bad = 0;
  if (eval_stdnum(dir, verbose, &bad)) return 2;
  eval_germeval(dir);
  printf("\nvalid vectors not validated + invalid vectors reported valid: "
         "%d\n", bad);
  return strict && bad ? 1 : 0;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * eval/fragen.c — "Fragen" end to end on LegalQuAD (200 German questions on
 * 200 labour-court decisions, one gold answer span each), without a model:
 * the extractive answers, through the real gate and registry.
 *
 * Setup: the 200 contexts ingested (class offen) into a scratch workspace;
 * an application "fragen" created, classified (class 1) and approved
 * through gov/registry.h; one user of the permitted unit. Each question
 * runs through fragen_ask() exactly as `lotse ask` does.
 * Measured per question: whether the gate let it through (refusals by
 * reason), whether anything was found, whether the relevant decision is
 * among the cited sources, whether the gold answer is contained in a
 * source passage and in the answer text (whitespace-normalised, case
 * kept), the share of the gold answer's words that the answer text
 * contains (SQuAD-style token recall), and citations naming no source
 * (must be 0). Latency per question is printed, not gated.
 *
 * Usage: eval_fragen LegalQuAD.json [--min-recall X] [--passages N]
 *        [--show-misses N] (N answers that miss a gold span their sources
 *        hold, on stderr)
 * Exit 0; 1 when the mean token recall is below X or a citation names no
 * source; 2 on bad input.
 */
#include "apps/fragen.h"
#include "gov/registry.h"
#include "ingest/ingest.h"
#include "squad.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef squad_qa_t qa_t;

typedef struct tally {
  int asked, refused[GOV_REFUSE_COUNT], found, doc_cited, gold_in_sources,
      gold_in_answer, bad_citations;
  double recall, ms_total;
  double *ms;
} tally_t;

/* ------------------------------------------------------------- matching */

/* s with white space runs as one space, trimmed; caller frees. */
static char *squeeze(const char *s) {
  char *o = malloc(strlen(s) + 1);
  size_t k = 0;
  int sp = 0;
  for (; o && *s; s++) {
    if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
      sp = k > 0;
      continue;
    }
    if (sp) o[k++] = ' ';
    sp = 0;
    o[k++] = *s;
  }
  if (o) o[k] = '\0';
  return o;
}

static int contains(const char *hay, const char *gold) {
  char *h = squeeze(hay), *g = squeeze(gold);
  int r = h && g && *g && strstr(h, g) != NULL;
  free(h);
  free(g);
  return r;
}

static int word_byte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* Share of gold's words (case-folded ASCII) that occur in text. */
static double token_recall(const char *text, const char *gold) {
  int words = 0, hit = 0;
  for (const char *p = gold; *p;) {
    if (!word_byte((unsigned char)*p)) {
      p++;
      continue;
    }
    const char *s = p;
    while (*p && word_byte((unsigned char)*p)) p++;
    size_t n = (size_t)(p - s);
    words++;
    for (const char *t = text; *t; t++)
      if (strncasecmp(t, s, n) == 0 && (t == text || !word_byte((unsigned char)t[-1])) &&
          !word_byte((unsigned char)t[n])) {
        hit++;
        break;
      }
  }
  return words ? (double)hit / words : 0;
}

static int bad_citations(const char *text, size_t n) {
  int bad = 0;
  for (const char *p = strchr(text, '['); p; p = strchr(p + 1, '[')) {
    const char *e = strchr(p, ']');
    if (!e) break;
    int nums[16];
    size_t k = fragen_cite_parse(p + 1, (size_t)(e - p - 1), nums, 16);
    for (size_t i = 0; i < k; i++) bad += nums[i] < 1 || (size_t)nums[i] > n;
  }
  return bad;
}

/* ---------------------------------------------------------------- setup */

static const char APP[] =
    "{\"id\": \"fragen\", \"name\": \"Fragen\", \"purpose\": \"Fragen zu "
    "Urteilen beantworten\", \"owner_unit\": \"recht\", \"models\": [], "
    "\"system_prompt\": \"\", \"config\": {}, \"data_classes\": [\"offen\", "
    "\"intern\"], \"units\": [\"recht\"], \"trainings\": []}";

static int setup(store_t *st, lotse_err_t *err) {
  unsigned oi = STORE_CLASS_BIT(STORE_CLASS_OFFEN) | STORE_CLASS_BIT(STORE_CLASS_INTERN);
  int rc = store_unit_add(st, "recht", NULL, err);
  if (!rc) rc = store_user_put(st, "jurist", "Jurist", "recht", oi, NULL, 0, err);
  if (!rc) rc = store_user_put(st, "koord", "Koord", "recht", oi, NULL, 0, err);
  if (!rc) rc = store_user_put(st, "leitung", "Leitung", "recht", oi, NULL, 0, err);
  if (!rc) rc = gov_role_grant(st, "koord", "ki_koordination", "eval", err);
  if (!rc) rc = gov_role_grant(st, "leitung", "fachdienstleitung", "eval", err);
  json_t *f = json_loads(APP, 0, NULL), *answers = json_object();
  char *none[1] = {NULL};
  gov_classification_t c = {.risk_class = 1, .reasons = none};
  c.measures.trainings = none;
  if (!rc) rc = gov_app_create(st, f, "eval", err);
  if (!rc) rc = gov_app_classify_set(st, "fragen", answers, &c, "eval", err);
  if (!rc) rc = gov_app_submit(st, "fragen", "eval", "", err);
  if (!rc) rc = gov_app_approve(st, "fragen", "koord", "ki_koordination", "", err);
  if (!rc) rc = gov_app_approve(st, "fragen", "leitung", "fachdienstleitung", "", err);
  json_decref(f);
  json_decref(answers);
  return rc;
}

static int ingest_all(store_t *st, json_t *contexts, lotse_err_t *err) {
  ingest_opts_t o;
  ingest_opts_default(&o);
  o.data_class = STORE_CLASS_OFFEN;
  size_t i;
  json_t *ctx;
  json_array_foreach(contexts, i, ctx) {
    char src[64];
    snprintf(src, sizeof src, "legalquad:q%c%c", 'a' + (int)(i / 26), 'a' + (int)(i % 26));
    const char *text = json_string_value(ctx);
    store_put_result_t r;
    int rc = ingest_one(st, src, text, strlen(text), 0, &o, &r, NULL, err);
    if (rc) return rc;
    if (r.doc_id != (int64_t)i + 1)
      return lotse_err_set(err, LOTSE_EINTERNAL, "unexpected doc id");
  }
  return 0;
}

/* ------------------------------------------------------------------ run */

static int g_show; /* --show-misses N: print N questions whose gold answer
                      is in a source but not in the answer */

static void score(tally_t *t, const qa_t *q, const fragen_answer_t *a) {
  t->found += a->found;
  int cited = 0, in_src = 0;
  for (size_t i = 0; i < a->n_sources; i++) {
    const fragen_source_t *s = &a->sources[i];
    cited |= s->cited && s->doc_id == q->doc + 1;
    in_src |= contains(s->text, q->answer);
  }
  t->doc_cited += cited;
  t->gold_in_sources += in_src;
  int in_answer = contains(a->text, q->answer);
  t->gold_in_answer += in_answer;
  if (in_src && !in_answer && g_show > 0) {
    g_show--;
    fprintf(stderr, "--- %s\ngold: %s\nanswer: %s\n", q->question, q->answer,
            a->text);
  }
  t->recall += token_recall(a->text, q->answer);
  t->bad_citations += bad_citations(a->text, a->n_sources);
}

static int run(const char *dir, json_t *contexts, const qa_t *qa, int nq,
               int passages, tally_t *t) {
  char db[512];
  snprintf(db, sizeof db, "%s/lotse.db", dir);
  lotse_err_t err = {0};
  store_t *st = NULL;
  search_t *s = NULL;
  gov_ctx_t *gc = NULL;
  store_principal_t p;
  int rc = store_open(db, &st, &err);
  if (!rc) rc = ingest_all(st, contexts, &err);
  if (!rc) rc = setup(st, &err);
  if (!rc) rc = store_principal_load(st, "jurist", &p, &err);
  if (!rc) rc = search_new(st, &s, &err);
  gov_ctx_opts_t go = {.store = st, .workspace = dir, .llm = NULL};
  if (!rc) rc = gov_ctx_open(&go, &gc, &err);
  fragen_opts_t fo = {.passages = passages};
  for (int i = 0; i < nq && !rc; i++) {
    fragen_answer_t a;
    double t0 = lotse_now_mono();
    int r = fragen_ask(gc, s, st, &p, qa[i].question, &fo, &a, &err);
    t->ms[i] = (lotse_now_mono() - t0) * 1000.0;
    t->ms_total += t->ms[i];
    t->asked++;
    if (r == LOTSE_EREFUSED) {
      t->refused[a.decision.reason]++;
      continue;
    }
    if (r) {
      rc = r;
      break;
    }
    score(t, &qa[i], &a);
    fragen_answer_release(&a);
  }
  if (rc) fprintf(stderr, "eval: %s\n", err.msg);
  gov_ctx_free(gc);
  search_free(s);
  store_close(st);
  return rc ? 1 : 0;
}

/* ------------------------------------------------------------------ main */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void report(const tally_t *t, int nq, int passages) {
  double n = nq;
  printf("Fragen on LegalQuAD, extractive (no model), %d passages: %d questions\n\n",
         passages, nq);
  printf("| measure | value |\n|---|---|\n");
  int refused = 0;
  for (int r = 1; r < GOV_REFUSE_COUNT; r++) refused += t->refused[r];
  printf("| refused by the gate | %d |\n", refused);
  for (int r = 1; r < GOV_REFUSE_COUNT; r++)
    if (t->refused[r]) printf("|   of which %s | %d |\n", gov_refusal_code(r), t->refused[r]);
  printf("| something found | %.3f |\n", t->found / n);
  printf("| relevant decision among the cited sources | %.3f |\n", t->doc_cited / n);
  printf("| gold answer inside a source passage | %.3f |\n", t->gold_in_sources / n);
  printf("| gold answer inside the answer text | %.3f |\n", t->gold_in_answer / n);
  printf("| gold answer words in the answer (token recall) | %.3f |\n", t->recall / n);
  printf("| citations naming no source | %d |\n", t->bad_citations);
  printf("\nlatency per question: mean %.1f ms, p50 %.1f ms, p95 %.1f ms\n",
         t->ms_total / n, t->ms[nq / 2], t->ms[(nq * 95) / 100]);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: eval_fragen LegalQuAD.json [--min-recall X] [--passages N] "
                    "[--show-misses N]\n");
    return 2;
  }
  double min_recall = 0;
  int passages = FRAGEN_PASSAGES_DEFAULT;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--min-recall")) min_recall = atof(argv[i + 1]);
    else if (!strcmp(argv[i], "--passages")) passages = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--show-misses")) g_show = atoi(argv[i + 1]);
    else {
      fprintf(stderr, "eval: unknown option '%s'\n", argv[i]);
      return 2;
    }
  }
  json_t *root, *contexts;
  qa_t *qa;
  int nq;
  int rc = squad_load(argv[1], 1, &root, &contexts, &qa, &nq);
  if (rc) return rc;
  char dir[] = "/tmp/lotse-eval-fragen-XXXXXX";
  tally_t t = {.ms = calloc((size_t)nq, sizeof(double))};
  if (!t.ms || !mkdtemp(dir)) return 1;
  rc = run(dir, contexts, qa, nq, passages, &t);
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "warning: could not remove %s\n", dir);
  if (!rc) {
    qsort(t.ms, (size_t)nq, sizeof(double), cmp_double);
    report(&t, nq, passages);
    if (t.bad_citations) rc = 1;
    if (min_recall > 0 && t.recall / nq < min_recall) {
      printf("FAIL: token recall %.3f below the gate %.3f\n", t.recall / nq, min_recall);
      rc = 1;
    }
  }
  json_decref(contexts);
  json_decref(root);
  free(qa);
  free(t.ms);
  return rc;
}

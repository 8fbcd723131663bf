/* SPDX-License-Identifier: EUPL-1.2
 *
 * bench/bench_gate.c — overhead of the runtime gate per call, without a
 * model: gov_gate_open (registry lookup, unit, trainings, PII and
 * injection scan of a typical question) plus gov_gate_sources (5
 * passages), and separately gov_gate_close (draft row plus the durable,
 * fsync'd audit append) and a refused call (its audit append included).
 *
 * Usage: bench_gate [N] [DIR]   (N calls, default 2000; DIR a scratch
 * directory, default /tmp/lotse-bench-gate; it is recreated)
 * Output: one line per phase with p50, p99 and max in microseconds, and
 * the goal check "decision p99 < 1000 us".
 */
#include "gov/gate.h"
#include "gov/registry.h"
#include "text/inject.h"
#include "text/pii.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int die(const char *what, const lotse_err_t *err) {
  fprintf(stderr, "bench_gate: %s: %s\n", what, err->msg);
  exit(1);
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void report(const char *phase, double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_d);
  double p50 = v[n / 2], p99 = v[(size_t)((double)n * 0.99) < n
                                     ? (size_t)((double)n * 0.99)
                                     : n - 1];
  printf("%-34s n=%zu p50=%8.1f us  p99=%8.1f us  max=%8.1f us\n", phase, n,
         p50 * 1e6, p99 * 1e6, v[n - 1] * 1e6);
}

static void setup(store_t *st) {
  lotse_err_t err = {0};
  unsigned cl = STORE_CLASS_BIT(STORE_CLASS_OFFEN) |
                STORE_CLASS_BIT(STORE_CLASS_INTERN);
  if (store_unit_add(st, "kreis", NULL, &err) ||
      store_unit_add(st, "fd-soziales", "kreis", &err) ||
      store_user_put(st, "anna", "Anna", "fd-soziales", cl, NULL, 0, &err) ||
      store_user_put(st, "bernd", "Bernd", "kreis", cl, NULL, 0, &err) ||
      store_user_put(st, "koord", "K", "kreis", cl, NULL, 0, &err) ||
      store_user_put(st, "leitung", "L", "fd-soziales", cl, NULL, 0, &err) ||
      gov_role_grant(st, "koord", "ki_koordination", "bench", &err) ||
      gov_role_grant(st, "leitung", "fachdienstleitung", "bench", &err) ||
      gov_training_add(st, "ki-grundlagen", "KI-Grundlagen", 0, &err) ||
      gov_training_grant(st, "anna", "ki-grundlagen", lotse_now_unix(), 0,
                         "bench", &err))
    die("setup", &err);
  json_t *f = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:[s,s], s:[s], s:[s]}", "id", "fragen",
      "name", "Fragen", "purpose", "Fragen zu Dienstanweisungen",
      "owner_unit", "fd-soziales", "system_prompt", "Antworte sachlich.",
      "data_classes", "offen", "intern", "units", "fd-soziales", "trainings",
      "ki-grundlagen");
  char *none[1] = {NULL};
  gov_classification_t c = {.risk_class = 1, .reasons = none};
  c.measures.trainings = none;
  json_t *answers = json_object();
  if (gov_app_create(st, f, "bench", &err) ||
      gov_app_classify_set(st, "fragen", answers, &c, "bench", &err) ||
      gov_app_submit(st, "fragen", "bench", "", &err) ||
      gov_app_approve(st, "fragen", "koord", "ki_koordination", "", &err) ||
      gov_app_approve(st, "fragen", "leitung", "fachdienstleitung", "",
                      &err))
    die("app", &err);
  json_decref(answers);
  json_decref(f);
}

static const char QUESTION[] =
    "Wie beantrage ich als Beschäftigte im Fachdienst Soziales Urlaub für "
    "die Sommerferien, und bis wann muss der Antrag spätestens bei der "
    "Personalabteilung vorliegen? Gilt das auch für Teilzeitkräfte?";

static const char PASSAGE[] =
    "Urlaub ist spätestens zwei Wochen vor Antritt im Personalportal zu "
    "beantragen. Die Fachdienstleitung entscheidet über den Antrag unter "
    "Berücksichtigung der dienstlichen Belange. Für Teilzeitbeschäftigte "
    "gilt der Urlaubsanspruch anteilig nach der Zahl der Arbeitstage. "
    "Resturlaub verfällt am 31. März des Folgejahres, sofern er nicht aus "
    "dienstlichen Gründen übertragen wurde.";

/* Where the decision's time goes: registry lookup, PII scan of the
 * question, injection scan of the question and the 5 passages. */
static void breakdown(store_t *st, size_t n) {
  lotse_err_t err = {0};
  double *lk = malloc(n * sizeof *lk), *pi = malloc(n * sizeof *pi),
         *ij = malloc(n * sizeof *ij);
  if (!lk || !pi || !ij) exit(1);
  for (size_t i = 0; i < n; i++) {
    gov_app_approved_t a;
    text_pii_list_t pl = {0};
    text_inject_list_t il = {0};
    double t0 = lotse_now_mono();
    if (gov_app_load_approved(st, "fragen", lotse_now_unix(), &a, &err))
      die("load", &err);
    gov_app_approved_release(&a);
    double t1 = lotse_now_mono();
    if (text_pii_scan(QUESTION, strlen(QUESTION), 0, &pl, &err))
      die("pii", &err);
    text_pii_list_release(&pl);
    double t2 = lotse_now_mono();
    for (int k = 0; k < 6; k++) {
      const char *t = k ? PASSAGE : QUESTION;
      if (text_inject_scan(t, strlen(t), 0, &il, &err)) die("inject", &err);
      text_inject_list_release(&il);
      il = (text_inject_list_t){0};
    }
    double t3 = lotse_now_mono();
    lk[i] = t1 - t0;
    pi[i] = t2 - t1;
    ij[i] = t3 - t2;
  }
  report("  registry lookup", lk, n);
  report("  PII scan of the question", pi, n);
  report("  injection scan (question + 5)", ij, n);
  free(lk);
  free(pi);
  free(ij);
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)atol(argv[1]) : 2000;
  const char *dir = argc > 2 ? argv[2] : "/tmp/lotse-bench-gate";
  if (n < 10) n = 10;
  char cmd[4200], db[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) return 1;
  lotse_err_t err = {0};
  if (lotse_mkdir_p(dir, &err)) die("mkdir", &err);
  snprintf(db, sizeof db, "%s/lotse.db", dir);
  store_t *st;
  gov_ctx_t *gc;
  if (store_open(db, &st, &err)) die("store", &err);
  setup(st);
  gov_ctx_opts_t o = {.store = st, .workspace = dir};
  if (gov_ctx_open(&o, &gc, &err)) die("ctx", &err);
  store_principal_t anna, bernd;
  if (store_principal_load(st, "anna", &anna, &err) ||
      store_principal_load(st, "bernd", &bernd, &err))
    die("principal", &err);
  gov_source_t src[5];
  for (int i = 0; i < 5; i++)
    src[i] = (gov_source_t){.doc_id = i + 1, .chunk_id = 10 * i,
                            .data_class = STORE_CLASS_INTERN, .text = PASSAGE,
                            .title = "Urlaubsordnung", .section = "§ 3",
                            .page = i + 1};
  double *dec = malloc(n * sizeof *dec), *cls = malloc(n * sizeof *cls),
         *ref = malloc(n * sizeof *ref);
  if (!dec || !cls || !ref) return 1;
  for (size_t i = 0; i < n; i++) {
    gov_call_t call = {.app_id = "fragen", .user = &anna, .action = "ask",
                       .input = QUESTION, .input_len = strlen(QUESTION)};
    gov_gate_t *g;
    gov_decision_t d;
    unsigned char keep[5];
    double t0 = lotse_now_mono();
    if (gov_gate_open(gc, &call, &g, &d, &err)) die("open", &err);
    if (gov_gate_sources(g, src, 5, keep, &err) != 5) die("sources", &err);
    double t1 = lotse_now_mono();
    if (gov_gate_close(g, "Im Personalportal [1].", NULL, &err))
      die("close", &err);
    double t2 = lotse_now_mono();
    call.user = &bernd; /* refused: unit not permitted */
    if (gov_gate_open(gc, &call, &g, &d, &err) != LOTSE_EREFUSED)
      die("refusal expected", &err);
    double t3 = lotse_now_mono();
    dec[i] = t1 - t0;
    cls[i] = t2 - t1;
    ref[i] = t3 - t2;
  }
  breakdown(st, n);
  report("decision (open + 5 sources)", dec, n);
  report("close (draft + audit, fsync)", cls, n);
  report("refusal (checks + audit, fsync)", ref, n);
  printf("goal decision p99 < 1000 us: %s\n",
         dec[(size_t)((double)n * 0.99)] < 1e-3 ? "met" : "NOT met");
  free(dec);
  free(cls);
  free(ref);
  gov_ctx_free(gc);
  store_close(st);
  return 0;
}

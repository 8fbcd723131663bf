/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/gov/test_classify_oom.c — out-of-memory fault injection for
 * the questionnaire loader and interpreter: allocation n fails, for n = 0,
 * 1, 2, … until a run needs no more; every run must end in success or
 * LOTSE_ENOMEM with nothing leaked (SQLite's faultsim, curl's torture).
 * This executable replaces malloc & co. by counting wrappers around glibc's
 * __libc_* functions; under ASan (which owns malloc) it skips.
 */
#include "testutil.h"

#include "gov/classify.h"

#if defined(__SANITIZE_ADDRESS__)
#define NO_FAULTS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_FAULTS 1
#endif
#endif

#ifndef NO_FAULTS
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static int g_on;          /* counting window open */
static long g_fail_at;    /* the allocation number that fails */
static long g_count;      /* allocations seen in the window */
static long g_live;       /* allocations minus frees in the window */

static int fail_now(void) {
  return g_on && g_count++ == g_fail_at;
}

void *malloc(size_t n) {
  if (fail_now()) return NULL;
  void *p = __libc_malloc(n);
  if (p && g_on) g_live++;
  return p;
}

void *calloc(size_t n, size_t m) {
  if (fail_now()) return NULL;
  void *p = __libc_calloc(n, m);
  if (p && g_on) g_live++;
  return p;
}

void *realloc(void *q, size_t n) {
  if (fail_now()) return NULL;
  void *p = __libc_realloc(q, n);
  if (p && !q && g_on) g_live++;
  return p;
}

void free(void *p) {
  if (p && g_on) g_live--;
  __libc_free(p);
}

static const char ANSWERS[] =
    "{\"art5_manipulation\":false,\"art5_vulnerability\":false,"
    "\"art5_social_scoring\":false,\"art5_predictive_policing\":false,"
    "\"art5_face_scraping\":false,\"art5_emotion_work\":false,"
    "\"art5_biometric_categorisation\":false,"
    "\"art5_realtime_biometric_id\":false,"
    "\"da_biometric_recognition\":false,\"da_discrimination\":false,"
    "\"da_personality_profiles\":false,\"da_automated_decision\":false,"
    "\"art6_product\":false,\"annex3_area\":[\"employment\"],"
    "\"art6_exception\":\"none\",\"profiling\":true,"
    "\"art50_interaction\":true,\"art50_public_text\":false,"
    "\"art50_synthetic_media\":false,\"personal_data\":true,"
    "\"special_categories\":true,\"staff_monitoring\":true}";

/* One load + classify + JSON round; 0 or LOTSE_ENOMEM. On success
 * *views gets the dumps of the classification (as stored, after a round
 * trip through gov_classification_from_json) and of the questions, made
 * outside the counting window; the caller frees it. */
static int one_round(const char *text, size_t len, const json_t *answers,
                     char **views) {
  gov_questionnaire_t *q = NULL;
  lotse_err_t err = {0};
  *views = NULL;
  int rc = gov_questionnaire_parse(text, len, "q.yaml", &q, &err);
  if (rc) return rc;
  gov_classification_t c, back;
  rc = gov_classify_eval(q, answers, &c, &err);
  if (!rc) {
    json_t *j = gov_classification_json(&c);
    json_t *qj = gov_questionnaire_json(q);
    json_t *j2 = NULL;
    if (!j || !qj) rc = LOTSE_ENOMEM;
    if (!rc) rc = gov_classification_from_json(j, &back, &err);
    if (!rc) {
      j2 = gov_classification_json(&back);
      gov_classification_release(&back);
      if (!j2) rc = LOTSE_ENOMEM;
    }
    if (!rc) {
      int on = g_on;
      g_on = 0;
      char *a = json_dumps(j2, JSON_SORT_KEYS);
      char *b = json_dumps(qj, JSON_SORT_KEYS);
      lotse_buf_t buf;
      lotse_buf_init(&buf, 1 << 24);
      lotse_buf_printf(&buf, "%s\n%s", a, b);
      *views = lotse_buf_detach(&buf);
      free(a);
      free(b);
      g_on = on;
    }
    json_decref(j);
    json_decref(j2);
    json_decref(qj);
    gov_classification_release(&c);
  }
  gov_questionnaire_free(q);
  return rc;
}

static void test_every_allocation_may_fail(void **state) {
  (void)state;
  char *path = gov_questionnaire_default_path();
  char *text = NULL, *want = NULL;
  size_t len = 0;
  lotse_err_t err = {0};
  assert_int_equal(lotse_file_read(path, 1 << 22, &text, &len, &err), 0);
  json_error_t je;
  json_t *answers = json_loads(ANSWERS, 0, &je);
  assert_non_null(answers);
  assert_int_equal(one_round(text, len, answers, &want), 0);
  assert_non_null(strstr(want, "\"risk_class\": 3"));
  long runs = 0, ok = 0;
  for (g_fail_at = 0;; g_fail_at++) {
    char *got = NULL;
    g_count = g_live = 0;
    g_on = 1;
    int rc = one_round(text, len, answers, &got);
    g_on = 0;
    runs++;
    if (rc != 0 && rc != LOTSE_ENOMEM)
      fail_msg("allocation %ld failing: rc %d", g_fail_at, rc);
    if (g_live != 0)
      fail_msg("allocation %ld failing: %ld blocks leaked", g_fail_at, g_live);
    if (!rc) {
      ok++;
      if (strcmp(got, want))
        fail_msg("allocation %ld failing: success with a different result",
                 g_fail_at);
    }
    free(got);
    if (g_count <= g_fail_at) break; /* no allocation failed: done */
  }
  fprintf(stderr, "fault injection: %ld runs, %ld succeeded\n", runs, ok);
  assert_true(runs > 100);
  free(want);
  json_decref(answers);
  free(text);
  free(path);
}
#endif

int main(void) {
#ifdef NO_FAULTS
  fprintf(stderr, "skipped: allocation fault injection does not run under "
          "AddressSanitizer\n");
  return 0;
#else
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_allocation_may_fail),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
#endif
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/gov/test_portfolio.c — the shipped portfolio loads with all 18
 * strategy projects and well-formed KPI definitions; malformed files are
 * refused with line and column.
 */
#include "testutil.h"

#include "gov/kpi.h"

static gov_portfolio_t *load_shipped(void) {
  const char *src = getenv("LOTSE_SOURCE_DIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/gov/portfolio/projekte.yaml",
           src && *src ? src : ".");
  gov_portfolio_t *pf = NULL;
  lotse_err_t err = {0};
  int rc = gov_portfolio_load(path, &pf, &err);
  if (rc) fprintf(stderr, "gov_portfolio_load: %s\n", err.msg);
  assert_int_equal(rc, 0);
  assert_non_null(pf);
  return pf;
}

static void shipped_has_all_18_projects(void **state) {
  (void)state;
  gov_portfolio_t *pf = load_shipped();
  assert_int_equal(pf->nprojects, 18);
  for (int n = 1; n <= 18; n++) {
    const gov_project_t *p = gov_portfolio_find(pf, n);
    assert_non_null(p);
    assert_true(p->priority >= 1 && p->priority <= 4);
    assert_non_null(p->prio);
    assert_non_null(p->focus);
    assert_true(strlen(p->title) > 5);
    assert_true(strlen(p->summary) > 40);
    assert_true(p->nkpis >= 3);
  }
  /* Spot checks against the strategy: priorities and focus areas. */
  assert_int_equal(gov_portfolio_find(pf, 2)->priority, 1);
  assert_string_equal(gov_portfolio_find(pf, 2)->focus->id, "governance");
  assert_int_equal(gov_portfolio_find(pf, 12)->priority, 3);
  assert_string_equal(gov_portfolio_find(pf, 12)->focus->id, "verwaltung");
  assert_int_equal(gov_portfolio_find(pf, 17)->priority, 4);
  assert_string_equal(gov_portfolio_find(pf, 17)->prio->time_frame, "ab 2032");
  assert_int_equal(gov_portfolio_find(pf, 18)->priority, 2);
  assert_string_equal(gov_portfolio_find(pf, 6)->focus->id, "arbeitgeber");
  assert_string_equal(gov_portfolio_find(pf, 13)->focus->id, "daseinsvorsorge");
  assert_null(gov_portfolio_find(pf, 19));
  gov_portfolio_free(pf);
}

/* Re-check every KPI definition independently of the loader's rules. */
static void shipped_kpis_are_well_formed(void **state) {
  (void)state;
  gov_portfolio_t *pf = load_shipped();
  size_t total = 0, computed = 0;
  for (size_t i = 0; i < pf->nprojects; i++) {
    const gov_project_t *p = &pf->projects[i];
    for (size_t k = 0; k < p->nkpis; k++) {
      const gov_kpi_def_t *d = &p->kpis[k];
      total++;
      assert_non_null(gov_kpi_unit_name(d->unit));
      assert_non_null(gov_kpi_direction_name(d->direction));
      assert_non_null(gov_kpi_source_name(d->source));
      assert_true(strlen(d->name) > 5);
      assert_int_equal(d->unit == GOV_UNIT_MEILENSTEIN,
                       d->direction == GOV_DIR_ERREICHT);
      if (d->source == GOV_SOURCE_LOTSE) {
        computed++;
        assert_non_null(gov_metric_name(d->metric));
        assert_int_equal(gov_metric_unit(d->metric), d->unit);
        if (d->app) assert_true(gov_metric_per_app(d->metric));
      } else {
        assert_int_equal(d->metric, GOV_METRIC_NONE);
        assert_null(d->app);
      }
      for (size_t j = 0; j < k; j++) assert_string_not_equal(p->kpis[j].id, d->id);
    }
  }
  assert_true(total >= 18 * 3);
  assert_true(computed >= 5); /* the cockpit measures some of them itself */
  gov_portfolio_free(pf);
}

static void json_has_fields(void **state) {
  (void)state;
  gov_portfolio_t *pf = load_shipped();
  json_t *o = gov_portfolio_json(pf);
  assert_non_null(o);
  json_t *ps = json_object_get(o, "projects");
  assert_int_equal(json_array_size(ps), 18);
  json_t *p6 = json_array_get(ps, 5);
  assert_int_equal(json_integer_value(json_object_get(p6, "number")), 6);
  assert_string_equal(json_string_value(json_object_get(p6, "time_frame")),
                      "2026");
  assert_string_equal(json_string_value(json_object_get(p6, "priority_name")),
                      "Sofort");
  json_t *k0 = json_array_get(json_object_get(p6, "kpis"), 0);
  assert_string_equal(json_string_value(json_object_get(k0, "source")), "lotse");
  assert_string_equal(json_string_value(json_object_get(k0, "metric")), "users");
  assert_string_equal(json_string_value(json_object_get(k0, "app")), "fragen");
  json_decref(o);
  gov_portfolio_free(pf);
}

/* ---------------------------------------------------------- malformed input */

#define HEAD                                                                \
  "version: 1\n"                                                            \
  "focus_areas:\n  - id: governance\n    name: G\n"                         \
  "priorities:\n  - level: 1\n    name: Sofort\n    time_frame: '2026'\n"   \
  "projects:\n"
#define PROJ(num)                                                           \
  "  - number: " #num "\n    title: Titel\n    priority: 1\n"                \
  "    focus: governance\n    summary: Kurz\n    kpis:\n"
#define KPI_OK                                                              \
  "      - id: a\n        name: Anzahl\n        unit: anzahl\n"             \
  "        direction: hoch\n        source: erhebung\n"

static int parse(const char *yaml, lotse_err_t *err) {
  gov_portfolio_t *pf = NULL;
  memset(err, 0, sizeof *err);
  int rc = gov_portfolio_parse(yaml, strlen(yaml), "t.yaml", &pf, err);
  if (rc) assert_null(pf);
  gov_portfolio_free(pf);
  return rc;
}

static void expect_error(const char *yaml, const char *needle) {
  lotse_err_t err;
  int rc = parse(yaml, &err);
  if (rc == 0 || !strstr(err.msg, needle))
    fprintf(stderr, "expected error with '%s', got rc=%d '%s'\n", needle, rc,
            err.msg);
  assert_int_equal(rc, LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, needle));
  assert_non_null(strstr(err.msg, "t.yaml:")); /* file:line:column */
}

static void minimal_file_loads(void **state) {
  (void)state;
  lotse_err_t err;
  assert_int_equal(parse(HEAD PROJ(1) KPI_OK, &err), 0);
}

static void malformed_files_are_refused(void **state) {
  (void)state;
  expect_error(HEAD PROJ(1) KPI_OK "        colour: blue\n",
               "unbekannter Schlüssel 'colour'");
  expect_error(HEAD PROJ(1) KPI_OK PROJ(1) KPI_OK, "Projektnummer 1 doppelt");
  expect_error(HEAD PROJ(1) KPI_OK KPI_OK, "Kennzahl-id 'a' doppelt");
  expect_error(HEAD PROJ(1), "kpis: Liste erwartet");
  expect_error(HEAD "  - number: 1\n    title: T\n    priority: 2\n"
               "    focus: governance\n    summary: S\n    kpis: []\n",
               "Priorität 2");
  expect_error(HEAD "  - number: 1\n    title: T\n    priority: 1\n"
               "    focus: wetter\n    summary: S\n    kpis: []\n",
               "'wetter'");
  expect_error(HEAD PROJ(100) KPI_OK, "1 bis 99");
  expect_error(HEAD PROJ(1) "      - id: a\n        name: N\n        unit: "
               "anzahl\n        source: erhebung\n",
               "'direction' fehlt");
  expect_error(HEAD PROJ(1) "      - id: a\n        name: N\n        unit: "
               "liter\n        direction: hoch\n        source: erhebung\n",
               "unbekannter Wert 'liter'");
  /* milestone rules */
  expect_error(HEAD PROJ(1) "      - id: a\n        name: N\n        unit: "
               "meilenstein\n        direction: hoch\n        source: erhebung\n",
               "meilenstein");
  expect_error(HEAD PROJ(1) "      - id: a\n        name: N\n        unit: "
               "anzahl\n        direction: erreicht\n        source: erhebung\n",
               "meilenstein");
  /* lotse-computed KPIs */
  expect_error(HEAD PROJ(1) "      - id: a\n        name: N\n        unit: "
               "anzahl\n        direction: hoch\n        source: lotse\n",
               "braucht 'metric'");
  expect_error(HEAD PROJ(1) "      - id: a\n        name: N\n        unit: "
               "anzahl\n        direction: hoch\n        source: erhebung\n"
               "        metric: users\n",
               "nur mit Quelle");
  expect_error(HEAD PROJ(1) "      - id: a\n        name: N\n        unit: "
               "anzahl\n        direction: niedrig\n        source: lotse\n"
               "        metric: latency_median_ms\n",
               "Einheit 'dauer_ms'");
  expect_error(HEAD PROJ(1) "      - id: a\n        name: N\n        unit: "
               "anzahl\n        direction: hoch\n        source: lotse\n"
               "        metric: apps_total\n        app: fragen\n",
               "ganze Register");
  expect_error(HEAD PROJ(1) "      - id: a\n        name: N\n        unit: "
               "anzahl\n        direction: hoch\n        source: befragung\n",
               "Befragung");
  expect_error(HEAD PROJ(1) "      - id: Große Zahl\n        name: N\n"
               "        unit: anzahl\n        direction: hoch\n"
               "        source: erhebung\n",
               "nur a-z");
  expect_error("version: 2\nfocus_areas: []\npriorities: []\nprojects: []\n",
               "version: ganze Zahl von 1 bis 1");
  expect_error("version: 1\nfocus_areas: [\n", "YAML-Fehler");
  expect_error("", "leer");
}

static void error_names_line_and_column(void **state) {
  (void)state;
  lotse_err_t err;
  /* HEAD is 9 lines, PROJ 6, KPI_OK 5: the unknown key is on line 21 */
  assert_int_equal(parse(HEAD PROJ(1) KPI_OK "        colour: blue\n", &err),
                   LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "t.yaml:21:9:"));
}

static void missing_file_is_an_error(void **state) {
  (void)state;
  gov_portfolio_t *pf = (gov_portfolio_t *)1;
  lotse_err_t err = {0};
  assert_int_equal(gov_portfolio_load("/nonexistent/p.yaml", &pf, &err),
                   LOTSE_ENOTFOUND);
  assert_null(pf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(shipped_has_all_18_projects),
      cmocka_unit_test(shipped_kpis_are_well_formed),
      cmocka_unit_test(json_has_fields),
      cmocka_unit_test(minimal_file_loads),
      cmocka_unit_test(malformed_files_are_refused),
      cmocka_unit_test(error_names_line_and_column),
      cmocka_unit_test(missing_file_is_an_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

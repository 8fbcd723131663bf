/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/apps/test_fragen_ask.c — "Fragen" end to end through the gate
 * on a real store: extractive answers with citations and a draft, nothing
 * found without inventing, a hidden document never shows (not its text,
 * not its title), sources above the application's clearance are withheld,
 * refusals pass through, and a (synthetic) model's streamed answer equals
 * the final one and cites only existing sources.
 */
#include "testutil.h"

#include "gov/gov_fixture.h"

#include "apps/fragen.h"
#include "gov/registry.h"
#include "ingest/ingest.h"
#include "llm/quant.h"
#include "llm/synth.h"

typedef struct world {
  char *dir;
  store_t *st;
  search_t *s;
  gov_ctx_t *gc;
  llm_backend_t *llm;
} world_t;

static void must(int rc, const lotse_err_t *err, const char *what) {
  fx_must(rc, err, what);
}

static void user(store_t *st, const char *name, unsigned clearance,
                 const char *group) {
  lotse_err_t err = {0};
  const char *g[1] = {group};
  must(store_user_put(st, name, name, "fd-soziales", clearance, g,
                      group ? 1 : 0, &err),
       &err, "user");
}

static void doc(store_t *st, const char *src, int cls, const char *group,
                const char *text) {
  ingest_opts_t o;
  ingest_opts_default(&o);
  o.data_class = cls;
  const char *g[1] = {group};
  o.groups = g;
  o.ngroups = group ? 1 : 0;
  store_put_result_t r;
  lotse_err_t err = {0};
  must(ingest_one(st, src, text, strlen(text), 0, &o, &r, NULL, &err), &err,
       "ingest");
}

static const char APP[] =
    "{\"id\": \"fragen\", \"name\": \"Fragen\", \"purpose\": \"Fragen zu "
    "Dienstanweisungen\", \"owner_unit\": \"fd-soziales\", \"models\": "
    "[\"fragen-synth\"], \"system_prompt\": \"Du bist InfoBuddy.\", "
    "\"config\": {\"max_tokens\": 24}, \"data_classes\": [\"offen\", "
    "\"intern\"], \"units\": [\"fd-soziales\"], \"trainings\": "
    "[\"ki-grundlagen\"]}";

static void app(store_t *st) {
  json_t *f = json_loads(APP, 0, NULL);
  assert_non_null(f);
  fx_app_register(st, "fragen", f);
  json_decref(f);
  fx_app_approve(st, "fragen");
}

static void trained(store_t *st, const char *name) {
  lotse_err_t err = {0};
  must(gov_training_grant(st, name, "ki-grundlagen", lotse_now_unix(), 0,
                          "test", &err), &err, "grant");
}

static world_t *world_new(const char *name) {
  world_t *w = calloc(1, sizeof *w);
  w->dir = test_dir(name);
  char *db = test_path(w->dir, "lotse.db");
  lotse_err_t err = {0};
  must(store_open(db, &w->st, &err), &err, "store_open");
  free(db);
  store_t *st = w->st;
  must(store_unit_add(st, "fd-soziales", NULL, &err), &err, "unit");
  unsigned oi = STORE_CLASS_BIT(STORE_CLASS_OFFEN) |
                STORE_CLASS_BIT(STORE_CLASS_INTERN);
  user(st, "anna", oi, NULL);                 /* trained, no group */
  user(st, "bernd", oi, "personal");          /* trained, in the group */
  user(st, "carla", oi, NULL);                /* untrained */
  user(st, "dora", STORE_CLASS_ALL, NULL);    /* may read vertraulich */
  user(st, "koord", oi, NULL);
  user(st, "leitung", oi, NULL);
  must(gov_role_grant(st, "koord", "ki_koordination", "test", &err), &err, "role");
  must(gov_role_grant(st, "leitung", "fachdienstleitung", "test", &err), &err,
       "role");
  must(gov_training_add(st, "ki-grundlagen", "KI-Grundlagen", 0, &err), &err,
       "training");
  trained(st, "anna");
  trained(st, "bernd");
  trained(st, "dora");
  doc(st, "urlaub.txt", STORE_CLASS_OFFEN, NULL,
      "Urlaubsordnung\n\nAllgemeines zur Verwaltung des Kreises. Urlaub "
      "beantragen Sie im Mitarbeiterportal. Die Leitung entscheidet binnen "
      "einer Woche.\n");
  doc(st, "geheim.txt", STORE_CLASS_OFFEN, "personal",
      "Geheimliste Zebrafink\n\nUrlaub der Amtsleitung regelt die "
      "Sonderregel Zebrafink.\n");
  doc(st, "wagen.txt", STORE_CLASS_VERTRAULICH, NULL,
      "Dienstwagenregeln\n\nDer Dienstwagen Kolibri steht im Hof.\n");
  app(st);
  must(search_new(st, &w->s, &err), &err, "search_new");
  gov_ctx_opts_t o = {.store = st, .workspace = w->dir, .llm = NULL};
  must(gov_ctx_open(&o, &w->gc, &err), &err, "gov_ctx_open");
  return w;
}

static void world_free(world_t *w) {
  gov_ctx_free(w->gc);
  search_free(w->s);
  llm_close(w->llm);
  store_close(w->st);
  free(w->dir);
  free(w);
}

static int ask(world_t *w, const char *who, const char *q,
               const fragen_opts_t *o, fragen_answer_t *a) {
  store_principal_t p;
  lotse_err_t err = {0};
  must(store_principal_load(w->st, who, &p, &err), &err, "principal");
  int rc = fragen_ask(w->gc, w->s, w->st, &p, q, o, a, &err);
  if (rc && rc != LOTSE_EREFUSED && rc != LOTSE_EINVAL)
    fail_msg("fragen_ask: %d %s", rc, err.msg);
  return rc;
}

/* No string of the answer mentions word. */
static void absent(const fragen_answer_t *a, const char *word) {
  assert_null(strstr(a->text, word));
  for (size_t i = 0; i < a->n_sources; i++) {
    assert_null(strstr(a->sources[i].title, word));
    assert_null(strstr(a->sources[i].snippet, word));
    assert_null(strstr(a->sources[i].text, word));
    assert_null(strstr(a->sources[i].section, word));
  }
}

/* Every citation group in text names sources 1..n only. */
static void citations_valid(const char *text, size_t n) {
  for (const char *p = strchr(text, '['); p; p = strchr(p + 1, '[')) {
    const char *e = strchr(p, ']');
    if (!e) break;
    int nums[16];
    size_t k = fragen_cite_parse(p + 1, (size_t)(e - p - 1), nums, 16);
    for (size_t i = 0; i < k; i++)
      assert_true(nums[i] >= 1 && (size_t)nums[i] <= n);
  }
}

static void test_extractive_cited_draft(void **state) {
  (void)state;
  world_t *w = world_new("fragen_extractive");
  fragen_answer_t a;
  assert_int_equal(ask(w, "anna", "Wie beantrage ich Urlaub?", NULL, &a), 0);
  assert_true(a.found);
  assert_true(a.extractive);
  assert_int_equal(a.n_sources, 1); /* the hidden document is not offered */
  assert_int_equal(a.sources[0].n, 1);
  assert_string_equal(a.sources[0].title, "Urlaubsordnung");
  assert_true(a.sources[0].cited);
  assert_non_null(strstr(a.text, "Mitarbeiterportal"));
  assert_non_null(strstr(a.text, "[1]"));
  assert_true(a.draft_id > 0);
  assert_int_equal(a.risk_class, 1);
  absent(&a, "Zebrafink");
  absent(&a, "Geheimliste");
  citations_valid(a.text, a.n_sources);
  json_t *j = fragen_answer_json(&a);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "draft_id")), a.draft_id);
  assert_int_equal(json_array_size(json_object_get(j, "sources")), 1);
  json_decref(j);
  fragen_answer_release(&a);
  world_free(w);
}

static void test_hidden_document(void **state) {
  (void)state;
  world_t *w = world_new("fragen_hidden");
  fragen_answer_t a;
  /* The group member finds it ... */
  assert_int_equal(ask(w, "bernd", "Was regelt die Sonderregel Zebrafink?",
                       NULL, &a), 0);
  assert_true(a.found);
  assert_non_null(strstr(a.text, "Zebrafink"));
  fragen_answer_release(&a);
  /* ... anyone else is told nothing was found, and sees nothing of it. */
  assert_int_equal(ask(w, "anna", "Was regelt die Sonderregel Zebrafink?",
                       NULL, &a), 0);
  assert_false(a.found);
  assert_string_equal(a.text, FRAGEN_TEXT_NOTHING);
  assert_int_equal(a.n_sources, 0);
  assert_int_equal(a.draft_id, 0);
  assert_int_equal(a.withheld, 0);
  fragen_answer_release(&a);
  world_free(w);
}

static void test_source_above_clearance_withheld(void **state) {
  (void)state;
  world_t *w = world_new("fragen_withheld");
  fragen_answer_t a;
  assert_int_equal(ask(w, "dora", "Wo steht der Dienstwagen Kolibri?", NULL,
                       &a), 0);
  assert_int_equal(a.withheld, 1);
  assert_false(a.found);
  absent(&a, "Kolibri");
  fragen_answer_release(&a);
  world_free(w);
}

static void test_refused_and_invalid(void **state) {
  (void)state;
  world_t *w = world_new("fragen_refused");
  fragen_answer_t a;
  assert_int_equal(ask(w, "carla", "Wie beantrage ich Urlaub?", NULL, &a),
                   LOTSE_EREFUSED);
  assert_int_equal(a.decision.reason, GOV_REFUSE_TRAINING);
  assert_true(strlen(a.decision.message) > 0);
  assert_null(a.text);
  fragen_opts_t o = {.app_id = "gibtsnicht"};
  assert_int_equal(ask(w, "anna", "Urlaub?", &o, &a), LOTSE_EREFUSED);
  assert_int_equal(a.decision.reason, GOV_REFUSE_UNKNOWN_APP);
  assert_int_equal(ask(w, "anna", "   ", NULL, &a), LOTSE_EINVAL);
  assert_int_equal(ask(w, "anna", "Urlaub \xff?", NULL, &a), LOTSE_EINVAL);
  world_free(w);
}

/* ----------------------------------------------------------- with model */

static llm_backend_t *synth_model(const char *dir, int n_ctx) {
  return fx_synth_backend(dir, "fragen-synth", 11, 1, n_ctx);
}

static void with_model(world_t *w, int n_ctx) {
  w->llm = synth_model(w->dir, n_ctx);
  gov_ctx_free(w->gc);
  lotse_err_t err = {0};
  gov_ctx_opts_t go = {.store = w->st, .workspace = w->dir, .llm = w->llm};
  must(gov_ctx_open(&go, &w->gc, &err), &err, "gov_ctx_open");
}

typedef struct seen {
  lotse_buf_t text;
  int sources_calls, text_before_sources;
  size_t n_sources;
} seen_t;

static void on_sources(void *ud, const fragen_source_t *s, size_t n) {
  seen_t *x = ud;
  (void)s;
  x->sources_calls++;
  x->n_sources = n;
}

static int on_text(void *ud, const char *t, size_t n) {
  seen_t *x = ud;
  if (!x->sources_calls) x->text_before_sources = 1;
  return lotse_buf_append(&x->text, t, n) ? 1 : 0;
}

static void test_model_answer_streams(void **state) {
  (void)state;
  world_t *w = world_new("fragen_model");
  with_model(w, 2048);
  seen_t x = {0};
  lotse_buf_init(&x.text, 1 << 20);
  fragen_opts_t o = {.on_sources = on_sources, .on_text = on_text, .ud = &x,
                     .max_tokens = 12};
  fragen_answer_t a;
  assert_int_equal(ask(w, "anna", "Wie beantrage ich Urlaub?", &o, &a), 0);
  assert_int_equal(x.sources_calls, 1);
  assert_int_equal(x.n_sources, a.n_sources);
  assert_false(x.text_before_sources);
  assert_string_equal(x.text.data ? x.text.data : "", a.text);
  assert_true(a.found);
  if (getenv("FRAGEN_DEBUG")) fprintf(stderr, "model answer (%d): %s\n", a.extractive, a.text);
  if (!a.extractive) assert_true(a.completion_tokens > 0);
  assert_true(a.prompt_tokens > 0); /* the model was asked */
  assert_true(a.draft_id > 0);
  citations_valid(a.text, a.n_sources);
  absent(&a, "Zebrafink");
  fragen_answer_release(&a);
  lotse_buf_release(&x.text);
  world_free(w);
}

/* Three more passages on the question, ~400 bytes each: with the byte
 * vocabulary (one token per byte) all four do not fit a context of 1024
 * tokens, fewer do; the system prompt (~430 tokens with the chat template)
 * and one passage do not fit 512. */
static void more_passages(world_t *w) {
  static const char filler[] =
      "Die Personalstelle pr\xc3\xbc" "ft jeden Antrag sorgf\xc3\xa4ltig und "
      "vermerkt das Ergebnis in der Personalakte. Bei R\xc3\xbc" "ckfragen "
      "meldet sie sich schriftlich. Die Fristen richten sich nach der "
      "Dienstvereinbarung, die im Intranet steht. Erg\xc3\xa4nzende Hinweise "
      "gibt die Leitung der Organisationseinheit auf Anfrage.";
  for (int i = 0; i < 3; i++) {
    char src[32], text[1024];
    snprintf(src, sizeof src, "mehr%d.txt", i);
    snprintf(text, sizeof text, "Hinweis %d\n\nUrlaub beantragen Sie "
             "rechtzeitig. %s\n", i, filler);
    doc(w->st, src, STORE_CLASS_OFFEN, NULL, text);
  }
  search_free(w->s);
  lotse_err_t err = {0};
  must(search_new(w->st, &w->s, &err), &err, "search_new");
}

static void test_model_context_too_small(void **state) {
  (void)state;
  world_t *w = world_new("fragen_ctx");
  more_passages(w);
  with_model(w, 1024);
  fragen_answer_t a;
  fragen_opts_t o = {.max_tokens = 4};
  assert_int_equal(ask(w, "anna", "Wie beantrage ich Urlaub?", &o, &a), 0);
  assert_true(a.found);
  assert_false(a.extractive);
  assert_true(a.prompt_tokens > 0 && a.prompt_tokens < 1024);
  /* 4 passages did not fit: halved until they did; the answer lists only
   * what the model saw */
  assert_true(a.n_sources >= 1 && a.n_sources < 4);
  citations_valid(a.text, a.n_sources);
  fragen_answer_release(&a);
  llm_close(w->llm);
  w->llm = NULL;
  with_model(w, 512); /* not even one passage: extractive */
  assert_int_equal(ask(w, "anna", "Wie beantrage ich Urlaub?", &o, &a), 0);
  assert_true(a.found);
  assert_true(a.extractive);
  assert_int_equal(a.n_sources, 4);
  assert_non_null(strstr(a.text, "[1]"));
  assert_true(a.draft_id > 0);
  fragen_answer_release(&a);
  world_free(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_extractive_cited_draft),
      cmocka_unit_test(test_hidden_document),
      cmocka_unit_test(test_source_above_clearance_withheld),
      cmocka_unit_test(test_refused_and_invalid),
      cmocka_unit_test(test_model_answer_streams),
      cmocka_unit_test(test_model_context_too_small),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/gov/test_gate_embed.c — embeddings through the runtime gate
 * (gov_gate_embed, used by POST /v1/embeddings) and the approved-model
 * match (gov_gate_model_allowed, used by GET /v1/models): the vector is the
 * backend's own, its input tokens reach the audit record of a session
 * closed without a draft, and only an approved model runs.
 */
#include "testutil.h"

#include "gov/gov_fixture.h"

#include "gov/audit.h"
#include "gov/gate.h"
#include "gov/registry.h"
#include "llm/quant.h"
#include "llm/synth.h"

#include <jansson.h>

static void must(int rc, const lotse_err_t *err, const char *what) {
  fx_must(rc, err, what);
}

static void app(store_t *st, const char *slug, const char *model) {
  json_t *f = json_pack("{s:s, s:s, s:s, s:[s], s:[s]}", "name", "Einbettung",
                        "purpose", "Test", "owner_unit", "fd-soziales",
                        "models", model, "units", "fd-soziales");
  assert_non_null(f);
  fx_app_register(st, slug, f);
  json_decref(f);
  fx_app_approve(st, slug);
}

static void user(store_t *st, const char *name, const char *unit) {
  lotse_err_t err = {0};
  must(store_user_put(st, name, name, unit, STORE_CLASS_BIT(STORE_CLASS_OFFEN),
                      NULL, 0, &err),
       &err, "user");
}

static llm_backend_t *synth_model(const char *dir) {
  return fx_synth_backend(dir, "embed-synth", 7, 0, 256);
}

static int keep_last(void *ctx, const gov_audit_rec_t *r) {
  gov_audit_rec_t *l = ctx;
  l->prompt_tokens = r->prompt_tokens;
  l->completion_tokens = r->completion_tokens;
  l->decision = r->decision;
  l->seq = r->seq;
  return 0;
}

static gov_audit_rec_t last_audit(const char *dir) {
  gov_audit_t *a;
  lotse_err_t err = {0};
  must(gov_audit_open(dir, GOV_AUDIT_RDONLY, &a, &err), &err, "audit");
  gov_audit_rec_t l;
  memset(&l, 0, sizeof l);
  must(gov_audit_query(a, NULL, keep_last, &l, &err), &err, "query");
  gov_audit_close(a);
  return l;
}

static gov_gate_t *open_as(gov_ctx_t *gc, store_t *st, const char *slug,
                           const char *input) {
  store_principal_t p;
  lotse_err_t err = {0};
  must(store_principal_load(st, "anna", &p, &err), &err, "principal");
  gov_call_t call = {.app_id = slug, .user = &p, .action = "v1_embed",
                     .input = input, .input_len = strlen(input)};
  gov_gate_t *g = NULL;
  gov_decision_t dec;
  must(gov_gate_open(gc, &call, &g, &dec, &err), &err, "open");
  return g;
}

static void test_embed(void **state) {
  (void)state;
  char *dir = test_dir("gate_embed");
  char *db = test_path(dir, "lotse.db");
  lotse_err_t err = {0};
  store_t *st;
  must(store_open(db, &st, &err), &err, "store_open");
  must(store_unit_add(st, "fd-soziales", NULL, &err), &err, "unit");
  user(st, "anna", "fd-soziales");
  user(st, "koord", "fd-soziales");
  user(st, "leitung", "fd-soziales");
  must(gov_role_grant(st, "koord", "ki_koordination", "test", &err), &err,
       "role");
  must(gov_role_grant(st, "leitung", "fachdienstleitung", "test", &err),
       &err, "role");
  app(st, "einbettung", "embed-synth");
  app(st, "anders", "anderes-modell.gguf");
  llm_backend_t *b = synth_model(dir);
  gov_ctx_t *gc;
  gov_ctx_opts_t o = {.store = st, .workspace = dir, .llm = b};
  must(gov_ctx_open(&o, &gc, &err), &err, "ctx");

  /* The session's vector is the backend's; its tokens are audited. */
  const char *text = "Hundesteuer";
  float *want = NULL, *got = NULL;
  size_t dw = 0, dg = 0;
  int nw = 0, ng = 0;
  must(llm_embed(b, text, strlen(text), LLM_EMBED_MEAN, &want, &dw, &nw, &err),
       &err, "llm_embed");
  gov_gate_t *g = open_as(gc, st, "einbettung", text);
  must(gov_gate_embed(g, text, strlen(text), LLM_EMBED_MEAN, &got, &dg, &ng,
                      &err),
       &err, "gov_gate_embed");
  assert_int_equal(dg, dw);
  assert_int_equal(ng, nw);
  assert_true(ng > 0);
  for (size_t i = 0; i < dg; i++) assert_true(got[i] == want[i]);
  int64_t id = -1;
  must(gov_gate_close(g, NULL, &id, &err), &err, "close");
  assert_int_equal(id, 0); /* no draft */
  assert_int_equal(store_scalar(st, "SELECT count(*) FROM drafts"), 0);
  gov_audit_rec_t l = last_audit(dir);
  assert_int_equal(l.decision, GOV_AUDIT_DECISION_ALLOW);
  assert_int_equal(l.prompt_tokens, ng);
  assert_int_equal(l.completion_tokens, 0);
  free(want);
  free(got);

  /* A model the application was not approved with does not embed. */
  g = open_as(gc, st, "anders", text);
  got = NULL;
  assert_int_equal(gov_gate_embed(g, text, strlen(text), LLM_EMBED_MEAN, &got,
                                  &dg, &ng, &err),
                   LOTSE_EREFUSED);
  assert_null(got);
  assert_int_equal(ng, 0);
  must(gov_gate_close(g, NULL, NULL, &err), &err, "close");
  assert_int_equal(last_audit(dir).prompt_tokens, 0);
  assert_int_equal(gov_gate_embed(NULL, text, 1, LLM_EMBED_MEAN, &got, &dg,
                                  NULL, &err),
                   LOTSE_EINVAL);

  gov_ctx_free(gc);
  llm_close(b);
  store_close(st);
  free(db);
  free(dir);
}

static void test_model_allowed(void **state) {
  (void)state;
  char *none[] = {NULL};
  char *listed[] = {"modelle/qwen2.5-7b.gguf", "lotse-tiny", NULL};
  assert_true(gov_gate_model_allowed(NULL, "x"));
  assert_true(gov_gate_model_allowed(none, "x"));
  assert_true(gov_gate_model_allowed(listed, "qwen2.5-7b"));
  assert_true(gov_gate_model_allowed(listed, "lotse-tiny"));
  assert_false(gov_gate_model_allowed(listed, "qwen2.5"));
  assert_false(gov_gate_model_allowed(listed, "lotse-tiny-2"));
  assert_false(gov_gate_model_allowed(listed, ""));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_model_allowed),
      cmocka_unit_test(test_embed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

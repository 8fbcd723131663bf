/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/gov/gov_fixture.h — shared set-up for tests that need an
 * approved application or a synthetic model behind the gate (gov/ and apps/
 * unit tests): register and classify an application as class 1, approve it
 * by the two roles every class needs, and open a tiny synthetic model.
 * Include after testutil.h.
 */
#ifndef LOTSE_TEST_GOV_FIXTURE_H
#define LOTSE_TEST_GOV_FIXTURE_H

#include "gov/classify.h"
#include "gov/registry.h"
#include "llm/llm.h"
#include "llm/quant.h"
#include "llm/synth.h"

#include <jansson.h>
#include <stdlib.h>

static inline void fx_must(int rc, const lotse_err_t *err, const char *what) {
  if (rc) fail_msg("%s failed (%d): %s", what, rc, err->msg);
}

/* Create the application described by fields (its "id" set to slug; the
 * object is borrowed) and classify it as class 1 with no answers. */
static inline void fx_app_register(store_t *st, const char *slug,
                                   json_t *fields) {
  lotse_err_t err = {0};
  json_object_set_new(fields, "id", json_string(slug));
  fx_must(gov_app_create(st, fields, "test", &err), &err, "create");
  char *none[1] = {NULL};
  gov_classification_t c = {.risk_class = 1, .reasons = none};
  c.measures.trainings = none;
  json_t *answers = json_object();
  fx_must(gov_app_classify_set(st, slug, answers, &c, "test", &err), &err,
          "classify");
  json_decref(answers);
}

/* Submit and approve by "koord" (KI-Koordination) and "leitung"
 * (Fachdienstleitung), who must exist with these roles. */
static inline void fx_app_approve(store_t *st, const char *slug) {
  lotse_err_t err = {0};
  fx_must(gov_app_submit(st, slug, "test", "", &err), &err, "submit");
  fx_must(gov_app_approve(st, slug, "koord", "ki_koordination", "ok", &err),
          &err, "approve ki");
  fx_must(gov_app_approve(st, slug, "leitung", "fachdienstleitung", "ok",
                          &err),
          &err, "approve fdl");
}

/* A tiny F32 llama model with byte vocabulary in dir, opened with the
 * builtin backend; chatml NULL: no chat template. */
static inline llm_backend_t *fx_synth_backend(const char *dir,
                                              const char *name, uint64_t seed,
                                              int chatml, int n_ctx) {
  llm_vocab_t v = {0};
  lotse_err_t err = {0};
  fx_must(llm_synth_vocab_bytes(&v, &err), &err, "vocab");
  llm_synth_opts_t o = {0};
  assert_int_equal(llm_synth_shape("tiny", &o), 0);
  o.arch = "llama";
  o.type = LLM_TYPE_F32;
  o.seed = seed;
  o.vocab = &v;
  o.name = name;
  if (chatml) o.chat_template = llm_synth_chat_template("chatml");
  char *path = test_path(dir, "synth.gguf");
  fx_must(llm_synth_write(path, &o, &err), &err, "synth");
  llm_vocab_release(&v);
  llm_config_t cfg = {.backend = "builtin", .model_path = path,
                      .n_threads = 1, .n_ctx = n_ctx};
  llm_backend_t *b;
  fx_must(llm_open(&cfg, &b, &err), &err, "llm_open");
  free(path);
  return b;
}

#endif

/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/gate_internal.h — what gov/gate.c (the decision) and
 * gov/gate_session.c (sources, model, close) share.
 */
#ifndef LOTSE_GOV_GATE_INTERNAL_H
#define LOTSE_GOV_GATE_INTERNAL_H

#include "gov/audit.h"
#include "gov/gate.h"
#include "gov/registry.h"

#include <jansson.h>

struct gov_ctx {
  store_t *st;
  llm_backend_t *llm;
  gov_audit_t *audit; /* owned */
};

struct gov_gate {
  gov_ctx_t *c;
  gov_app_approved_t app; /* owned (gov_app_approved_release) */
  char user[64];      /* audit actor; "anonym" for the anonymous public */
  int anonymous;      /* user_id 0: never permitted, never looked up */
  char unit[128];
  char action[64];
  const char *notice; /* into app or GOV_NOTICE_DEFAULT; NULL: none due */
  double t0;          /* lotse_now_mono() at open */
  int64_t prompt_tokens, completion_tokens;
  char model[128];    /* the model that ran ("" when none) */
  json_t *sources;    /* admitted sources for the draft (owned) */
  gov_audit_source_t *asrc; /* the same for the audit record */
  size_t nasrc, capasrc;
  int dropped_class, dropped_inject; /* sources not admitted */
  int input_findings; /* injection findings below the threshold */
};

/* Append an audit record for the session's user/app with the given
 * decision (gate.c). reason_code/reason may be NULL for ALLOW. */
int gate_audit(gov_gate_t *g, gov_audit_decision_t d, const char *code,
               const char *reason, const gov_audit_source_t *src, size_t n,
               const char *details, lotse_err_t *err);

/* Release a session without auditing (gate.c). NULL is a no-op. */
void gate_free(gov_gate_t *g);

#endif

/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/gate.h — the runtime gate: the only way an application reaches the
 * language model, retrieved sources and the user (service instruction,
 * ARCHITECTURE.md §5).
 *
 * Every AI call names an application. gov_gate_open() decides whether this
 * user may run it now, with this input; a refusal carries a stable reason
 * code and a German message a member of staff understands, and is audited.
 * An allowed call gets a session (gov_gate_t): the application's approved
 * configuration (system prompt, model, sampling) and the only functions that
 * pass sources to and text from the model. Closing the session stores the
 * output as a labelled draft ("KI-Entwurf – nicht geprüft") with its
 * sources, and writes the audit record (tokens, latency, sources, model).
 *
 * Checks of gov_gate_open, in this order (the first failing one refuses):
 *   GOV_REFUSE_UNKNOWN_APP     no such application
 *   GOV_REFUSE_NOT_APPROVED    status is not "freigegeben"
 *   GOV_REFUSE_EXPIRED         the approval's review date has passed
 *   GOV_REFUSE_CHANGED         the current configuration's hash differs from
 *                              the approved version's
 *   GOV_REFUSE_UNIT            the user's unit is not permitted
 *   GOV_REFUSE_TRAINING        a required training is missing or expired
 *   GOV_REFUSE_DATA_CLASS      the input holds data of a class the
 *                              application may not process (PII scan)
 *   GOV_REFUSE_INJECTION       the input holds hidden instructions
 * and later, per source (gov_gate_sources):
 *   GOV_REFUSE_SOURCE_CLASS    a retrieved source is above the application's
 *                              clearance (dropped and reported, or refused)
 * The stable codes (gov_refusal_code) are "unknown_app", "not_approved"
 * (also suspended and retired), "expired", "changed", "unit_not_permitted",
 * "training_missing", "data_class", "injection", "source_class".
 * Data classes: any PII finding in the input (text/pii.h, also numbers
 * whose check digit fails) needs "personenbezogen" among the application's
 * classes, a special-category finding (health) "besondere_kategorien". A
 * source is admitted only when its class is among the application's classes
 * (a set, not a ceiling) and its text is not suspicious (text/inject.h);
 * each gov_gate_sources() call that drops sources writes one refuse record
 * per reason naming them. gov_gate_generate() puts the approved system
 * prompt first, caps max_tokens by the configuration's "max_tokens", and
 * runs only a model listed in the application's models (none listed: any);
 * another model is LOTSE_EREFUSED.
 * Contract: no model call, no output and no source leaves the gate without
 * an audit record (a draft whose record cannot be written is rolled back);
 * a refused call changes nothing but the audit trail. Audit records keep the
 * types of what the scans found, never the input or the output text.
 * Thread use: one gov_ctx_t per thread (it owns a store connection).
 * See also: gov/gate.c, gov/gate_session.c, gov/review.h, bench/bench_gate.c.
 */
#ifndef LOTSE_GOV_GATE_H
#define LOTSE_GOV_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "llm/llm.h"
#include "store/store.h"

typedef enum {
  GOV_REFUSE_NONE = 0,
  GOV_REFUSE_UNKNOWN_APP,
  GOV_REFUSE_NOT_APPROVED,
  GOV_REFUSE_EXPIRED,
  GOV_REFUSE_CHANGED,
  GOV_REFUSE_UNIT,
  GOV_REFUSE_TRAINING,
  GOV_REFUSE_DATA_CLASS,
  GOV_REFUSE_INJECTION,
  GOV_REFUSE_SOURCE_CLASS,
  GOV_REFUSE_COUNT
} gov_refusal_t;

/* Stable reason codes for the audit and the API ("not_approved", …). */
const char *gov_refusal_code(gov_refusal_t r);

typedef struct gov_decision {
  gov_refusal_t reason;                /* GOV_REFUSE_NONE: allowed */
  char message[LOTSE_ERR_MSG_MAX];     /* German, for the user */
} gov_decision_t;

/* The governance context of one thread: store, audit trail, model backend
 * (may be NULL: no model configured), questionnaire. Borrowed pointers; the
 * caller keeps them alive. */
typedef struct gov_ctx gov_ctx_t;
typedef struct gov_ctx_opts {
  store_t *store;
  const char *workspace; /* for the audit trail's files */
  llm_backend_t *llm;    /* NULL: no model */
} gov_ctx_opts_t;
int gov_ctx_open(const gov_ctx_opts_t *o, gov_ctx_t **out, lotse_err_t *err);
void gov_ctx_free(gov_ctx_t *c); /* NULL is a no-op */

/* One call of an application by a user. */
typedef struct gov_call {
  const char *app_id;
  const store_principal_t *user;
  const char *action; /* what is done, for the audit: "ask", "write", … */
  const char *input;  /* the user's input (screened; not stored) */
  size_t input_len;
} gov_call_t;

typedef struct gov_gate gov_gate_t;

/* Decide. Allowed: 0, *out set, dec->reason GOV_REFUSE_NONE. Refused:
 * LOTSE_EREFUSED, *out NULL, dec filled, audit record written. Other
 * negative codes: errors (err filled; nothing decided). */
int gov_gate_open(gov_ctx_t *c, const gov_call_t *call, gov_gate_t **out,
                  gov_decision_t *dec, lotse_err_t *err);

/* The approved configuration of the application, for the caller to build
 * its prompt: system prompt ("" if none), risk class 1..4, the Art. 50
 * notice text (NULL below class 2), version number and hash. */
const char *gov_gate_system_prompt(const gov_gate_t *g);
int gov_gate_risk_class(const gov_gate_t *g);
const char *gov_gate_notice(const gov_gate_t *g);
int gov_gate_has_model(const gov_gate_t *g);

/* A retrieved source (search hit or document part) offered to the model. */
typedef struct gov_source {
  int64_t doc_id, chunk_id;
  int data_class;   /* STORE_CLASS_* */
  const char *text; /* passage text; screened for hidden instructions */
  const char *title, *section;
  int page;
} gov_source_t;

/* Admit sources: each above the application's clearance is dropped (and
 * counted in the audit as GOV_REFUSE_SOURCE_CLASS); hidden instructions in
 * a passage are stripped or the passage dropped. keep[i] (caller-sized n)
 * is set to 1 for admitted sources. Returns the number admitted. */
int gov_gate_sources(gov_gate_t *g, const gov_source_t *src, size_t n,
                     unsigned char *keep, lotse_err_t *err);

/* Run the model under the session (the application's model and limits);
 * LOTSE_EUNSUPPORTED when no model is configured. */
int gov_gate_generate(gov_gate_t *g, const llm_request_t *req,
                      llm_result_t *res, lotse_err_t *err);

/* Embed text under the session (the application's approved model(s), as
 * gov_gate_generate); the input tokens count as prompt tokens of the
 * session's audit record. *vec is malloc'ed (caller frees), *dim its size,
 * *n_tokens (may be NULL) the tokens the model saw. LOTSE_EUNSUPPORTED
 * without a model, LOTSE_EREFUSED for a model the application may not
 * use. Close the session with a NULL output (audit only, no draft). */
int gov_gate_embed(gov_gate_t *g, const char *text, size_t len,
                   llm_embed_pool_t pool, float **vec, size_t *dim,
                   int *n_tokens, lotse_err_t *err);

/* Whether the model id may run for an application whose approved models
 * are models (NULL-terminated; none listed: any). A model listed by file
 * name matches an id that is its base name without ".gguf", and the other
 * way round. */
int gov_gate_model_allowed(char *const *models, const char *id);

/* Close the session: the output becomes a draft with the label and the
 * admitted sources (returned in *draft_id, 0 when output is NULL) and the
 * audit record is written. Frees g in every case. */
int gov_gate_close(gov_gate_t *g, const char *output, int64_t *draft_id,
                   lotse_err_t *err);

/* The label every AI output carries until a person signs it off. */
#define GOV_DRAFT_LABEL "KI-Entwurf – nicht geprüft"

#endif

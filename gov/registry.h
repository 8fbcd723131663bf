/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/registry.h — the register of AI applications (Anwendungen), their
 * versions, the approval workflow, governance roles and trainings.
 *
 * Model. An application has a stable id (slug) and a chain of versions.
 * A version is an immutable snapshot of what runs: name, purpose, owner
 * unit, models, system prompt, configuration (JSON object), allowed data
 * classes, permitted units and required trainings, kept as canonical JSON
 * (sorted keys, compact, UTF-8) with its SHA-256. Any change to those
 * fields is a new version; identical content is no change. The questionnaire
 * answers and their classification (gov/classify.h) are stored with the
 * version; they may change only until the first approval of a round.
 *
 * Status: entwurf -> in_pruefung (submit; needs a classification, never for
 * class 4) -> freigegeben (automatically, once every approval and document
 * the class requires is there) -> ausgesetzt (suspend) -> ausser_betrieb
 * (retire, final). A rejection sends it back to entwurf. A new version
 * sends a submitted, approved or suspended application back to in_pruefung
 * in a new round: approvals never carry over to another version or round.
 *
 * Required for approval (service instruction):
 *   always            KI-Koordination, Fachdienstleitung of the owner unit
 *   personal data     Datenschutz
 *   staff monitoring  Personalrat
 *   class 3           Datenschutz, Informationssicherheit, documents "dsfa"
 *                     (DSFA reference, Art. 35 GDPR) and "risikomanagement"
 *   class >= 2 with transparency duty   document "transparenzhinweis"
 *   class 4           never
 * The Ethik-Beirat gives an advisory opinion (never required, never
 * blocking); its recommendations are tracked (offen/umgesetzt). An approval
 * is valid for at most GOV_APPROVAL_MAX_DAYS days (the review date).
 *
 * Contract: every mutating call is one transaction; bad input is
 * LOTSE_EINVAL (wrong state: LOTSE_EACCESS for a missing role, LOTSE_EEXIST
 * for a duplicate) with a German message and changes nothing. History,
 * approvals and version snapshots are append-only (SQL triggers). One
 * store_t per thread, as everywhere.
 *
 * The runtime gate (gov/gate.c) calls gov_registry_load_approved() and the
 * user lookups at the end of this header; they never write.
 */
#ifndef LOTSE_GOV_REGISTRY_H
#define LOTSE_GOV_REGISTRY_H

#include "base/base.h"
#include "gov/classify.h"
#include "store/store.h"

#include <jansson.h>
#include <stdbool.h>

#define GOV_APPROVAL_MAX_DAYS 365
#define GOV_SLUG_MAX 63

/* ------------------------------------------------------------------ enums */

typedef enum {
  GOV_STATUS_ENTWURF,
  GOV_STATUS_IN_PRUEFUNG,
  GOV_STATUS_FREIGEGEBEN,
  GOV_STATUS_AUSGESETZT,
  GOV_STATUS_AUSSER_BETRIEB,
  GOV_STATUS_COUNT
} gov_status_t;

const char *gov_status_name(int s);  /* "in_pruefung"; "?" if unknown */
const char *gov_status_label(int s); /* "in Prüfung" */
int gov_status_parse(const char *name); /* status or -1 */

typedef enum {
  GOV_ROLE_KI_KOORDINATION,
  GOV_ROLE_FACHDIENSTLEITUNG,
  GOV_ROLE_DATENSCHUTZ,
  GOV_ROLE_INFORMATIONSSICHERHEIT,
  GOV_ROLE_PERSONALRAT,
  GOV_ROLE_ETHIK_BEIRAT,
  GOV_ROLE_AUDITOR,
  GOV_ROLE_ADMIN,
  GOV_ROLE_COUNT
} gov_role_t;
#define GOV_ROLE_BIT(r) (1u << (r))

const char *gov_role_name(int r);  /* "datenschutz" */
const char *gov_role_label(int r); /* "Datenschutz" */
int gov_role_parse(const char *name); /* role or -1 */

/* Data classes an application may process: the store's classes plus the
 * special categories of Art. 9 GDPR ("besondere_kategorien"), which the
 * PII scan reports for health data. */
#define GOV_CLASS_SPECIAL STORE_CLASS_COUNT
#define GOV_CLASS_COUNT (STORE_CLASS_COUNT + 1)
const char *gov_class_name(int cls); /* "offen" … "besondere_kategorien" */
int gov_class_parse(const char *name);

/* ------------------------------------------------------ roles and trainings */

/* Grant/revoke a governance role (actor is recorded). Unknown user or role:
 * LOTSE_EINVAL; granting twice is no error. */
int gov_role_grant(store_t *st, const char *user, const char *role,
                   const char *actor, lotse_err_t *err);
int gov_role_revoke(store_t *st, const char *user, const char *role,
                    lotse_err_t *err);
/* Roles of a user as a GOV_ROLE_BIT mask (0 for an unknown user). */
int gov_roles_of(store_t *st, const char *user, unsigned *mask,
                 lotse_err_t *err);

/* Add or update a training in the catalogue; id is a slug, valid_days 0
 * means completions do not expire. */
int gov_training_add(store_t *st, const char *id, const char *title,
                     int valid_days, lotse_err_t *err);
/* Record that user completed training id at completed (unix seconds);
 * expires: 0 = from the catalogue's valid_days (none when 0). */
int gov_training_grant(store_t *st, const char *user, const char *id,
                       int64_t completed, int64_t expires, const char *actor,
                       lotse_err_t *err);
/* Catalogue (user NULL) or a user's completions as a JSON array. */
int gov_training_list_json(store_t *st, const char *user, json_t **out,
                           lotse_err_t *err);

/* ------------------------------------------------------------ applications */

/* fields: a JSON object with id (slug, create only), name, purpose,
 * owner_unit, models [..], system_prompt, config {..}, data_classes [..],
 * units [..], trainings [..]. Create needs id, name, purpose, owner_unit;
 * defaults: models [], system_prompt "", config {}, data_classes
 * ["offen"], units [owner_unit], trainings []. Units and trainings must
 * exist. Unknown keys are LOTSE_EINVAL. */
int gov_app_create(store_t *st, const json_t *fields, const char *actor,
                   lotse_err_t *err);
/* Change fields (same keys, id excluded). A real change adds a version
 * (*version gets its number) and, outside entwurf, starts a new review
 * round in in_pruefung; identical content leaves everything as it was and
 * *version is the current one. Retired applications cannot change. */
int gov_app_update(store_t *st, const char *slug, const json_t *fields,
                   const char *actor, const char *comment, int *version,
                   lotse_err_t *err);

/* Store questionnaire answers with their classification on the current
 * version (only in entwurf, or in_pruefung before the first decision of
 * the round). */
int gov_app_classify_set(store_t *st, const char *slug, const json_t *answers,
                         const gov_classification_t *c, const char *actor,
                         lotse_err_t *err);
/* The same, evaluating answers with the questionnaire q. */
int gov_app_classify(store_t *st, const gov_questionnaire_t *q,
                     const char *slug, const json_t *answers,
                     const char *actor, lotse_err_t *err);

/* Workflow. actor is the acting user's name (CLI without --user: "cli").
 * approve/reject/opinion need a user holding the role (LOTSE_EACCESS with a
 * German reason otherwise); Fachdienstleitung must belong to the owner unit
 * or a unit above it. One decision per role and round (LOTSE_EEXIST). */
int gov_app_submit(store_t *st, const char *slug, const char *actor,
                   const char *comment, lotse_err_t *err);
int gov_app_approve(store_t *st, const char *slug, const char *user,
                    const char *role, const char *comment, lotse_err_t *err);
int gov_app_reject(store_t *st, const char *slug, const char *user,
                   const char *role, const char *comment, lotse_err_t *err);
/* Ethik-Beirat opinion with recommendations (NULL-terminated, may be
 * NULL); each recommendation is numbered per application (1, 2, …). */
int gov_app_opinion(store_t *st, const char *slug, const char *user,
                    const char *text, const char *const *recommendations,
                    lotse_err_t *err);
int gov_app_recommendation_done(store_t *st, const char *slug, int nr,
                                const char *actor, const char *comment,
                                lotse_err_t *err);
/* kind: dsfa, risikomanagement, transparenzhinweis, information,
 * sonstiges; reference: document number, link or (for the notice) its
 * text. The latest document of a kind counts. */
int gov_app_document_add(store_t *st, const char *slug, const char *kind,
                         const char *reference, const char *actor,
                         lotse_err_t *err);
int gov_app_suspend(store_t *st, const char *slug, const char *actor,
                    const char *comment, lotse_err_t *err);
/* ausgesetzt -> freigegeben, only while the approved version is current
 * and its approval has not expired. */
int gov_app_resume(store_t *st, const char *slug, const char *actor,
                   const char *comment, lotse_err_t *err);
int gov_app_retire(store_t *st, const char *slug, const char *actor,
                   const char *comment, lotse_err_t *err);

/* Reading, as JSON (caller owns the reference). show: the application with
 * its current snapshot, versions, classification, approvals of the round,
 * what is still missing (German), documents, recommendations and the
 * approval (version, sha256, approved_at, valid_until, expired). */
int gov_app_show_json(store_t *st, const char *slug, int64_t now,
                      json_t **out, lotse_err_t *err);
int gov_app_list_json(store_t *st, json_t **out, lotse_err_t *err);
int gov_app_history_json(store_t *st, const char *slug, json_t **out,
                         lotse_err_t *err);
/* One version's canonical snapshot (0: current). */
int gov_app_version_json(store_t *st, const char *slug, int version,
                         json_t **out, lotse_err_t *err);

/* ------------------------------------------------------ for the runtime gate */

/* Why an application may not run (stable codes; German text in reason). */
typedef enum {
  GOV_APP_OK = 0,
  GOV_APP_UNKNOWN,      /* no such application */
  GOV_APP_NOT_APPROVED, /* entwurf or in_pruefung, never approved */
  GOV_APP_SUSPENDED,
  GOV_APP_RETIRED,
  GOV_APP_EXPIRED,      /* approval older than its review date */
  GOV_APP_CHANGED       /* current version or stored snapshot differs from
                           what was approved (hash mismatch) */
} gov_app_verdict_t;
const char *gov_app_verdict_code(int v); /* "app_not_approved" … */

typedef struct gov_app_approved {
  gov_app_verdict_t verdict;
  char reason[256];      /* German, for staff; "" when verdict is OK */
  char slug[GOV_SLUG_MAX + 1];
  int status;            /* gov_status_t; -1 when unknown */
  int version;           /* the approved version (0: none) */
  char sha256[65];       /* its hash, recomputed from the stored snapshot */
  int risk_class;        /* 1..4, 0 when unclassified */
  int64_t approved_at, valid_until;
  unsigned data_classes; /* bit per gov class (GOV_CLASS_SPECIAL incl.) */
  char **units;          /* permitted units, NULL-terminated */
  char **trainings;      /* snapshot's + classification's, NULL-terminated */
  char **models;         /* NULL-terminated; first is the default */
  char *system_prompt;
  json_t *config;        /* owned reference */
  bool needs_transparency;
  char *transparency_notice; /* latest "transparenzhinweis", or NULL */
  char *snapshot;        /* canonical JSON that was approved */
} gov_app_approved_t;

/* Load what may run for slug at time now. Returns 0 and fills *out with a
 * verdict (fields beyond slug/status/verdict are set only when an approved
 * version exists); an error only when the database fails. Release with
 * gov_app_approved_release(). Read-only. */
int gov_app_load_approved(store_t *st, const char *slug, int64_t now,
                          gov_app_approved_t *out, lotse_err_t *err);
void gov_app_approved_release(gov_app_approved_t *a);

/* Whether user's unit is among the permitted units or below one of them
 * (units.parent_id). An unknown user or one without a unit is not. */
int gov_app_unit_permitted(store_t *st, const gov_app_approved_t *a,
                           const char *user, bool *ok, lotse_err_t *err);
/* The required trainings the user has not completed or whose completion
 * has expired at now; each id is pushed to missing (empty: all done). */
int gov_app_trainings_missing(store_t *st, const gov_app_approved_t *a,
                              const char *user, int64_t now,
                              lotse_strv_t *missing, lotse_err_t *err);

#endif

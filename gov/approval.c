/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/approval.c — the approval workflow: classification of a version,
 * submission, decisions by role, documents, the ethics board's opinion and
 * recommendations, release, suspension, resumption and retirement.
 *
 * Contract: an application becomes freigegeben only through release_check()
 * in the same transaction as the decision or document that completes what
 * its class requires (reg_missing() is empty); the approval then covers
 * exactly the current version (its sha256) for GOV_APPROVAL_MAX_DAYS.
 * Invariants: (1) decisions count only for the current version and round;
 * (2) one decision per role and round, one approving role per person and
 * round (four eyes); (3) class 4 is never released.
 */
#include "gov/registry_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 4000
#define RECS_MAX 32

/* ------------------------------------------------------------ requirements */

int reg_needs_load(store_t *st, const reg_app_t *a, reg_needs_t *n,
                   lotse_err_t *err) {
  memset(n, 0, sizeof *n);
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT coalesce(risk_class, 0), measures FROM "
                       "app_versions WHERE app_id = ? AND version = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, a->version);
  if (sqlite3_step(s) == SQLITE_ROW) {
    n->risk_class = sqlite3_column_int(s, 0);
    n->measures = (unsigned)sqlite3_column_int(s, 1);
  }
  sqlite3_finalize(s);
  if (n->risk_class >= 3) n->measures |= REG_M_DSFA | REG_M_RISK;
  if (n->risk_class == 4) n->measures |= REG_M_PROHIBITED;
  n->roles = GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION) |
             GOV_ROLE_BIT(GOV_ROLE_FACHDIENSTLEITUNG);
  if ((n->measures & REG_M_DPO) || n->risk_class >= 3)
    n->roles |= GOV_ROLE_BIT(GOV_ROLE_DATENSCHUTZ);
  if (n->risk_class >= 3)
    n->roles |= GOV_ROLE_BIT(GOV_ROLE_INFORMATIONSSICHERHEIT);
  if (n->measures & REG_M_PERSONALRAT)
    n->roles |= GOV_ROLE_BIT(GOV_ROLE_PERSONALRAT);
  return 0;
}

static int roles_approved(store_t *st, const reg_app_t *a, unsigned *have,
                          lotse_err_t *err) {
  *have = 0;
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT role FROM app_approvals WHERE app_id = ? AND "
                       "version = ? AND round = ? AND decision = 'zustimmung'",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, a->version);
  sqlite3_bind_int(s, 3, a->round);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    int r = gov_role_parse((const char *)sqlite3_column_text(s, 0));
    if (r >= 0) *have |= GOV_ROLE_BIT(r);
  }
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? 0 : store_err_db(st, err, "approvals");
}

static int has_document(store_t *st, const reg_app_t *a, const char *kind,
                        int *yes, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT 1 FROM app_documents WHERE app_id = ? AND "
                       "kind = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  *yes = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE
             ? 0
             : store_err_db(st, err, "documents");
}

int reg_missing(store_t *st, const reg_app_t *a, const reg_needs_t *n,
                lotse_strv_t *missing, unsigned *have, lotse_err_t *err) {
  int rc = roles_approved(st, a, have, err);
  if (rc) return rc;
  int oom = 0;
  if (n->risk_class == 0)
    oom |= lotse_strv_push(missing, "Klassifizierung (KI-Fragebogen)") != 0;
  if (n->measures & REG_M_PROHIBITED)
    oom |= lotse_strv_push(missing, "nicht genehmigungsfähig: Risikoklasse "
                                    "4 (unannehmbar)") != 0;
  for (int r = 0; r < GOV_ROLE_COUNT; r++) {
    if (!(n->roles & GOV_ROLE_BIT(r)) || (*have & GOV_ROLE_BIT(r))) continue;
    char line[96];
    snprintf(line, sizeof line, "Zustimmung %s", gov_role_label(r));
    oom |= lotse_strv_push(missing, line) != 0;
  }
  static const struct {
    unsigned bit;
    const char *kind, *label;
  } docs[] = {
      {REG_M_DSFA, "dsfa", "Dokument: DSFA-Referenz (Art. 35 DSGVO)"},
      {REG_M_RISK, "risikomanagement", "Dokument: Risikomanagement-Nachweis"},
      {REG_M_TRANSPARENCY, "transparenzhinweis",
       "Dokument: Transparenzhinweis (Art. 50 KI-VO)"}};
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
    int yes = 0;
    if (!(n->measures & docs[i].bit)) continue;
    if ((rc = has_document(st, a, docs[i].kind, &yes, err))) return rc;
    if (!yes) oom |= lotse_strv_push(missing, docs[i].label) != 0;
  }
  return oom ? lotse_err_set(err, LOTSE_ENOMEM, "out of memory") : 0;
}

/* Release the application when nothing is missing any more. */
static int release_check(store_t *st, reg_app_t *a, const char *actor,
                         lotse_err_t *err) {
  if (a->status != GOV_STATUS_IN_PRUEFUNG) return 0;
  reg_needs_t n;
  lotse_strv_t missing = {0};
  unsigned have;
  int rc = reg_needs_load(st, a, &n, err);
  if (!rc) rc = reg_missing(st, a, &n, &missing, &have, err);
  size_t left = missing.n;
  lotse_strv_release(&missing);
  if (rc || left) return rc;
  char *text = NULL, sha[65];
  if ((rc = reg_version_text(st, a, a->version, &text, sha, err))) return rc;
  free(text);
  int64_t now = lotse_now_unix();
  sqlite3_stmt *s;
  if ((rc = reg_prepare(st,
                        "UPDATE apps SET status = 'freigegeben', "
                        "approved_version = ?, approved_sha256 = ?, "
                        "approved_at = ?, valid_until = ?, updated_at = ? "
                        "WHERE id = ?",
                        &s, err)))
    return rc;
  sqlite3_bind_int(s, 1, a->version);
  sqlite3_bind_text(s, 2, sha, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, now);
  sqlite3_bind_int64(s, 4, now + (int64_t)GOV_APPROVAL_MAX_DAYS * REG_DAY);
  sqlite3_bind_int64(s, 5, now);
  sqlite3_bind_int64(s, 6, a->id);
  if ((rc = reg_done(st, s, err))) return rc;
  json_t *d = json_pack("{ss sI}", "sha256", sha, "valid_until",
                        (json_int_t)(now + GOV_APPROVAL_MAX_DAYS * REG_DAY));
  rc = reg_history_add(st, a, actor, "released", GOV_STATUS_IN_PRUEFUNG,
                       GOV_STATUS_FREIGEGEBEN, NULL, d, err);
  json_decref(d);
  a->status = GOV_STATUS_FREIGEGEBEN;
  return rc;
}

/* --------------------------------------------------------- classification */

static int decisions_in_round(store_t *st, const reg_app_t *a, int64_t *n,
                              lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT count(*) FROM app_approvals WHERE app_id = ? "
                       "AND round = ? AND decision != 'stellungnahme'",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, a->round);
  rc = sqlite3_step(s);
  *n = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return rc == SQLITE_ROW ? 0 : store_err_db(st, err, "approvals");
}

static json_t *strv_json(char **v) {
  json_t *a = json_array();
  for (size_t i = 0; a && v && v[i]; i++)
    if (json_array_append_new(a, json_string(v[i]))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

static unsigned measure_bits(const gov_measures_t *m) {
  return (m->prohibited ? REG_M_PROHIBITED : 0) |
         (m->needs_dsfa ? REG_M_DSFA : 0) |
         (m->needs_risk_mgmt ? REG_M_RISK : 0) |
         (m->needs_transparency ? REG_M_TRANSPARENCY : 0) |
         (m->needs_personalrat ? REG_M_PERSONALRAT : 0) |
         (m->needs_dpo ? REG_M_DPO : 0);
}

static json_t *classification_json(const gov_classification_t *c) {
  const gov_measures_t *m = &c->measures;
  return json_pack("{si s{sb sb sb sb sb sb} so so}", "risk_class",
                   c->risk_class, "measures", "prohibited", m->prohibited,
                   "needs_dsfa", m->needs_dsfa, "needs_risk_mgmt",
                   m->needs_risk_mgmt, "needs_transparency",
                   m->needs_transparency, "needs_personalrat",
                   m->needs_personalrat, "needs_dpo", m->needs_dpo,
                   "trainings", strv_json(m->trainings), "reasons",
                   strv_json(c->reasons));
}

static int classification_store(store_t *st, const reg_app_t *a,
                                const char *answers, const char *cls,
                                const gov_classification_t *c,
                                const char *trainings, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "UPDATE app_versions SET answers = ?, "
                       "classification = ?, risk_class = ?, measures = ?, "
                       "class_trainings = ? WHERE app_id = ? AND version = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, answers, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, cls, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 3, c->risk_class);
  sqlite3_bind_int(s, 4, (int)measure_bits(&c->measures));
  sqlite3_bind_text(s, 5, trainings, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 6, a->id);
  sqlite3_bind_int(s, 7, a->version);
  return reg_done(st, s, err);
}

static int classify_allowed(store_t *st, const reg_app_t *a,
                            lotse_err_t *err) {
  int64_t n = 0;
  int rc = 0;
  if (a->status == GOV_STATUS_IN_PRUEFUNG &&
      (rc = decisions_in_round(st, a, &n, err)))
    return rc;
  if (a->status == GOV_STATUS_ENTWURF ||
      (a->status == GOV_STATUS_IN_PRUEFUNG && n == 0))
    return 0;
  return lotse_err_set(err, LOTSE_EINVAL,
                       "Klassifizierung von '%s' ist im Status '%s' nicht "
                       "mehr änderbar; zuerst eine neue Version anlegen "
                       "(lotse app update)",
                       a->slug, gov_status_label(a->status));
}

int gov_app_classify_set(store_t *st, const char *slug, const json_t *answers,
                         const gov_classification_t *c, const char *actor,
                         lotse_err_t *err) {
  if (!json_is_object(answers) || !c || c->risk_class < 1 ||
      c->risk_class > 4)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Antworten müssen ein JSON-Objekt sein und eine "
                         "Risikoklasse 1 bis 4 ergeben");
  reg_app_t a;
  int rc = reg_app_load(st, slug, &a, err);
  if (!rc) rc = classify_allowed(st, &a, err);
  if (rc) return rc;
  json_t *cj = classification_json(c);
  json_t *tj = strv_json(c->measures.trainings);
  char *ans = reg_canonical(answers);
  char *cls = cj ? reg_canonical(cj) : NULL;
  char *tr = tj ? reg_canonical(tj) : NULL;
  if (!ans || !cls || !tr)
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc && !(rc = store_begin(st, err))) {
    rc = classification_store(st, &a, ans, cls, c, tr, err);
    json_t *d = json_pack("{si}", "risk_class", c->risk_class);
    if (!rc)
      rc = reg_history_add(st, &a, actor, "classified", -1, -1, NULL, d, err);
    json_decref(d);
    rc = reg_finish(st, rc, err);
  }
  json_decref(cj);
  json_decref(tj);
  free(ans);
  free(cls);
  free(tr);
  return rc;
}

/* ------------------------------------------------------------- submission */

/* Every training the classification demands exists in the catalogue. */
static int class_trainings_known(store_t *st, const reg_app_t *a,
                                 lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT j.value FROM app_versions v, "
                       "json_each(v.class_trainings) j WHERE v.app_id = ? "
                       "AND v.version = ? AND j.value NOT IN "
                       "(SELECT id FROM trainings)",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, a->version);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW)
    rc = lotse_err_set(err, LOTSE_EINVAL,
                       "die Klassifizierung verlangt die Schulung '%s', die "
                       "im Katalog fehlt (lotse training add)",
                       (const char *)sqlite3_column_text(s, 0));
  else
    rc = rc == SQLITE_DONE ? 0 : store_err_db(st, err, "trainings");
  sqlite3_finalize(s);
  return rc;
}

int gov_app_submit(store_t *st, const char *slug, const char *actor,
                   const char *comment, lotse_err_t *err) {
  reg_app_t a;
  reg_needs_t n;
  int rc = reg_app_load(st, slug, &a, err);
  if (rc) return rc;
  if (a.status == GOV_STATUS_IN_PRUEFUNG ||
      a.status == GOV_STATUS_AUSSER_BETRIEB)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Anwendung '%s' kann im Status '%s' nicht "
                         "eingereicht werden",
                         slug, gov_status_label(a.status));
  if ((rc = reg_needs_load(st, &a, &n, err))) return rc;
  if (n.risk_class == 0)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Anwendung '%s' ist noch nicht klassifiziert "
                         "(lotse app classify)",
                         slug);
  if (n.measures & REG_M_PROHIBITED)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Risikoklasse 4 (unannehmbar): '%s' ist nach der "
                         "KI-Verordnung verboten und kann nie freigegeben "
                         "werden",
                         slug);
  if ((rc = class_trainings_known(st, &a, err))) return rc;
  if ((rc = store_begin(st, err))) return rc;
  sqlite3_stmt *s;
  int from = a.status;
  rc = reg_prepare(st,
                   "UPDATE apps SET status = 'in_pruefung', round = round + 1,"
                   " updated_at = ? WHERE id = ?",
                   &s, err);
  if (!rc) {
    sqlite3_bind_int64(s, 1, lotse_now_unix());
    sqlite3_bind_int64(s, 2, a.id);
    rc = reg_done(st, s, err);
  }
  a.round++;
  a.status = GOV_STATUS_IN_PRUEFUNG;
  if (!rc)
    rc = reg_history_add(st, &a, actor, "submitted", from, a.status, comment,
                         NULL, err);
  return reg_finish(st, rc, err);
}

/* -------------------------------------------------------------- decisions */

static int role_held(store_t *st, int64_t uid, int role, int *yes,
                     lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT 1 FROM gov_roles WHERE user_id = ? AND role = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, uid);
  sqlite3_bind_text(s, 2, gov_role_name(role), -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  *yes = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
                                               : store_err_db(st, err, "roles");
}

/* The user's unit is the owner unit of the current version or above it. */
static int unit_owns(store_t *st, const reg_app_t *a, int64_t unit_id,
                     int *yes, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(
      st,
      "WITH RECURSIVE up(id) AS (SELECT u.id FROM units u, app_versions v "
      "WHERE v.app_id = ?1 AND v.version = ?2 AND "
      "u.name = json_extract(v.snapshot, '$.owner_unit') "
      "UNION SELECT p.parent_id FROM units p JOIN up ON p.id = up.id "
      "WHERE p.parent_id IS NOT NULL) SELECT 1 FROM up WHERE id = ?3",
      &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, a->version);
  sqlite3_bind_int64(s, 3, unit_id);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  *yes = rc == SQLITE_ROW;
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
                                               : store_err_db(st, err, "units");
}

/* Who may decide in role for a: holder of the role (and of the owner unit
 * for Fachdienstleitung), not yet decided in this round. */
static int decider_check(store_t *st, const reg_app_t *a, const char *user,
                         int role, int64_t *uid, lotse_err_t *err) {
  int64_t unit_id = 0;
  int yes = 0;
  int rc = reg_user_lookup(st, user, uid, &unit_id, err);
  if (!rc) rc = role_held(st, *uid, role, &yes, err);
  if (rc) return rc;
  if (!yes)
    return lotse_err_set(err, LOTSE_EACCESS,
                         "Benutzer '%s' hat die Rolle %s nicht", user,
                         gov_role_label(role));
  if (role == GOV_ROLE_FACHDIENSTLEITUNG) {
    if ((rc = unit_owns(st, a, unit_id, &yes, err))) return rc;
    if (!yes)
      return lotse_err_set(err, LOTSE_EACCESS,
                           "Benutzer '%s' ist nicht Fachdienstleitung der "
                           "federführenden Organisationseinheit",
                           user);
  }
  sqlite3_stmt *s;
  if ((rc = reg_prepare(st,
                        "SELECT role, user_id = ?3 FROM app_approvals WHERE "
                        "app_id = ?1 AND round = ?2 AND decision != "
                        "'stellungnahme' AND (role = ?4 OR user_id = ?3)",
                        &s, err)))
    return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, a->round);
  sqlite3_bind_int64(s, 3, *uid);
  sqlite3_bind_text(s, 4, gov_role_name(role), -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(s, 0),
                                  gov_role_name(role)))
    rc = lotse_err_set(err, LOTSE_EEXIST,
                       "die Rolle %s hat in dieser Prüfrunde bereits "
                       "entschieden",
                       gov_role_label(role));
  else if (rc == SQLITE_ROW)
    rc = lotse_err_set(err, LOTSE_EACCESS,
                       "Vier-Augen-Prinzip: '%s' hat in dieser Prüfrunde "
                       "bereits in einer anderen Rolle entschieden",
                       user);
  else
    rc = rc == SQLITE_DONE ? 0 : store_err_db(st, err, "approvals");
  sqlite3_finalize(s);
  return rc;
}

static int approval_insert(store_t *st, const reg_app_t *a, int role,
                           int64_t uid, const char *decision,
                           const char *comment, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "INSERT INTO app_approvals(app_id, version, round, "
                       "role, user_id, decision, comment, created_at) "
                       "VALUES(?,?,?,?,?,?,?,?)",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, a->version);
  sqlite3_bind_int(s, 3, a->round);
  sqlite3_bind_text(s, 4, gov_role_name(role), -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 5, uid);
  sqlite3_bind_text(s, 6, decision, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 7, comment ? comment : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 8, lotse_now_unix());
  return reg_done(st, s, err);
}

static int decision_role(const char *role, lotse_err_t *err) {
  int r = gov_role_parse(role);
  if (r < 0)
    return lotse_err_set(err, LOTSE_EINVAL, "unbekannte Rolle '%s'",
                         role ? role : "");
  if (r == GOV_ROLE_ETHIK_BEIRAT)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "der Ethik-Beirat gibt eine Stellungnahme ab "
                         "(lotse app opinion), keine Zustimmung");
  if (r == GOV_ROLE_AUDITOR || r == GOV_ROLE_ADMIN)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "die Rolle %s entscheidet nicht über Freigaben",
                         gov_role_label(r));
  return r;
}

static int decide(store_t *st, const char *slug, const char *user,
                  const char *role, const char *comment, int approve,
                  lotse_err_t *err) {
  reg_app_t a;
  reg_needs_t n;
  int64_t uid = 0;
  int r = decision_role(role, err);
  if (r < 0) return r;
  int rc = reg_app_load(st, slug, &a, err);
  if (rc) return rc;
  if (a.status != GOV_STATUS_IN_PRUEFUNG)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Anwendung '%s' ist nicht in Prüfung (Status: %s)",
                         slug, gov_status_label(a.status));
  if ((rc = reg_needs_load(st, &a, &n, err))) return rc;
  if (approve && !(n.roles & GOV_ROLE_BIT(r)))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "eine Zustimmung der Rolle %s ist für '%s' nicht "
                         "vorgesehen",
                         gov_role_label(r), slug);
  if (!approve && (!comment || !*comment))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "eine Ablehnung braucht eine Begründung");
  if (comment && strlen(comment) > TEXT_MAX)
    return lotse_err_set(err, LOTSE_EINVAL, "Kommentar ist zu lang");
  if ((rc = decider_check(st, &a, user, r, &uid, err))) return rc;
  if ((rc = store_begin(st, err))) return rc;
  rc = approval_insert(st, &a, r, uid, approve ? "zustimmung" : "ablehnung",
                       comment, err);
  json_t *d = json_pack("{ss ss}", "role", gov_role_name(r), "user", user);
  if (!rc)
    rc = reg_history_add(st, &a, user, approve ? "approved" : "rejected", -1,
                         approve ? -1 : GOV_STATUS_ENTWURF, comment, d, err);
  json_decref(d);
  if (!rc && !approve) rc = reg_status_set(st, &a, GOV_STATUS_ENTWURF, err);
  if (!rc && approve) rc = release_check(st, &a, user, err);
  return reg_finish(st, rc, err);
}

int gov_app_approve(store_t *st, const char *slug, const char *user,
                    const char *role, const char *comment, lotse_err_t *err) {
  return decide(st, slug, user, role, comment, 1, err);
}

int gov_app_reject(store_t *st, const char *slug, const char *user,
                   const char *role, const char *comment, lotse_err_t *err) {
  return decide(st, slug, user, role, comment, 0, err);
}

/* ------------------------------------------------- ethics board, documents */

static int recommendation_insert(store_t *st, const reg_app_t *a,
                                 const char *text, const char *user,
                                 lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "INSERT INTO app_recommendations(app_id, nr, version, "
                       "text, created_by, created_at) VALUES(?1, (SELECT "
                       "coalesce(max(nr), 0) + 1 FROM app_recommendations "
                       "WHERE app_id = ?1), ?2, ?3, ?4, ?5)",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, a->version);
  sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, user, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 5, lotse_now_unix());
  return reg_done(st, s, err);
}

static int text_ok(const char *t, const char *what, lotse_err_t *err) {
  if (!t || !*t)
    return lotse_err_set(err, LOTSE_EINVAL, "%s darf nicht leer sein", what);
  if (strlen(t) > TEXT_MAX || !lotse_utf8_valid(t, strlen(t)))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "%s ist zu lang oder kein gültiges UTF-8", what);
  return 0;
}

static int open_app(store_t *st, const char *slug, reg_app_t *a,
                    lotse_err_t *err) {
  int rc = reg_app_load(st, slug, a, err);
  if (!rc && a->status == GOV_STATUS_AUSSER_BETRIEB)
    rc = lotse_err_set(err, LOTSE_EINVAL, "Anwendung '%s' ist außer Betrieb",
                       slug);
  return rc;
}

int gov_app_opinion(store_t *st, const char *slug, const char *user,
                    const char *text, const char *const *recommendations,
                    lotse_err_t *err) {
  reg_app_t a;
  int64_t uid = 0;
  int yes = 0, nrec = 0;
  int rc = text_ok(text, "die Stellungnahme", err);
  for (; !rc && recommendations && recommendations[nrec]; nrec++)
    rc = nrec >= RECS_MAX
             ? lotse_err_set(err, LOTSE_EINVAL, "zu viele Empfehlungen")
             : text_ok(recommendations[nrec], "eine Empfehlung", err);
  if (!rc) rc = open_app(st, slug, &a, err);
  if (!rc) rc = reg_user_lookup(st, user, &uid, NULL, err);
  if (!rc) rc = role_held(st, uid, GOV_ROLE_ETHIK_BEIRAT, &yes, err);
  if (!rc && !yes)
    rc = lotse_err_set(err, LOTSE_EACCESS,
                       "Benutzer '%s' hat die Rolle Ethik-Beirat nicht", user);
  if (rc || (rc = store_begin(st, err))) return rc;
  rc = approval_insert(st, &a, GOV_ROLE_ETHIK_BEIRAT, uid, "stellungnahme",
                       text, err);
  for (int i = 0; !rc && i < nrec; i++)
    rc = recommendation_insert(st, &a, recommendations[i], user, err);
  json_t *d = json_pack("{si}", "recommendations", nrec);
  if (!rc) rc = reg_history_add(st, &a, user, "opinion", -1, -1, text, d, err);
  json_decref(d);
  return reg_finish(st, rc, err);
}

int gov_app_recommendation_done(store_t *st, const char *slug, int nr,
                                const char *actor, const char *comment,
                                lotse_err_t *err) {
  reg_app_t a;
  int rc = reg_app_load(st, slug, &a, err);
  if (rc || (rc = store_begin(st, err))) return rc;
  sqlite3_stmt *s;
  rc = reg_prepare(st,
                   "UPDATE app_recommendations SET status = 'umgesetzt', "
                   "done_by = ?, done_at = ?, done_comment = ? WHERE "
                   "app_id = ? AND nr = ? AND status = 'offen'",
                   &s, err);
  if (!rc) {
    sqlite3_bind_text(s, 1, actor && *actor ? actor : "cli", -1,
                      SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, lotse_now_unix());
    sqlite3_bind_text(s, 3, comment ? comment : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, a.id);
    sqlite3_bind_int(s, 5, nr);
    rc = reg_done(st, s, err);
  }
  if (!rc && sqlite3_changes(store_db(st)) != 1)
    rc = lotse_err_set(err, LOTSE_EINVAL,
                       "keine offene Empfehlung Nr. %d bei '%s'", nr, slug);
  json_t *d = json_pack("{si}", "recommendation", nr);
  if (!rc)
    rc = reg_history_add(st, &a, actor, "recommendation_done", -1, -1,
                         comment, d, err);
  json_decref(d);
  return reg_finish(st, rc, err);
}

int gov_app_document_add(store_t *st, const char *slug, const char *kind,
                         const char *reference, const char *actor,
                         lotse_err_t *err) {
  static const char *const kinds[] = {"dsfa", "risikomanagement",
                                      "transparenzhinweis", "information",
                                      "sonstiges"};
  int known = 0;
  for (size_t i = 0; i < 5; i++) known |= kind && !strcmp(kind, kinds[i]);
  if (!known)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "unbekannte Dokumentart '%s' (dsfa, "
                         "risikomanagement, transparenzhinweis, information, "
                         "sonstiges)",
                         kind ? kind : "");
  reg_app_t a;
  int rc = text_ok(reference, "die Dokumentangabe", err);
  if (!rc) rc = open_app(st, slug, &a, err);
  if (rc || (rc = store_begin(st, err))) return rc;
  sqlite3_stmt *s;
  rc = reg_prepare(st,
                   "INSERT INTO app_documents(app_id, version, kind, "
                   "reference, created_by, created_at) VALUES(?,?,?,?,?,?)",
                   &s, err);
  if (!rc) {
    sqlite3_bind_int64(s, 1, a.id);
    sqlite3_bind_int(s, 2, a.version);
    sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, reference, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, actor && *actor ? actor : "cli", -1,
                      SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, lotse_now_unix());
    rc = reg_done(st, s, err);
  }
  json_t *d = json_pack("{ss}", "kind", kind);
  if (!rc)
    rc = reg_history_add(st, &a, actor, "document", -1, -1, reference, d,
                         err);
  json_decref(d);
  if (!rc) rc = release_check(st, &a, actor, err);
  return reg_finish(st, rc, err);
}

/* ------------------------------------------------ suspend, resume, retire */

static int transition(store_t *st, const char *slug, unsigned from_mask,
                      int to, const char *action, const char *actor,
                      const char *comment, lotse_err_t *err) {
  reg_app_t a;
  int rc = reg_app_load(st, slug, &a, err);
  if (rc) return rc;
  if (a.status < 0)
    return LOTSE_CORRUPT_BKPT(err, "status of application '%s'", slug);
  if (!(from_mask & (1u << a.status)))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Anwendung '%s' ist '%s'; das geht nur aus einem "
                         "anderen Status",
                         slug, gov_status_label(a.status));
  if (to == GOV_STATUS_FREIGEGEBEN &&
      (a.approved_version != a.version || a.valid_until <= lotse_now_unix()))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "die Freigabe von '%s' gilt nicht mehr (geändert "
                         "oder abgelaufen); erneut einreichen "
                         "(lotse app submit)",
                         slug);
  if ((rc = store_begin(st, err))) return rc;
  int from = a.status;
  rc = reg_status_set(st, &a, to, err);
  if (!rc)
    rc = reg_history_add(st, &a, actor, action, from, to, comment, NULL, err);
  return reg_finish(st, rc, err);
}

int gov_app_suspend(store_t *st, const char *slug, const char *actor,
                    const char *comment, lotse_err_t *err) {
  return transition(st, slug, 1u << GOV_STATUS_FREIGEGEBEN,
                    GOV_STATUS_AUSGESETZT, "suspended", actor, comment, err);
}

int gov_app_resume(store_t *st, const char *slug, const char *actor,
                   const char *comment, lotse_err_t *err) {
  return transition(st, slug, 1u << GOV_STATUS_AUSGESETZT,
                    GOV_STATUS_FREIGEGEBEN, "resumed", actor, comment, err);
}

int gov_app_retire(store_t *st, const char *slug, const char *actor,
                   const char *comment, lotse_err_t *err) {
  return transition(st, slug, ~(1u << GOV_STATUS_AUSSER_BETRIEB),
                    GOV_STATUS_AUSSER_BETRIEB, "retired", actor, comment,
                    err);
}

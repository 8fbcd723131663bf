/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/registry_gate.c — the read-only questions the runtime gate asks:
 * may this application run now (and with what), is the user's unit
 * permitted, which required trainings does the user lack.
 *
 * Contract: nothing here writes. gov_app_load_approved() trusts no stored
 * hash: it recomputes the SHA-256 of the approved snapshot text and
 * compares it with the version's and the approval's hash, so an edited
 * snapshot row reads as GOV_APP_CHANGED, never as approved.
 */
#include "gov/registry_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const verdict_codes[] = {
    "ok",          "app_unknown", "app_not_approved", "app_suspended",
    "app_retired", "app_expired", "app_changed"};

const char *gov_app_verdict_code(int v) {
  return v >= 0 && v <= GOV_APP_CHANGED ? verdict_codes[v] : "?";
}

static void verdict(gov_app_approved_t *a, gov_app_verdict_t v,
                    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void verdict(gov_app_approved_t *a, gov_app_verdict_t v,
                    const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  a->verdict = v;
  vsnprintf(a->reason, sizeof a->reason, fmt, ap);
  va_end(ap);
}

static void strv_free(char **v) {
  for (size_t i = 0; v && v[i]; i++) free(v[i]);
  free(v);
}

void gov_app_approved_release(gov_app_approved_t *a) {
  if (!a) return;
  strv_free(a->units);
  strv_free(a->trainings);
  strv_free(a->models);
  free(a->system_prompt);
  json_decref(a->config);
  free(a->transparency_notice);
  free(a->snapshot);
  memset(a, 0, sizeof *a);
  a->status = -1;
}

/* NULL-terminated copy of the strings of one or two JSON arrays (distinct,
 * in order). */
static char **strv_of(const json_t *x, const json_t *y) {
  size_t n = json_array_size(x) + json_array_size(y), k = 0;
  char **v = calloc(n + 1, sizeof *v);
  const json_t *arrays[2] = {x, y};
  for (int j = 0; v && j < 2; j++) {
    size_t i;
    json_t *it;
    json_array_foreach(arrays[j], i, it) {
      const char *s = json_string_value(it);
      int dup = !s;
      for (size_t m = 0; !dup && m < k; m++) dup = !strcmp(v[m], s);
      if (dup) continue;
      if (!(v[k++] = lotse_strdup(s))) {
        strv_free(v);
        return NULL;
      }
    }
  }
  return v;
}

/* risk class, measures and classification trainings of a version. */
static int version_class(store_t *st, const reg_app_t *r, int version,
                         gov_app_approved_t *a, json_t **trainings,
                         lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT coalesce(risk_class, 0), measures, "
                       "class_trainings FROM app_versions WHERE app_id = ? "
                       "AND version = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, r->id);
  sqlite3_bind_int(s, 2, version);
  if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    a->risk_class = sqlite3_column_int(s, 0);
    a->needs_transparency =
        (sqlite3_column_int(s, 1) & REG_M_TRANSPARENCY) != 0;
    *trainings =
        json_loads((const char *)sqlite3_column_text(s, 2), 0, NULL);
  }
  sqlite3_finalize(s);
  return rc == SQLITE_ROW ? 0 : store_err_db(st, err, "version");
}

static int notice_load(store_t *st, const reg_app_t *r, char **out,
                       lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT reference FROM app_documents WHERE app_id = ? "
                       "AND kind = 'transparenzhinweis' ORDER BY id DESC "
                       "LIMIT 1",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, r->id);
  if ((rc = sqlite3_step(s)) == SQLITE_ROW) *out = store_col_dup_text(s, 0);
  sqlite3_finalize(s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE
             ? 0
             : store_err_db(st, err, "documents");
}

/* Fill a from the approved version's snapshot; *hash_ok tells whether the
 * snapshot still hashes to what was approved. */
static int approved_fill(store_t *st, const reg_app_t *r,
                         gov_app_approved_t *a, int *hash_ok,
                         lotse_err_t *err) {
  char stored[65];
  int rc = reg_version_text(st, r, r->approved_version, &a->snapshot, stored,
                            err);
  if (rc) return rc;
  lotse_sha256_hex(a->snapshot, strlen(a->snapshot), a->sha256);
  *hash_ok = !strcmp(a->sha256, stored) &&
             !strcmp(a->sha256, r->approved_sha256);
  a->version = r->approved_version;
  a->approved_at = r->approved_at;
  a->valid_until = r->valid_until;
  json_t *snap = json_loads(a->snapshot, 0, NULL), *ct = NULL;
  if (!json_is_object(snap)) {
    json_decref(snap);
    *hash_ok = 0; /* unreadable: treat as changed */
    return 0;
  }
  rc = version_class(st, r, r->approved_version, a, &ct, err);
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(snap, "data_classes"), i, it) {
    int c = gov_class_parse(json_string_value(it));
    if (c >= 0) a->data_classes |= 1u << c;
  }
  a->units = strv_of(json_object_get(snap, "units"), NULL);
  a->trainings = strv_of(json_object_get(snap, "trainings"), ct);
  a->models = strv_of(json_object_get(snap, "models"), NULL);
  a->system_prompt =
      lotse_strdup(json_string_value(json_object_get(snap, "system_prompt")));
  a->config = json_incref(json_object_get(snap, "config"));
  json_decref(ct);
  json_decref(snap);
  if (!rc && a->needs_transparency)
    rc = notice_load(st, r, &a->transparency_notice, err);
  if (!rc && (!a->units || !a->trainings || !a->models || !a->system_prompt))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return rc;
}

static void decide_verdict(const reg_app_t *r, gov_app_approved_t *a,
                           int hash_ok, int64_t now) {
  const char *s = r->slug;
  if (r->status == GOV_STATUS_AUSSER_BETRIEB)
    verdict(a, GOV_APP_RETIRED, "Die Anwendung '%s' ist außer Betrieb.", s);
  else if (r->status == GOV_STATUS_AUSGESETZT)
    verdict(a, GOV_APP_SUSPENDED,
            "Die Anwendung '%s' ist ausgesetzt und darf derzeit nicht "
            "genutzt werden.", s);
  else if (r->approved_version &&
           (r->version != r->approved_version || !hash_ok))
    verdict(a, GOV_APP_CHANGED,
            "Die Anwendung '%s' wurde nach ihrer Freigabe geändert und muss "
            "erneut geprüft und freigegeben werden.", s);
  else if (r->status != GOV_STATUS_FREIGEGEBEN)
    verdict(a, GOV_APP_NOT_APPROVED,
            "Die Anwendung '%s' ist nicht freigegeben (Status: %s).", s,
            gov_status_label(r->status));
  else if (now >= r->valid_until)
    verdict(a, GOV_APP_EXPIRED,
            "Die Freigabe der Anwendung '%s' ist abgelaufen; sie muss "
            "erneut geprüft werden.", s);
  else
    verdict(a, GOV_APP_OK, "%s", "");
}

int gov_app_load_approved(store_t *st, const char *slug, int64_t now,
                          gov_app_approved_t *out, lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  out->status = -1;
  snprintf(out->slug, sizeof out->slug, "%s", slug ? slug : "");
  reg_app_t r;
  int rc = reg_app_load(st, slug, &r, err);
  if (rc == LOTSE_ENOTFOUND) {
    lotse_err_clear(err);
    verdict(out, GOV_APP_UNKNOWN,
            "Die Anwendung '%s' ist nicht im KI-Register eingetragen.",
            out->slug);
    return 0;
  }
  if (rc) return rc;
  out->status = r.status;
  int hash_ok = 1;
  if (r.approved_version &&
      (rc = approved_fill(st, &r, out, &hash_ok, err))) {
    gov_app_approved_release(out);
    return rc;
  }
  decide_verdict(&r, out, hash_ok, now);
  return 0;
}

int gov_app_unit_permitted(store_t *st, const gov_app_approved_t *a,
                           const char *user, bool *ok, lotse_err_t *err) {
  *ok = false;
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "WITH RECURSIVE up(id, name) AS (SELECT n.id, n.name "
                       "FROM users u JOIN units n ON n.id = u.unit_id WHERE "
                       "u.name = ? UNION SELECT p.id, p.name FROM units c "
                       "JOIN up ON c.id = up.id JOIN units p ON "
                       "p.id = c.parent_id) SELECT name FROM up",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, user ? user : "", -1, SQLITE_STATIC);
  while (!*ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(s, 0);
    for (size_t i = 0; a->units && a->units[i]; i++)
      if (!strcmp(a->units[i], name)) *ok = true;
  }
  sqlite3_finalize(s);
  return *ok || rc == SQLITE_DONE ? 0 : store_err_db(st, err, "units");
}

int gov_app_trainings_missing(store_t *st, const gov_app_approved_t *a,
                              const char *user, int64_t now,
                              lotse_strv_t *missing, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT 1 FROM user_trainings ut JOIN users u ON "
                       "u.id = ut.user_id WHERE u.name = ? AND "
                       "ut.training_id = ? AND (ut.expires_at IS NULL OR "
                       "ut.expires_at > ?)",
                       &s, err);
  if (rc) return rc;
  for (size_t i = 0; !rc && a->trainings && a->trainings[i]; i++) {
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, user ? user : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, a->trainings[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, now);
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE)
      rc = lotse_strv_push(missing, a->trainings[i]);
    else if (step != SQLITE_ROW)
      rc = store_err_db(st, err, "trainings");
  }
  sqlite3_finalize(s);
  return rc;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/registry.c — applications and their versions: names of statuses,
 * roles and classes, validation of the fields into a canonical snapshot,
 * create and update, and the helpers the registry's files share.
 *
 * Invariants: (1) a version's sha256 is the SHA-256 of its snapshot text,
 * which is the canonical form (reg_canonical) of a validated object;
 * (2) apps.current_version is the highest version of the application;
 * (3) every state change writes one app_history row in the same
 * transaction.
 * See also: gov/registry.h (model and contract), gov/approval.c.
 */
#include "gov/registry_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 200
#define PURPOSE_MAX_BYTES 4000
#define PROMPT_MAX_BYTES 65536
#define CONFIG_MAX_BYTES 262144
#define LIST_MAX 64

/* ------------------------------------------------------------------ names */

static const char *const status_names[GOV_STATUS_COUNT] = {
    "entwurf", "in_pruefung", "freigegeben", "ausgesetzt", "ausser_betrieb"};
static const char *const status_labels[GOV_STATUS_COUNT] = {
    "Entwurf", "in Prüfung", "freigegeben", "ausgesetzt", "außer Betrieb"};
static const char *const role_names[GOV_ROLE_COUNT] = {
    "ki_koordination", "fachdienstleitung", "datenschutz",
    "informationssicherheit", "personalrat", "ethik_beirat", "auditor",
    "admin"};
static const char *const role_labels[GOV_ROLE_COUNT] = {
    "KI-Koordination", "Fachdienstleitung", "Datenschutz",
    "Informationssicherheit", "Personalrat", "Ethik-Beirat", "Revision",
    "Administration"};

static int name_index(const char *const *names, int n, const char *s) {
  for (int i = 0; s && i < n; i++)
    if (strcmp(names[i], s) == 0) return i;
  return -1;
}

const char *gov_status_name(int s) {
  return s >= 0 && s < GOV_STATUS_COUNT ? status_names[s] : "?";
}
const char *gov_status_label(int s) {
  return s >= 0 && s < GOV_STATUS_COUNT ? status_labels[s] : "?";
}
int gov_status_parse(const char *name) {
  return name_index(status_names, GOV_STATUS_COUNT, name);
}
const char *gov_role_name(int r) {
  return r >= 0 && r < GOV_ROLE_COUNT ? role_names[r] : "?";
}
const char *gov_role_label(int r) {
  return r >= 0 && r < GOV_ROLE_COUNT ? role_labels[r] : "?";
}
int gov_role_parse(const char *name) {
  return name_index(role_names, GOV_ROLE_COUNT, name);
}

const char *gov_class_name(int cls) {
  return cls == GOV_CLASS_SPECIAL ? "besondere_kategorien"
                                  : store_class_name(cls);
}
int gov_class_parse(const char *name) {
  if (name && strcmp(name, "besondere_kategorien") == 0)
    return GOV_CLASS_SPECIAL;
  return store_class_parse(name);
}

/* ---------------------------------------------------------------- helpers */

int reg_prepare(store_t *st, const char *sql, sqlite3_stmt **s,
                lotse_err_t *err) {
  if (sqlite3_prepare_v2(store_db(st), sql, -1, s, NULL) != SQLITE_OK) {
    *s = NULL;
    return store_err_db(st, err, "registry");
  }
  return 0;
}

int reg_done(store_t *st, sqlite3_stmt *s, lotse_err_t *err) {
  int rc = sqlite3_step(s);
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? 0 : store_err_db(st, err, "registry");
}

int reg_finish(store_t *st, int rc, lotse_err_t *err) {
  if (!rc) rc = store_commit(st, err);
  if (rc) store_rollback(st);
  return rc;
}

int reg_slug_ok(const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n < 2 || n > GOV_SLUG_MAX) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             (i > 0 && (c == '-' || c == '_'));
    if (!ok) return 0;
  }
  return 1;
}

char *reg_canonical(const json_t *o) {
  return json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
}

int reg_app_load(store_t *st, const char *slug, reg_app_t *a,
                 lotse_err_t *err) {
  memset(a, 0, sizeof *a);
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT id, status, current_version, round, "
                       "coalesce(approved_version, 0), "
                       "coalesce(approved_sha256, ''), "
                       "coalesce(approved_at, 0), coalesce(valid_until, 0) "
                       "FROM apps WHERE slug = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, slug ? slug : "", -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    a->id = sqlite3_column_int64(s, 0);
    snprintf(a->slug, sizeof a->slug, "%s", slug);
    a->status = gov_status_parse((const char *)sqlite3_column_text(s, 1));
    a->version = sqlite3_column_int(s, 2);
    a->round = sqlite3_column_int(s, 3);
    a->approved_version = sqlite3_column_int(s, 4);
    snprintf(a->approved_sha256, sizeof a->approved_sha256, "%s",
             (const char *)sqlite3_column_text(s, 5));
    a->approved_at = sqlite3_column_int64(s, 6);
    a->valid_until = sqlite3_column_int64(s, 7);
    sqlite3_finalize(s);
    return 0;
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, "application");
  return lotse_err_set(err, LOTSE_ENOTFOUND, "Anwendung '%s' nicht gefunden",
                       slug ? slug : "");
}

int reg_history_add(store_t *st, const reg_app_t *a, const char *actor,
                    const char *action, int from, int to,
                    const char *comment, const json_t *details,
                    lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "INSERT INTO app_history(app_id, version, at, actor, "
                       "action, from_status, to_status, comment, details) "
                       "VALUES(?,?,?,?,?,?,?,?,?)",
                       &s, err);
  if (rc) return rc;
  char *d = details ? reg_canonical(details) : NULL;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, a->version);
  sqlite3_bind_int64(s, 3, lotse_now_unix());
  sqlite3_bind_text(s, 4, actor && *actor ? actor : "cli", -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, action, -1, SQLITE_STATIC);
  if (from >= 0) sqlite3_bind_text(s, 6, gov_status_name(from), -1, SQLITE_STATIC);
  if (to >= 0) sqlite3_bind_text(s, 7, gov_status_name(to), -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 8, comment ? comment : "", -1, SQLITE_STATIC);
  if (d) sqlite3_bind_text(s, 9, d, -1, SQLITE_TRANSIENT);
  free(d);
  return reg_done(st, s, err);
}

int reg_status_set(store_t *st, reg_app_t *a, int to, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "UPDATE apps SET status = ?, updated_at = ? "
                       "WHERE id = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, gov_status_name(to), -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, lotse_now_unix());
  sqlite3_bind_int64(s, 3, a->id);
  if ((rc = reg_done(st, s, err))) return rc;
  a->status = to;
  return 0;
}

int reg_user_lookup(store_t *st, const char *user, int64_t *uid,
                    int64_t *unit_id, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT id, coalesce(unit_id, 0) FROM users "
                       "WHERE name = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, user ? user : "", -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    *uid = sqlite3_column_int64(s, 0);
    if (unit_id) *unit_id = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    return 0;
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, "user");
  return lotse_err_set(err, LOTSE_EINVAL, "unbekannter Benutzer '%s'",
                       user ? user : "");
}

int reg_unit_lookup(store_t *st, const char *unit, int64_t *id,
                    lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st, "SELECT id FROM units WHERE name = ?", &s, err);
  if (rc) return rc;
  sqlite3_bind_text(s, 1, unit ? unit : "", -1, SQLITE_STATIC);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) *id = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  if (rc == SQLITE_ROW) return 0;
  if (rc != SQLITE_DONE) return store_err_db(st, err, "unit");
  return lotse_err_set(err, LOTSE_EINVAL,
                       "unbekannte Organisationseinheit '%s'",
                       unit ? unit : "");
}

int reg_version_text(store_t *st, const reg_app_t *a, int version,
                     char **text, char sha256[65], lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "SELECT snapshot, sha256 FROM app_versions "
                       "WHERE app_id = ? AND version = ?",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, version);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    *text = store_col_dup_text(s, 0);
    snprintf(sha256, 65, "%s", (const char *)sqlite3_column_text(s, 1));
    sqlite3_finalize(s);
    return *text ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return store_err_db(st, err, "version");
  return lotse_err_set(err, LOTSE_ENOTFOUND,
                       "Version %d der Anwendung '%s' nicht gefunden",
                       version, a->slug);
}

/* ------------------------------------------------------------- validation */

static int text_field(const json_t *v, const char *key, size_t min,
                      size_t max, lotse_err_t *err) {
  if (!json_is_string(v))
    return lotse_err_set(err, LOTSE_EINVAL, "Feld '%s' muss Text sein", key);
  size_t n = json_string_length(v);
  if (n < min)
    return lotse_err_set(err, LOTSE_EINVAL, "Feld '%s' darf nicht leer sein",
                         key);
  if (n > max)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Feld '%s' ist zu lang (höchstens %zu Bytes)", key,
                         max);
  if (strlen(json_string_value(v)) != n)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Feld '%s' enthält ein NUL-Zeichen", key);
  return 0;
}

/* Check one list item (by key); 0 when valid. */
static int item_check(store_t *st, const char *key, const char *item,
                      lotse_err_t *err) {
  if (!strcmp(key, "data_classes")) {
    if (gov_class_parse(item) < 0)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "unbekannte Datenklasse '%s' (offen, intern, "
                           "vertraulich, personenbezogen, "
                           "besondere_kategorien)",
                           item);
    return 0;
  }
  if (!strcmp(key, "units")) {
    int64_t id;
    return reg_unit_lookup(st, item, &id, err);
  }
  if (!strcmp(key, "trainings")) {
    sqlite3_stmt *s;
    int rc = reg_prepare(st, "SELECT 1 FROM trainings WHERE id = ?", &s, err);
    if (rc) return rc;
    sqlite3_bind_text(s, 1, item, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc == SQLITE_ROW) return 0;
    if (rc != SQLITE_DONE) return store_err_db(st, err, "training");
    return lotse_err_set(err, LOTSE_EINVAL,
                         "unbekannte Schulung '%s' (zuerst 'lotse training "
                         "add' ausführen)",
                         item);
  }
  return 0; /* models: any non-empty name */
}

static int by_class(const void *a, const void *b) {
  int x = gov_class_parse(json_string_value(*(json_t *const *)a));
  int y = gov_class_parse(json_string_value(*(json_t *const *)b));
  return (x > y) - (x < y);
}
static int by_text(const void *a, const void *b) {
  return strcmp(json_string_value(*(json_t *const *)a),
                json_string_value(*(json_t *const *)b));
}

/* A list of distinct non-empty names; sorted unless it is "models" (the
 * first model is the default). *out is a new array. */
static int list_field(store_t *st, const json_t *v, const char *key,
                      size_t min, json_t **out, lotse_err_t *err) {
  if (!json_is_array(v))
    return lotse_err_set(err, LOTSE_EINVAL, "Feld '%s' muss eine Liste sein",
                         key);
  size_t n = json_array_size(v);
  if (n < min || n > LIST_MAX)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Feld '%s' braucht %zu bis %d Einträge", key, min,
                         LIST_MAX);
  json_t *items[LIST_MAX];
  for (size_t i = 0; i < n; i++) {
    items[i] = json_array_get(v, i);
    int rc = text_field(items[i], key, 1, NAME_MAX_BYTES, err);
    if (!rc) rc = item_check(st, key, json_string_value(items[i]), err);
    if (rc) return rc;
    for (size_t j = 0; j < i; j++)
      if (json_equal(items[i], items[j]))
        return lotse_err_set(err, LOTSE_EINVAL,
                             "Feld '%s': '%s' steht doppelt in der Liste",
                             key, json_string_value(items[i]));
  }
  if (!strcmp(key, "data_classes"))
    qsort(items, n, sizeof items[0], by_class);
  else if (strcmp(key, "models") != 0)
    qsort(items, n, sizeof items[0], by_text);
  json_t *a = json_array();
  for (size_t i = 0; a && i < n; i++)
    if (json_array_append(a, items[i])) {
      json_decref(a);
      a = NULL;
    }
  if (!a) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  *out = a;
  return 0;
}

/* Validate fields[key] into snap[key]. */
static int field_put(store_t *st, json_t *snap, const char *key,
                     const json_t *v, lotse_err_t *err) {
  int rc;
  json_t *norm = NULL;
  if (!strcmp(key, "name")) {
    rc = text_field(v, key, 1, NAME_MAX_BYTES, err);
  } else if (!strcmp(key, "purpose")) {
    rc = text_field(v, key, 1, PURPOSE_MAX_BYTES, err);
  } else if (!strcmp(key, "system_prompt")) {
    rc = text_field(v, key, 0, PROMPT_MAX_BYTES, err);
  } else if (!strcmp(key, "owner_unit")) {
    int64_t id;
    rc = text_field(v, key, 1, NAME_MAX_BYTES, err);
    if (!rc) rc = reg_unit_lookup(st, json_string_value(v), &id, err);
  } else if (!strcmp(key, "config")) {
    char *t = json_is_object(v) ? reg_canonical(v) : NULL;
    rc = !json_is_object(v)
             ? lotse_err_set(err, LOTSE_EINVAL,
                             "Feld 'config' muss ein JSON-Objekt sein")
         : (!t || strlen(t) > CONFIG_MAX_BYTES)
             ? lotse_err_set(err, LOTSE_EINVAL,
                             "Feld 'config' ist zu groß (höchstens %d Bytes)",
                             CONFIG_MAX_BYTES)
             : 0;
    free(t);
  } else if (!strcmp(key, "models") || !strcmp(key, "trainings")) {
    rc = list_field(st, v, key, 0, &norm, err);
  } else if (!strcmp(key, "data_classes") || !strcmp(key, "units")) {
    rc = list_field(st, v, key, 1, &norm, err);
  } else {
    return lotse_err_set(err, LOTSE_EINVAL,
                         "unbekanntes Feld '%s' (erlaubt: name, purpose, "
                         "owner_unit, models, system_prompt, config, "
                         "data_classes, units, trainings)",
                         key);
  }
  if (rc) return rc;
  if (norm) return json_object_set_new(snap, key, norm) ? LOTSE_ENOMEM : 0;
  return json_object_set_new(snap, key, json_deep_copy(v)) ? LOTSE_ENOMEM : 0;
}

/* Defaults of a new application; owner_unit is already set. */
static int defaults_put(json_t *snap) {
  int bad = 0;
  if (!json_object_get(snap, "models"))
    bad |= json_object_set_new(snap, "models", json_array());
  if (!json_object_get(snap, "system_prompt"))
    bad |= json_object_set_new(snap, "system_prompt", json_string(""));
  if (!json_object_get(snap, "config"))
    bad |= json_object_set_new(snap, "config", json_object());
  if (!json_object_get(snap, "data_classes"))
    bad |= json_object_set_new(snap, "data_classes",
                               json_pack("[s]", "offen"));
  if (!json_object_get(snap, "trainings"))
    bad |= json_object_set_new(snap, "trainings", json_array());
  if (!json_object_get(snap, "units")) {
    json_t *a = json_array();
    bad |= !a || json_array_append(a, json_object_get(snap, "owner_unit"));
    bad |= json_object_set_new(snap, "units", a);
  }
  return bad ? LOTSE_ENOMEM : 0;
}

/* base (a snapshot, or NULL for a new application) with fields applied. */
static int snapshot_build(store_t *st, const json_t *base,
                          const json_t *fields, json_t **out,
                          lotse_err_t *err) {
  *out = NULL;
  if (!json_is_object(fields))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Angaben müssen ein JSON-Objekt sein");
  json_t *snap = base ? json_deep_copy(base) : json_object();
  if (!snap) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  const char *key;
  json_t *v;
  int rc = 0;
  json_object_foreach((json_t *)fields, key, v) {
    if (!strcmp(key, "id")) continue; /* checked by the caller */
    if ((rc = field_put(st, snap, key, v, err))) break;
  }
  static const char *const required[] = {"name", "purpose", "owner_unit"};
  for (size_t i = 0; !rc && !base && i < 3; i++)
    if (!json_object_get(snap, required[i]))
      rc = lotse_err_set(err, LOTSE_EINVAL, "Feld '%s' fehlt", required[i]);
  if (!rc && !base && defaults_put(snap))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc) {
    json_decref(snap);
    return rc;
  }
  *out = snap;
  return 0;
}

/* --------------------------------------------------------- create, update */

static int version_insert(store_t *st, const reg_app_t *a, int version,
                          const char *text, const char *sha,
                          const char *actor, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "INSERT INTO app_versions(app_id, version, snapshot, "
                       "sha256, created_at, created_by) VALUES(?,?,?,?,?,?)",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, version);
  sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, sha, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 5, lotse_now_unix());
  sqlite3_bind_text(s, 6, actor && *actor ? actor : "cli", -1, SQLITE_STATIC);
  return reg_done(st, s, err);
}

static int app_insert(store_t *st, reg_app_t *a, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "INSERT INTO apps(slug, status, current_version, "
                       "round, created_at, updated_at) "
                       "VALUES(?1, 'entwurf', 1, 0, ?2, ?2)",
                       &s, err);
  if (rc) return rc;
  int64_t now = lotse_now_unix();
  sqlite3_bind_text(s, 1, a->slug, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, now);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc == SQLITE_CONSTRAINT || rc == SQLITE_CONSTRAINT_UNIQUE)
    return lotse_err_set(err, LOTSE_EEXIST, "Anwendung '%s' gibt es schon",
                         a->slug);
  if (rc != SQLITE_DONE) return store_err_db(st, err, "application");
  a->id = sqlite3_last_insert_rowid(store_db(st));
  a->status = GOV_STATUS_ENTWURF;
  a->version = 1;
  return 0;
}

int gov_app_create(store_t *st, const json_t *fields, const char *actor,
                   lotse_err_t *err) {
  const char *slug = json_string_value(json_object_get(fields, "id"));
  if (!json_is_object(fields) || !slug)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Feld 'id' fehlt (Kurzname der Anwendung)");
  if (!reg_slug_ok(slug))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "ungültige Kennung '%s': 2 bis %d Zeichen a-z, 0-9, "
                         "'-' oder '_', beginnend mit Buchstabe oder Ziffer",
                         slug, GOV_SLUG_MAX);
  json_t *snap;
  int rc = snapshot_build(st, NULL, fields, &snap, err);
  if (rc) return rc;
  char *text = reg_canonical(snap);
  json_decref(snap);
  if (!text) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  char sha[65];
  lotse_sha256_hex(text, strlen(text), sha);
  reg_app_t a = {0};
  snprintf(a.slug, sizeof a.slug, "%s", slug);
  if (!(rc = store_begin(st, err))) {
    rc = app_insert(st, &a, err);
    if (!rc) rc = version_insert(st, &a, 1, text, sha, actor, err);
    json_t *d = json_pack("{ss}", "sha256", sha);
    if (!rc)
      rc = reg_history_add(st, &a, actor, "created", -1, GOV_STATUS_ENTWURF,
                           NULL, d, err);
    json_decref(d);
    rc = reg_finish(st, rc, err);
  }
  free(text);
  return rc;
}

/* Copy the classification of version from to version to (same purpose). */
static int classification_copy(store_t *st, const reg_app_t *a, int from,
                               int to, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "UPDATE app_versions SET (answers, classification, "
                       "risk_class, measures, class_trainings) = "
                       "(SELECT answers, classification, risk_class, "
                       "measures, class_trainings FROM app_versions "
                       "WHERE app_id = ?1 AND version = ?2) "
                       "WHERE app_id = ?1 AND version = ?3",
                       &s, err);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, a->id);
  sqlite3_bind_int(s, 2, from);
  sqlite3_bind_int(s, 3, to);
  return reg_done(st, s, err);
}

static int app_bump(store_t *st, reg_app_t *a, int to, lotse_err_t *err) {
  sqlite3_stmt *s;
  int rc = reg_prepare(st,
                       "UPDATE apps SET current_version = ?, round = ?, "
                       "status = ?, updated_at = ? WHERE id = ?",
                       &s, err);
  if (rc) return rc;
  int round = to == GOV_STATUS_IN_PRUEFUNG ? a->round + 1 : a->round;
  sqlite3_bind_int(s, 1, a->version + 1);
  sqlite3_bind_int(s, 2, round);
  sqlite3_bind_text(s, 3, gov_status_name(to), -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 4, lotse_now_unix());
  sqlite3_bind_int64(s, 5, a->id);
  if ((rc = reg_done(st, s, err))) return rc;
  a->version++;
  a->round = round;
  a->status = to;
  return 0;
}

/* Write version a->version + 1 and move the application along. */
static int version_add(store_t *st, reg_app_t *a, const char *text,
                       const char *sha, const char *prev_sha,
                       int same_purpose, const char *actor,
                       const char *comment, lotse_err_t *err) {
  int from = a->status;
  int to = from == GOV_STATUS_ENTWURF ? from : GOV_STATUS_IN_PRUEFUNG;
  int rc = version_insert(st, a, a->version + 1, text, sha, actor, err);
  if (!rc && same_purpose)
    rc = classification_copy(st, a, a->version, a->version + 1, err);
  if (!rc) rc = app_bump(st, a, to, err);
  json_t *d = json_pack("{ss ss sb}", "sha256", sha, "previous_sha256",
                        prev_sha, "classification_kept", same_purpose);
  if (!rc)
    rc = reg_history_add(st, a, actor, "updated", from, to, comment, d, err);
  json_decref(d);
  return rc;
}

int gov_app_update(store_t *st, const char *slug, const json_t *fields,
                   const char *actor, const char *comment, int *version,
                   lotse_err_t *err) {
  reg_app_t a;
  int rc = reg_app_load(st, slug, &a, err);
  if (rc) return rc;
  if (a.status == GOV_STATUS_AUSSER_BETRIEB)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Anwendung '%s' ist außer Betrieb und kann nicht "
                         "mehr geändert werden",
                         slug);
  const json_t *id = json_object_get(fields, "id");
  if (id && !(json_is_string(id) && !strcmp(json_string_value(id), slug)))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "die Kennung einer Anwendung ist unveränderlich");
  char *old_text = NULL, old_sha[65], new_sha[65], *text = NULL;
  json_t *base = NULL, *snap = NULL;
  if ((rc = reg_version_text(st, &a, a.version, &old_text, old_sha, err)))
    return rc;
  base = json_loads(old_text, 0, NULL);
  if (!base) rc = LOTSE_CORRUPT_BKPT(err, "stored snapshot of '%s'", slug);
  if (!rc) rc = snapshot_build(st, base, fields, &snap, err);
  if (!rc && !(text = reg_canonical(snap)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) lotse_sha256_hex(text, strlen(text), new_sha);
  if (!rc && strcmp(text, old_text) != 0 && !(rc = store_begin(st, err))) {
    int same = json_equal(json_object_get(base, "purpose"),
                          json_object_get(snap, "purpose"));
    rc = version_add(st, &a, text, new_sha, old_sha, same, actor, comment,
                     err);
    rc = reg_finish(st, rc, err);
  }
  if (!rc && version) *version = a.version;
  json_decref(base);
  json_decref(snap);
  free(old_text);
  free(text);
  return rc;
}

int gov_app_version_json(store_t *st, const char *slug, int version,
                         json_t **out, lotse_err_t *err) {
  reg_app_t a;
  int rc = reg_app_load(st, slug, &a, err);
  if (rc) return rc;
  char *text, sha[65];
  if ((rc = reg_version_text(st, &a, version ? version : a.version, &text,
                             sha, err)))
    return rc;
  *out = json_loads(text, 0, NULL);
  free(text);
  return *out ? 0 : LOTSE_CORRUPT_BKPT(err, "stored snapshot of '%s'", slug);
}

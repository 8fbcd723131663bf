/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_admin_users.c — POST /api/admin/users/…: create and change
 * users, deactivate and reactivate them, set a password (typed by the
 * administrator or generated and shown once), enrol TOTP (the address for
 * the authenticator app shown once) or reset the enrolment, grant and
 * revoke governance roles and training completions.
 *
 * Contract: see server/route_admin.h. Passwords are hashed (argon2id,
 * server/password.c) before the transaction and never reach the audit
 * record or a log; setting a password or resetting TOTP ends the user's
 * sessions; deactivating ends them through the store's trigger. An
 * administrator cannot deactivate their own account, and the last active
 * administrator keeps the role (gov/people_admin.h).
 */
#include "gov/people_admin.h"
#include "gov/registry.h"
#include "server/route_admin.h"
#include "server/session.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#define ADMIN_ONLY GOV_ROLE_BIT(GOV_ROLE_ADMIN)
#define TRAINERS \
  (GOV_ROLE_BIT(GOV_ROLE_ADMIN) | GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION))
#define PW_MIN 10
#define PW_MAX 1024

/* -------------------------------------------------------------- helpers */

/* The "name" of the body (the user acted on), recorded in the details. */
static int target(admin_req_t *a, const char **name, lotse_err_t *err) {
  int rc = admin_str(a, "name", true, name, err);
  if (!rc) admin_detail(a, "name");
  return rc;
}

static int user_spec(admin_req_t *a, gov_user_spec_t *sp, const char **groups,
                     lotse_err_t *err) {
  memset(sp, 0, sizeof *sp);
  int rc = admin_str(a, "display", false, &sp->display, err);
  if (!rc) rc = admin_str(a, "unit", false, &sp->unit, err);
  if (!rc) rc = admin_classes(a, "clearance", &sp->clearance, err);
  if (!rc)
    rc = admin_strs(a, "groups", groups, &sp->ngroups, &sp->set_groups, err);
  sp->groups = groups;
  const char *keys[] = {"display", "unit", "clearance", "groups"};
  for (size_t i = 0; i < 4; i++) admin_detail(a, keys[i]);
  return rc;
}

/* 20 characters of an alphabet without look-alikes, in groups of five. */
static int generate_password(char out[24], lotse_err_t *err) {
  static const char ALPHA[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
                              "23456789";
  const size_t n = sizeof ALPHA - 1; /* 55: reject bytes >= 220 */
  size_t k = 0;
  while (k < 23) {
    unsigned char b[32];
    if (RAND_bytes(b, sizeof b) != 1)
      return lotse_err_set(err, LOTSE_EIO, "no random bytes");
    for (size_t i = 0; i < sizeof b && k < 23; i++) {
      if (k % 6 == 5) out[k++] = '-';
      if (b[i] < 220) out[k++] = ALPHA[b[i] % n];
    }
    OPENSSL_cleanse(b, sizeof b);
  }
  out[23] = 0;
  return 0;
}

/* prepare: a->secret = hash of the body's password, or of a generated one
 * (kept in a->shown for the reply) when generate is true. */
static int hash_password(admin_req_t *a, bool optional, lotse_err_t *err) {
  const char *pw;
  json_t *gen = json_object_get(a->body, "generate");
  int rc = admin_str(a, "password", false, &pw, err);
  if (rc) return rc;
  if (gen && !json_is_boolean(gen))
    return lotse_err_set(err, LOTSE_EINVAL, "'generate' muss true oder "
                                            "false sein");
  bool generate = json_is_true(gen);
  if (pw && generate)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "entweder ein Passwort angeben oder eines erzeugen "
                         "lassen, nicht beides");
  if (!pw && !generate)
    return optional ? 0
                    : lotse_err_set(err, LOTSE_EINVAL,
                                    "Passwort angeben oder \"generate\": true");
  if (pw && (strlen(pw) < PW_MIN || strlen(pw) > PW_MAX ||
             !lotse_utf8_valid(pw, strlen(pw))))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Das Passwort muss %d bis %d Zeichen lang sein",
                         PW_MIN, PW_MAX);
  if (generate) {
    char buf[24];
    if ((rc = generate_password(buf, err))) return rc;
    a->shown = lotse_strdup(buf);
    OPENSSL_cleanse(buf, sizeof buf);
    if (!a->shown) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    pw = a->shown;
  }
  json_object_set_new(a->details, "password",
                      json_string(generate ? "erzeugt" : "gesetzt"));
  return password_hash(pw, &a->secret, err);
}

static int user_id(admin_req_t *a, const char *name, int64_t *uid,
                   lotse_err_t *err) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(a->st), "SELECT id FROM users WHERE name = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(a->st, err, "users");
  sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
  int step = sqlite3_step(s);
  *uid = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
  sqlite3_finalize(s);
  if (step != SQLITE_ROW && step != SQLITE_DONE)
    return store_err_db(a->st, err, "users");
  return *uid ? 0
              : lotse_err_set(err, LOTSE_ENOTFOUND, "unbekannter Benutzer '%s'",
                              name);
}

/* Store a->secret as name's password hash and end the user's sessions. */
static int store_password(admin_req_t *a, const char *name, lotse_err_t *err) {
  int64_t uid;
  int rc = user_id(a, name, &uid, err);
  sqlite3_stmt *s;
  if (!rc && sqlite3_prepare_v2(store_db(a->st),
                                "INSERT OR REPLACE INTO user_credentials("
                                "user_id, hash, updated_at) VALUES(?, ?, ?)",
                                -1, &s, NULL) != SQLITE_OK)
    rc = store_err_db(a->st, err, "credentials");
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, uid);
  sqlite3_bind_text(s, 2, a->secret, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, lotse_now_unix());
  rc = sqlite3_step(s) == SQLITE_DONE ? 0
                                      : store_err_db(a->st, err, "credentials");
  sqlite3_finalize(s);
  return rc ? rc : session_destroy_user(a->st, uid, err);
}

/* -------------------------------------------------------------- actions */

static int prep_create(admin_req_t *a, lotse_err_t *err) {
  return hash_password(a, true, err);
}

static int do_create(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL, *groups[ADMIN_LIST_MAX];
  gov_user_spec_t sp;
  int rc = target(a, &name, err);
  if (!rc) rc = user_spec(a, &sp, groups, err);
  if (!rc) rc = gov_user_create(a->st, name, &sp, err);
  if (!rc && a->secret) rc = store_password(a, name, err);
  a->status = MHD_HTTP_CREATED;
  admin_message(a, "Benutzer %s angelegt%s", name ? name : "",
                a->shown    ? "; das erzeugte Passwort wird nur jetzt angezeigt"
                : a->secret ? " und Passwort gesetzt"
                            : "");
  return rc;
}

static int do_update(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL, *groups[ADMIN_LIST_MAX];
  gov_user_spec_t sp;
  int rc = target(a, &name, err);
  if (!rc) rc = user_spec(a, &sp, groups, err);
  if (!rc && !sp.display && !sp.unit && sp.clearance < 0 && !sp.set_groups)
    rc = lotse_err_set(err, LOTSE_EINVAL,
                       "nichts zu ändern: display, unit, clearance oder "
                       "groups angeben");
  if (!rc) rc = gov_user_update(a->st, name, &sp, err);
  admin_message(a, "Benutzer %s geändert", name ? name : "");
  return rc;
}

static int set_active(admin_req_t *a, bool active, lotse_err_t *err) {
  const char *name = NULL;
  int rc = target(a, &name, err);
  if (!rc && !active && !strcmp(name, a->r->principal.name))
    rc = lotse_err_set(err, LOTSE_EINVAL,
                       "Das eigene Konto kann nicht deaktiviert werden");
  if (!rc)
    rc = gov_user_set_active(a->st, name, active, a->r->principal.name, err);
  admin_message(a,
                active ? "Benutzer %s wieder aktiviert"
                       : "Benutzer %s deaktiviert; laufende Sitzungen sind "
                         "beendet",
                name ? name : "");
  return rc;
}

static int do_deactivate(admin_req_t *a, lotse_err_t *err) {
  return set_active(a, false, err);
}

static int do_reactivate(admin_req_t *a, lotse_err_t *err) {
  return set_active(a, true, err);
}

static int prep_password(admin_req_t *a, lotse_err_t *err) {
  return hash_password(a, false, err);
}

static int do_password(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL;
  int rc = target(a, &name, err);
  if (!rc) rc = store_password(a, name, err);
  admin_message(a, "%s für %s; laufende Sitzungen sind beendet",
                a->shown ? "Passwort erzeugt (wird nur jetzt angezeigt)"
                         : "Passwort gesetzt",
                name ? name : "");
  return rc;
}

static int do_totp_reset(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL;
  int64_t uid;
  int rc = target(a, &name, err);
  if (!rc) rc = user_id(a, name, &uid, err);
  int enrolled = rc ? 0 : totp_enrolled(a->st, uid, err);
  if (!rc && enrolled < 0) rc = enrolled;
  if (!rc && !enrolled)
    rc = lotse_err_set(err, LOTSE_EINVAL,
                       "%s hat keine Zwei-Faktor-Anmeldung eingerichtet",
                       name);
  if (!rc) rc = totp_disable(a->st, name, err);
  if (!rc) rc = session_destroy_user(a->st, uid, err);
  admin_message(a,
                "Zwei-Faktor-Anmeldung von %s zurückgesetzt; sie muss neu "
                "eingerichtet werden (lotse user totp enroll %s)",
                name ? name : "", name ? name : "");
  return rc;
}

/* A new TOTP secret (replacing any earlier one); the otpauth:// address
 * for the authenticator app is in the reply once and nowhere else. */
static int do_totp_enroll(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL;
  char *uri = NULL;
  int64_t uid;
  int rc = target(a, &name, err);
  if (!rc) rc = user_id(a, name, &uid, err);
  int had = rc ? 0 : totp_enrolled(a->st, uid, err);
  if (!rc && had < 0) rc = had;
  if (!rc) rc = totp_enroll(a->st, name, &uri, err);
  if (!rc && json_object_set_new(a->reply, "totp_uri", json_string(uri)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (uri) OPENSSL_cleanse(uri, strlen(uri));
  free(uri);
  json_object_set_new(a->details, "replaced", json_boolean(had > 0));
  admin_message(a,
                "Zwei-Faktor-Anmeldung für %s eingerichtet%s; die Adresse "
                "für die Authenticator-App wird nur jetzt angezeigt",
                name ? name : "", had > 0 ? " (das frühere Geheimnis gilt "
                                            "nicht mehr)"
                                          : "");
  return rc;
}

static int do_roles(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL, *grant[ADMIN_LIST_MAX], *revoke[ADMIN_LIST_MAX];
  size_t ng = 0, nr = 0;
  bool pg, pr;
  int64_t uid;
  int rc = target(a, &name, err);
  if (!rc) rc = admin_strs(a, "grant", grant, &ng, &pg, err);
  if (!rc) rc = admin_strs(a, "revoke", revoke, &nr, &pr, err);
  if (!rc && ng + nr == 0)
    rc = lotse_err_set(err, LOTSE_EINVAL,
                       "mindestens eine Rolle in grant oder revoke angeben");
  for (size_t i = 0; !rc && i < ng + nr; i++) {
    const char *role = i < ng ? grant[i] : revoke[i - ng];
    if (gov_role_parse(role) < 0)
      rc = lotse_err_set(err, LOTSE_EINVAL,
                         "unbekannte Rolle '%s' (ki_koordination, "
                         "fachdienstleitung, datenschutz, "
                         "informationssicherheit, personalrat, ethik_beirat, "
                         "auditor, admin)",
                         role);
    for (size_t j = 0; !rc && i < ng && j < nr; j++)
      if (gov_role_parse(revoke[j]) == gov_role_parse(role))
        rc = lotse_err_set(err, LOTSE_EINVAL,
                           "Rolle '%s' zugleich erteilen und entziehen?",
                           role);
  }
  if (!rc) rc = user_id(a, name, &uid, err);
  for (size_t i = 0; !rc && i < ng; i++)
    rc = gov_role_grant(a->st, name, grant[i], a->r->principal.name, err);
  for (size_t i = 0; !rc && i < nr; i++)
    rc = gov_role_revoke_guarded(a->st, name, revoke[i], err);
  admin_detail(a, "grant");
  admin_detail(a, "revoke");
  admin_message(a, "Rollen von %s geändert", name ? name : "");
  return rc;
}

static int do_training_grant(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL, *id = NULL;
  int64_t done, expires;
  int64_t uid;
  int rc = target(a, &name, err);
  if (!rc) rc = admin_str(a, "training", true, &id, err);
  if (!rc) rc = admin_date(a, "completed", &done, err);
  if (!rc) rc = admin_date(a, "expires", &expires, err);
  if (!rc) rc = user_id(a, name, &uid, err);
  if (!rc)
    rc = gov_training_grant(a->st, name, id, done ? done : lotse_now_unix(),
                            expires, a->r->principal.name, err);
  admin_detail(a, "training");
  admin_detail(a, "completed");
  admin_detail(a, "expires");
  admin_message(a, "Schulung %s für %s eingetragen", id ? id : "",
                name ? name : "");
  return rc;
}

static int do_training_revoke(admin_req_t *a, lotse_err_t *err) {
  const char *name = NULL, *id = NULL;
  int rc = target(a, &name, err);
  if (!rc) rc = admin_str(a, "training", true, &id, err);
  if (!rc) rc = gov_training_revoke(a->st, name, id, err);
  admin_detail(a, "training");
  admin_message(a, "Schulung %s von %s ausgetragen", id ? id : "",
                name ? name : "");
  return rc;
}

const admin_action_t admin_user_actions[] = {
    {"users/create", "admin.user_create", ADMIN_ONLY,
     "name display unit clearance groups password generate", prep_create,
     do_create},
    {"users/update", "admin.user_update", ADMIN_ONLY,
     "name display unit clearance groups", NULL, do_update},
    {"users/deactivate", "admin.user_deactivate", ADMIN_ONLY, "name", NULL,
     do_deactivate},
    {"users/reactivate", "admin.user_reactivate", ADMIN_ONLY, "name", NULL,
     do_reactivate},
    {"users/password", "admin.user_password", ADMIN_ONLY,
     "name password generate", prep_password, do_password},
    {"users/totp-reset", "admin.user_totp_reset", ADMIN_ONLY, "name", NULL,
     do_totp_reset},
    {"users/totp-enroll", "admin.user_totp_enroll", ADMIN_ONLY, "name", NULL,
     do_totp_enroll},
    {"users/roles", "admin.user_roles", ADMIN_ONLY, "name grant revoke", NULL,
     do_roles},
    {"users/training-grant", "admin.training_grant", TRAINERS,
     "name training completed expires", NULL, do_training_grant},
    {"users/training-revoke", "admin.training_revoke", TRAINERS,
     "name training", NULL, do_training_revoke},
    {NULL, NULL, 0, NULL, NULL, NULL}};

/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/login_audit.c — logins, failed logins, lock-outs and logouts in
 * the audit trail (gov/audit.h), beside the records of governed AI calls.
 *
 * Contract: one record per event, action "auth.login", "auth.login_failed",
 * "auth.lockout" or "auth.logout", decision "none" (not a gate decision, so
 * the KPIs of AI applications do not count logins), the reason of a refusal
 * in reason_code; details hold the method ("local" or
 * "oidc"), whether a second factor was verified, and for failures and
 * lock-outs the client address. A password or code is never recorded. For
 * an unknown user the typed name is not stored either: the actor is empty
 * and details say {"user_known": false}, so a password typed into the
 * name field does not end up in the trail.
 * A record that cannot be written is logged and does not change the
 * outcome of the login (a damaged trail must not lock out the people who
 * have to repair it); `lotse audit verify` reports the damage.
 * Refusals are throttled: at most LOGIN_AUDIT_BURST records per reason and
 * client address in LOGIN_AUDIT_WINDOW_S seconds, because some refusals
 * cost an attacker nothing (a locked account, a forged callback) and the
 * trail is append-only; the first record after a throttled window carries
 * details.suppressed = how many were left out, so nothing goes uncounted.
 * See also: server/session.h, docs/api/login.md.
 */
#include "server/session.h"

#include "gov/audit.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The folder of the database file (audit.db lies beside lotse.db). */
static char *workspace_of(store_t *st) {
  const char *path = sqlite3_db_filename(store_db(st), "main");
  if (!path || !*path) return NULL;
  const char *slash = strrchr(path, '/');
  if (!slash) return lotse_strdup(".");
  size_t n = (size_t)(slash - path);
  char *dir = malloc(n + 2);
  if (!dir) return NULL;
  if (n == 0) {
    strcpy(dir, "/");
  } else {
    memcpy(dir, path, n);
    dir[n] = 0;
  }
  return dir;
}

int login_audit_user_known(store_t *st, const char *user) {
  sqlite3_stmt *s;
  if (!user ||
      sqlite3_prepare_v2(store_db(st), "SELECT 1 FROM users WHERE name = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
  int known = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  return known;
}

/* ------------------------------------------------------------ throttle */

#define LOGIN_AUDIT_BURST 20
#define LOGIN_AUDIT_WINDOW_S 60
#define THROTTLE_SLOTS 512

typedef struct slot {
  char key[65];       /* SHA-256 hex of "reason|client" */
  int64_t start;      /* window start; 0: free */
  int count;          /* records written in the window */
  int64_t suppressed; /* left out since the last written record */
} slot_t;

static struct {
  pthread_mutex_t lock;
  slot_t s[THROTTLE_SLOTS];
} T = {.lock = PTHREAD_MUTEX_INITIALIZER};

int login_audit_admit(const char *reason, const char *client, int64_t now,
                      int64_t *suppressed) {
  char buf[256], key[65];
  snprintf(buf, sizeof buf, "%s|%s", reason ? reason : "",
           client ? client : "");
  lotse_sha256_hex(buf, strlen(buf), key);
  *suppressed = 0;
  pthread_mutex_lock(&T.lock);
  slot_t *hit = NULL, *old = &T.s[0];
  for (size_t i = 0; i < THROTTLE_SLOTS && !hit; i++) {
    slot_t *q = &T.s[i];
    if (q->start && strcmp(q->key, key) == 0) hit = q;
    else if (q->start < old->start) old = q; /* free or the oldest */
  }
  if (!hit) { /* a new key displaces the oldest window */
    hit = old;
    memset(hit, 0, sizeof *hit);
    memcpy(hit->key, key, sizeof key);
    hit->start = now;
  }
  if (now - hit->start >= LOGIN_AUDIT_WINDOW_S) {
    hit->start = now;
    hit->count = 0;
  }
  int admit = hit->count < LOGIN_AUDIT_BURST;
  if (admit) {
    hit->count++;
    *suppressed = hit->suppressed;
    hit->suppressed = 0;
  } else {
    *suppressed = ++hit->suppressed;
  }
  pthread_mutex_unlock(&T.lock);
  return admit;
}

/* ------------------------------------------------------------- records */

static json_t *details_of(const login_event_t *e, int64_t suppressed) {
  json_t *d = json_object();
  if (!d) return NULL;
  int rc = 0;
  if (e->method)
    rc |= json_object_set_new(d, "method", json_string(e->method));
  if (e->kind == LOGIN_EVENT_SUCCESS)
    rc |= json_object_set_new(d, "mfa", json_boolean(e->mfa));
  if (!e->user_known)
    rc |= json_object_set_new(d, "user_known", json_false());
  if (e->client && *e->client)
    rc |= json_object_set_new(d, "client", json_string(e->client));
  if (e->lock_s > 0)
    rc |= json_object_set_new(d, "locked_seconds", json_integer(e->lock_s));
  if (suppressed > 0)
    rc |= json_object_set_new(d, "suppressed", json_integer(suppressed));
  if (rc) {
    json_decref(d);
    return NULL;
  }
  return d;
}

static const char *const ACTIONS[] = {"auth.login", "auth.login_failed",
                                      "auth.lockout", "auth.logout"};

int login_audit(store_t *st, const login_event_t *e, lotse_err_t *err) {
  if ((unsigned)e->kind >= sizeof ACTIONS / sizeof ACTIONS[0])
    return lotse_err_set(err, LOTSE_EINVAL, "unknown login event %d",
                         (int)e->kind);
  int refused = e->kind == LOGIN_EVENT_FAILURE ||
                e->kind == LOGIN_EVENT_LOCKOUT;
  int64_t suppressed = 0;
  if (refused &&
      !login_audit_admit(e->reason, e->client, lotse_now_unix(),
                         &suppressed)) {
    /* counted; the next admitted record says how many */
    if (suppressed == 1 || suppressed % 1000 == 0)
      lotse_log(LOTSE_LOG_WARN,
                "audit: login refusals '%s' from %s throttled (%lld so far)",
                e->reason ? e->reason : "", e->client ? e->client : "?",
                (long long)suppressed);
    return 0;
  }
  const char *actor = e->user_known && e->user ? e->user : "";
  char unit[128];
  store_user_unit(st, actor, unit, sizeof unit);
  json_t *d = details_of(e, suppressed);
  char *dj = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(d);
  char *ws = workspace_of(st);
  int rc = dj && ws ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  gov_audit_t *a = NULL;
  if (!rc) rc = gov_audit_open(ws, 0, &a, err);
  if (!rc) {
    /* decision stays "none": allow/refuse are the gate's decisions on AI
     * calls, which the KPIs count; the outcome is in action and
     * reason_code. */
    gov_audit_rec_t r = {
        .actor = actor,
        .unit = unit,
        .action = ACTIONS[e->kind],
        .decision = GOV_AUDIT_DECISION_NONE,
        .reason_code = refused ? (e->reason ? e->reason : "refused") : NULL,
        .details_json = dj};
    rc = gov_audit_append(a, &r, NULL, err);
  }
  gov_audit_close(a);
  free(ws);
  free(dj);
  return rc;
}

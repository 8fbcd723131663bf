/* SPDX-License-Identifier: EUPL-1.2
 *
 * store/migrate.c — numbered schema migrations.
 *
 * Contract: migration N runs at most once, inside one transaction together
 * with the row that records it, so a crash mid-migration leaves version N-1
 * intact and the next open simply retries. Never edit a migration that has
 * shipped; add a new one.
 */
#include "store/store_internal.h"

#include <stdio.h>

typedef struct migration {
  int version;
  const char *name;
  const char *sql;
} migration_t;

static const migration_t migrations[] = {
    {1, "documents, chunks, principals",
     "CREATE TABLE units("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE,"
     "  parent_id INTEGER REFERENCES units(id));"
     "CREATE TABLE groups("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE);"
     "CREATE TABLE users("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE,"
     "  display_name TEXT,"
     "  unit_id INTEGER REFERENCES units(id),"
     "  clearance INTEGER NOT NULL DEFAULT 3,"
     "  created_at INTEGER NOT NULL);"
     "CREATE TABLE user_groups("
     "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     "  group_id INTEGER NOT NULL REFERENCES groups(id),"
     "  PRIMARY KEY(user_id, group_id)) WITHOUT ROWID;"
     "CREATE TABLE documents("
     "  id INTEGER PRIMARY KEY,"
     "  source TEXT NOT NULL UNIQUE,"
     "  current_version INTEGER NOT NULL,"
     "  data_class INTEGER NOT NULL CHECK(data_class BETWEEN 0 AND 3),"
     "  created_at INTEGER NOT NULL,"
     "  updated_at INTEGER NOT NULL);"
     "CREATE TABLE doc_groups("
     "  doc_id INTEGER NOT NULL REFERENCES documents(id),"
     "  group_id INTEGER NOT NULL REFERENCES groups(id),"
     "  PRIMARY KEY(doc_id, group_id)) WITHOUT ROWID;"
     "CREATE INDEX doc_groups_group ON doc_groups(group_id);"
     "CREATE TABLE doc_versions("
     "  id INTEGER PRIMARY KEY,"
     "  doc_id INTEGER NOT NULL REFERENCES documents(id),"
     "  version INTEGER NOT NULL,"
     "  title TEXT NOT NULL,"
     "  mime TEXT NOT NULL,"
     "  sha256 TEXT NOT NULL,"
     "  size INTEGER NOT NULL,"
     "  mtime INTEGER NOT NULL DEFAULT 0,"
     "  ingested_at INTEGER NOT NULL,"
     "  metadata TEXT,"
     "  UNIQUE(doc_id, version));"
     "CREATE TABLE chunks("
     "  id INTEGER PRIMARY KEY,"
     "  version_id INTEGER NOT NULL REFERENCES doc_versions(id),"
     "  ord INTEGER NOT NULL,"
     "  heading TEXT NOT NULL DEFAULT '',"
     "  page INTEGER NOT NULL DEFAULT 0,"
     "  text TEXT NOT NULL,"
     "  start_off INTEGER NOT NULL,"
     "  end_off INTEGER NOT NULL,"
     "  UNIQUE(version_id, ord));"
     /* The index reads title, heading and body through this view, so the
      * text is stored once (external-content FTS5). */
     "CREATE VIEW chunk_content AS"
     "  SELECT c.id AS id, v.title AS title, c.heading AS heading,"
     "         c.text AS body"
     "  FROM chunks c JOIN doc_versions v ON v.id = c.version_id;"
     "CREATE VIRTUAL TABLE chunk_fts USING fts5("
     "  title, heading, body,"
     "  content='chunk_content', content_rowid='id',"
     "  tokenize='lotse_de');"},
    /* Governance (gov/registry.h): roles, trainings, applications with
     * immutable versions, approvals per review round, documents, ethics
     * recommendations and an append-only history. */
    {2, "governance registry",
     "CREATE TABLE gov_roles("
     "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     "  role TEXT NOT NULL CHECK(role IN ('ki_koordination',"
     "    'fachdienstleitung','datenschutz','informationssicherheit',"
     "    'personalrat','ethik_beirat','auditor','admin')),"
     "  granted_at INTEGER NOT NULL,"
     "  granted_by TEXT NOT NULL DEFAULT '',"
     "  PRIMARY KEY(user_id, role)) WITHOUT ROWID;"
     "CREATE TABLE trainings("
     "  id TEXT PRIMARY KEY,"
     "  title TEXT NOT NULL,"
     "  valid_days INTEGER NOT NULL DEFAULT 0 CHECK(valid_days >= 0),"
     "  created_at INTEGER NOT NULL);"
     "CREATE TABLE user_trainings("
     "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     "  training_id TEXT NOT NULL REFERENCES trainings(id),"
     "  completed_at INTEGER NOT NULL,"
     "  expires_at INTEGER,"
     "  recorded_by TEXT NOT NULL DEFAULT '',"
     "  PRIMARY KEY(user_id, training_id)) WITHOUT ROWID;"
     "CREATE TABLE apps("
     "  id INTEGER PRIMARY KEY,"
     "  slug TEXT NOT NULL UNIQUE,"
     "  status TEXT NOT NULL CHECK(status IN ('entwurf','in_pruefung',"
     "    'freigegeben','ausgesetzt','ausser_betrieb')),"
     "  current_version INTEGER NOT NULL,"
     "  round INTEGER NOT NULL DEFAULT 0,"
     "  approved_version INTEGER,"
     "  approved_sha256 TEXT,"
     "  approved_at INTEGER,"
     "  valid_until INTEGER,"
     "  created_at INTEGER NOT NULL,"
     "  updated_at INTEGER NOT NULL);"
     "CREATE TABLE app_versions("
     "  id INTEGER PRIMARY KEY,"
     "  app_id INTEGER NOT NULL REFERENCES apps(id),"
     "  version INTEGER NOT NULL,"
     "  snapshot TEXT NOT NULL,"
     "  sha256 TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  created_by TEXT NOT NULL,"
     "  answers TEXT,"
     "  classification TEXT,"
     "  risk_class INTEGER CHECK(risk_class BETWEEN 1 AND 4),"
     "  measures INTEGER NOT NULL DEFAULT 0,"
     "  class_trainings TEXT NOT NULL DEFAULT '[]',"
     "  UNIQUE(app_id, version));"
     "CREATE TRIGGER app_versions_frozen BEFORE UPDATE OF app_id, version,"
     "  snapshot, sha256, created_at, created_by ON app_versions"
     "  BEGIN SELECT RAISE(ABORT, 'app versions are immutable'); END;"
     "CREATE TRIGGER app_versions_kept BEFORE DELETE ON app_versions"
     "  BEGIN SELECT RAISE(ABORT, 'app versions are kept'); END;"
     "CREATE TABLE app_approvals("
     "  id INTEGER PRIMARY KEY,"
     "  app_id INTEGER NOT NULL REFERENCES apps(id),"
     "  version INTEGER NOT NULL,"
     "  round INTEGER NOT NULL,"
     "  role TEXT NOT NULL,"
     "  user_id INTEGER NOT NULL REFERENCES users(id),"
     "  decision TEXT NOT NULL CHECK(decision IN ('zustimmung','ablehnung',"
     "    'stellungnahme')),"
     "  comment TEXT NOT NULL DEFAULT '',"
     "  created_at INTEGER NOT NULL);"
     "CREATE INDEX app_approvals_round ON app_approvals(app_id, round);"
     "CREATE TABLE app_documents("
     "  id INTEGER PRIMARY KEY,"
     "  app_id INTEGER NOT NULL REFERENCES apps(id),"
     "  version INTEGER NOT NULL,"
     "  kind TEXT NOT NULL CHECK(kind IN ('dsfa','risikomanagement',"
     "    'transparenzhinweis','information','sonstiges')),"
     "  reference TEXT NOT NULL,"
     "  created_by TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL);"
     "CREATE TABLE app_recommendations("
     "  id INTEGER PRIMARY KEY,"
     "  app_id INTEGER NOT NULL REFERENCES apps(id),"
     "  nr INTEGER NOT NULL,"
     "  version INTEGER NOT NULL,"
     "  text TEXT NOT NULL,"
     "  status TEXT NOT NULL DEFAULT 'offen' CHECK(status IN ('offen',"
     "    'umgesetzt')),"
     "  created_by TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  done_by TEXT,"
     "  done_at INTEGER,"
     "  done_comment TEXT,"
     "  UNIQUE(app_id, nr));"
     "CREATE TABLE app_history("
     "  id INTEGER PRIMARY KEY,"
     "  app_id INTEGER NOT NULL REFERENCES apps(id),"
     "  version INTEGER NOT NULL,"
     "  at INTEGER NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  action TEXT NOT NULL,"
     "  from_status TEXT,"
     "  to_status TEXT,"
     "  comment TEXT NOT NULL DEFAULT '',"
     "  details TEXT);"
     "CREATE INDEX app_history_app ON app_history(app_id, id);"
     "CREATE TRIGGER app_history_no_update BEFORE UPDATE ON app_history"
     "  BEGIN SELECT RAISE(ABORT, 'app history is append-only'); END;"
     "CREATE TRIGGER app_history_no_delete BEFORE DELETE ON app_history"
     "  BEGIN SELECT RAISE(ABORT, 'app history is append-only'); END;"
     "CREATE TRIGGER app_approvals_no_update BEFORE UPDATE ON app_approvals"
     "  BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;"
     "CREATE TRIGGER app_approvals_no_delete BEFORE DELETE ON app_approvals"
     "  BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;"},
    /* Drafts of AI outputs (gov/review.h): content is frozen, sign-off is
     * the one update and happens once; nothing is deleted. */
    {3, "drafts and sign-off",
     "CREATE TABLE drafts("
     "  id INTEGER PRIMARY KEY,"
     "  app TEXT NOT NULL,"
     "  app_version INTEGER NOT NULL,"
     "  user_name TEXT NOT NULL,"
     "  unit TEXT NOT NULL DEFAULT '',"
     "  created_at INTEGER NOT NULL,"
     "  label TEXT NOT NULL,"
     "  text TEXT NOT NULL,"
     "  text_sha256 TEXT NOT NULL,"
     "  sources TEXT NOT NULL DEFAULT '[]',"
     "  risk_class INTEGER NOT NULL DEFAULT 0,"
     "  notice TEXT,"
     "  status TEXT NOT NULL DEFAULT 'entwurf'"
     "    CHECK(status IN ('entwurf','final')),"
     "  reviewer TEXT,"
     "  signed_at INTEGER,"
     "  final_text TEXT,"
     "  final_text_sha256 TEXT,"
     "  CHECK((status = 'final') = (reviewer IS NOT NULL AND signed_at IS NOT"
     "    NULL AND final_text IS NOT NULL AND final_text_sha256 IS NOT NULL)));"
     "CREATE INDEX drafts_by_user ON drafts(user_name, id);"
     "CREATE INDEX drafts_by_app ON drafts(app, id);"
     "CREATE TRIGGER drafts_frozen BEFORE UPDATE OF id, app, app_version,"
     "  user_name, unit, created_at, label, text, text_sha256, sources,"
     "  risk_class, notice ON drafts"
     "  BEGIN SELECT RAISE(ABORT, 'drafts are immutable'); END;"
     "CREATE TRIGGER drafts_signed BEFORE UPDATE ON drafts"
     "  WHEN OLD.status = 'final'"
     "  BEGIN SELECT RAISE(ABORT, 'a signed-off draft is final'); END;"
     "CREATE TRIGGER drafts_kept BEFORE DELETE ON drafts"
     "  BEGIN SELECT RAISE(ABORT, 'drafts are kept'); END;"},
    /* Identity (server/session.h): argon2id password hashes, TOTP secrets
     * with the last step used, sessions by the SHA-256 of their id, failed
     * logins per account and address, and OIDC subjects of users. */
    {4, "identity",
     "CREATE TABLE user_credentials("
     "  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
     "  hash TEXT NOT NULL CHECK(hash LIKE '$argon2id$%'),"
     "  updated_at INTEGER NOT NULL);"
     "CREATE TABLE user_totp("
     "  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
     "  secret BLOB NOT NULL CHECK(length(secret) >= 16),"
     "  last_step INTEGER NOT NULL DEFAULT 0,"
     "  enrolled_at INTEGER NOT NULL);"
     "CREATE TABLE sessions("
     "  id_hash TEXT PRIMARY KEY CHECK(length(id_hash) = 64),"
     "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     "  mfa INTEGER NOT NULL DEFAULT 0,"
     "  method TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  last_seen INTEGER NOT NULL,"
     "  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
     "CREATE INDEX sessions_user ON sessions(user_id);"
     "CREATE TABLE login_failures("
     "  key TEXT PRIMARY KEY,"
     "  failures INTEGER NOT NULL,"
     "  last_at INTEGER NOT NULL,"
     "  locked_until INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
     "CREATE TABLE user_identities("
     "  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
     "  issuer TEXT NOT NULL,"
     "  subject TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  last_login INTEGER,"
     "  PRIMARY KEY(issuer, subject)) WITHOUT ROWID;"
     "CREATE INDEX user_identities_user ON user_identities(user_id);"},
    /* Account administration (gov/people_admin.h): a deactivated user
     * (disabled_at set) keeps every row (roles, trainings, drafts stay
     * attributable) but has no session: deactivating ends them, and no new
     * one can be created while deactivated (the insert is skipped, so
     * session_create reports the user as not found). */
    {5, "account deactivation",
     "ALTER TABLE users ADD COLUMN disabled_at INTEGER;"
     "ALTER TABLE users ADD COLUMN disabled_by TEXT;"
     "CREATE TRIGGER users_disabled_end_sessions AFTER UPDATE OF disabled_at"
     "  ON users WHEN NEW.disabled_at IS NOT NULL"
     "  BEGIN DELETE FROM sessions WHERE user_id = NEW.id; END;"
     "CREATE TRIGGER sessions_user_active BEFORE INSERT ON sessions"
     "  WHEN (SELECT disabled_at FROM users WHERE id = NEW.user_id)"
     "    IS NOT NULL"
     "  BEGIN SELECT RAISE(IGNORE); END;"},
    /* Easy-language versions of a Bescheid (apps/easy_version.h): the id
     * is public (URL, QR code) and never reused, so versions are never
     * deleted; a revision's text never changes (an edit adds a revision);
     * the history is append-only. published_rev is the revision answered
     * at /leicht/ID until a newer one is published or the version is
     * withdrawn (withdrawn_at, final). */
    {6, "easy-language versions",
     "CREATE TABLE easy_versions("
     "  id TEXT PRIMARY KEY CHECK(length(id) BETWEEN 16 AND 64),"
     "  bescheid_ref TEXT NOT NULL CHECK(length(bescheid_ref) > 0),"
     "  doc_id INTEGER REFERENCES documents(id),"
     "  draft_id INTEGER REFERENCES drafts(id),"
     "  data_class INTEGER NOT NULL CHECK(data_class BETWEEN 0 AND 3),"
     "  created_by TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  published_rev INTEGER,"
     "  published_at INTEGER,"
     "  withdrawn_at INTEGER,"
     "  withdrawn_by TEXT,"
     "  withdraw_reason TEXT);"
     "CREATE TABLE easy_revisions("
     "  version_id TEXT NOT NULL REFERENCES easy_versions(id),"
     "  rev INTEGER NOT NULL CHECK(rev >= 1),"
     "  text TEXT NOT NULL,"
     "  text_sha256 TEXT NOT NULL,"
     "  author TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  status TEXT NOT NULL DEFAULT 'entwurf' CHECK(status IN ('entwurf',"
     "    'geprueft','pruefgruppe','veroeffentlicht','zurueckgezogen')),"
     "  reviewer TEXT,"
     "  reviewed_at INTEGER,"
     "  review_note TEXT,"
     "  tested_by TEXT,"
     "  tested_at INTEGER,"
     "  test_note TEXT,"
     "  publisher TEXT,"
     "  published_at INTEGER,"
     "  findings INTEGER,"
     "  override_reason TEXT,"
     "  PRIMARY KEY(version_id, rev)) WITHOUT ROWID;"
     "CREATE TABLE easy_history("
     "  id INTEGER PRIMARY KEY,"
     "  version_id TEXT NOT NULL REFERENCES easy_versions(id),"
     "  rev INTEGER NOT NULL,"
     "  at INTEGER NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  action TEXT NOT NULL,"
     "  from_status TEXT,"
     "  to_status TEXT NOT NULL,"
     "  note TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX easy_history_version ON easy_history(version_id, id);"
     "CREATE INDEX easy_versions_doc ON easy_versions(doc_id);"
     "CREATE TRIGGER easy_versions_kept BEFORE DELETE ON easy_versions"
     "  BEGIN SELECT RAISE(ABORT, 'easy versions are kept'); END;"
     "CREATE TRIGGER easy_versions_frozen BEFORE UPDATE OF id, bescheid_ref,"
     "  doc_id, draft_id, data_class, created_by, created_at ON easy_versions"
     "  BEGIN SELECT RAISE(ABORT, 'easy versions are immutable'); END;"
     "CREATE TRIGGER easy_versions_withdrawn BEFORE UPDATE ON easy_versions"
     "  WHEN OLD.withdrawn_at IS NOT NULL"
     "  BEGIN SELECT RAISE(ABORT, 'a withdrawn easy version is final'); END;"
     "CREATE TRIGGER easy_revisions_kept BEFORE DELETE ON easy_revisions"
     "  BEGIN SELECT RAISE(ABORT, 'easy revisions are kept'); END;"
     "CREATE TRIGGER easy_revisions_frozen BEFORE UPDATE OF version_id, rev,"
     "  text, text_sha256, author, created_at ON easy_revisions"
     "  BEGIN SELECT RAISE(ABORT, 'easy revisions are immutable'); END;"
     "CREATE TRIGGER easy_history_no_update BEFORE UPDATE ON easy_history"
     "  BEGIN SELECT RAISE(ABORT, 'easy history is append-only'); END;"
     "CREATE TRIGGER easy_history_no_delete BEFORE DELETE ON easy_history"
     "  BEGIN SELECT RAISE(ABORT, 'easy history is append-only'); END;"},
};

#define NMIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

int store_schema_latest(void) { return migrations[NMIGRATIONS - 1].version; }

int store_schema_version(store_t *st) {
  sqlite3_stmt *s;
  int v = 0;
  if (sqlite3_prepare_v2(st->db,
                         "SELECT max(version) FROM schema_migrations", -1, &s,
                         NULL) != SQLITE_OK)
    return 0;
  if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  return v;
}

static int apply(store_t *st, const migration_t *m, lotse_err_t *err) {
  int rc = store_begin(st, err);
  if (rc) return rc;
  /* Re-check inside the write lock: another process may have migrated. */
  if (store_schema_version(st) >= m->version) {
    store_rollback(st);
    return 0;
  }
  char rec[256];
  snprintf(rec, sizeof rec,
           "INSERT INTO schema_migrations(version, name, applied_at) "
           "VALUES(%d, '%s', strftime('%%s','now'))",
           m->version, m->name);
  if ((rc = store_exec(st, m->sql, err)) || (rc = store_exec(st, rec, err))) {
    store_rollback(st);
    return lotse_err_set(err, rc, "migration %d (%s) failed: %s", m->version,
                         m->name, err ? err->msg : "");
  }
  return store_commit(st, err);
}

int store_migrate(store_t *st, lotse_err_t *err) {
  int rc = store_exec(st,
                      "CREATE TABLE IF NOT EXISTS schema_migrations("
                      "  version INTEGER PRIMARY KEY,"
                      "  name TEXT NOT NULL,"
                      "  applied_at INTEGER NOT NULL)",
                      err);
  if (rc) return rc;
  int have = store_schema_version(st);
  if (have > store_schema_latest())
    return lotse_err_set(err, LOTSE_ESCHEMA,
                         "database schema version %d is newer than this "
                         "program (%d)",
                         have, store_schema_latest());
  for (int i = 0; i < NMIGRATIONS; i++) {
    if (migrations[i].version <= have) continue;
    if ((rc = apply(st, &migrations[i], err))) return rc;
  }
  return 0;
}

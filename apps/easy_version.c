/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/easy_version.c — changes to easy-language versions: identifiers,
 * create, edit, review, publish, withdraw (apps/easy_version.h).
 *
 * Contract: each change runs in change_begin/change_end: the audit trail is
 * opened first (a damaged trail refuses the change), then one store
 * transaction holds the change and its history row, the audit record is
 * appended, and only then the transaction commits; any error rolls back.
 * Invariants: (1) a revision's text never changes; (2) geprueft is never
 * recorded by the author of the revision; (3) a withdrawn version takes no
 * further change (also enforced by triggers of store migration 6).
 * See also: apps/easy_version_read.c (lists, JSON, the public answer).
 */
#include "apps/easy_version.h"
#include "apps/easy_version_internal.h"

#include "gov/audit.h"
#include "gov/registry.h"
#include "gov/review.h"
#include "text/easy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define OVERSEE                                                           \
  (GOV_ROLE_BIT(GOV_ROLE_KI_KOORDINATION) | GOV_ROLE_BIT(GOV_ROLE_AUDITOR) | \
   GOV_ROLE_BIT(GOV_ROLE_ADMIN))

static const char B32[] = "abcdefghijklmnopqrstuvwxyz234567";

/* ------------------------------------------------------------ identifiers */

int easy_version_id_new(char id[EASY_VERSION_ID_LEN + 1], lotse_err_t *err) {
  unsigned char r[17]; /* 136 bits; the first 130 are used */
  size_t got = 0;
  while (got < sizeof r) {
    ssize_t n = getrandom(r + got, sizeof r - got, 0);
    if (n <= 0)
      return lotse_err_set(err, LOTSE_EIO,
                           "Zufallsquelle des Systems nicht lesbar");
    got += (size_t)n;
  }
  for (int i = 0; i < EASY_VERSION_ID_LEN; i++) {
    int bit = i * 5, v = 0;
    for (int k = 0; k < 5; k++, bit++)
      v = (v << 1) | ((r[bit / 8] >> (7 - bit % 8)) & 1);
    id[i] = B32[v];
  }
  id[EASY_VERSION_ID_LEN] = '\0';
  return 0;
}

int easy_version_id_ok(const char *s) {
  if (!s || strlen(s) != EASY_VERSION_ID_LEN) return 0;
  for (const char *p = s; *p; p++)
    if (!strchr(B32, *p)) return 0;
  return 1;
}

/* ------------------------------------------------------------ validation */

static int has_content(const char *s) {
  for (; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return 1;
  return 0;
}

int easy_version_check_text(const char *text, lotse_err_t *err) {
  if (!text || !has_content(text))
    return lotse_err_set(err, LOTSE_EINVAL, "Text der Fassung fehlt");
  size_t n = strlen(text);
  if (n > EASY_VERSION_TEXT_MAX)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Text der Fassung zu lang (höchstens %zu KiB)",
                         EASY_VERSION_TEXT_MAX >> 10);
  if (!lotse_utf8_valid(text, n))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Text der Fassung ist kein gültiges UTF-8");
  return 0;
}

/* A short field (Aktenzeichen: one line; note or reason: lines allowed):
 * UTF-8, no other control characters, at most max bytes; a required one
 * needs content. */
static int check_line(const char *s, const char *what, size_t max,
                      int required, lotse_err_t *err) {
  if (!s || !has_content(s))
    return required ? lotse_err_set(err, LOTSE_EINVAL, "%s fehlt", what) : 0;
  size_t n = strlen(s);
  if (n > max)
    return lotse_err_set(err, LOTSE_EINVAL, "%s zu lang (höchstens %zu Byte)",
                         what, max);
  if (!lotse_utf8_valid(s, n))
    return lotse_err_set(err, LOTSE_EINVAL, "%s ist kein gültiges UTF-8",
                         what);
  int lines = max > EASY_VERSION_REF_MAX;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    int ctl = *p < 0x20 || *p == 0x7f;
    if (ctl && !(lines && (*p == '\n' || *p == '\r' || *p == '\t')))
      return lotse_err_set(err, LOTSE_EINVAL, "%s enthält Steuerzeichen",
                           what);
  }
  return 0;
}

static int named_or_fail(const store_principal_t *who, lotse_err_t *err) {
  if (!who || who->user_id == 0 || !who->name[0])
    return lotse_err_set(err, LOTSE_EACCESS,
                         "Fassungen in Leichter Sprache bearbeiten nur "
                         "angemeldete Beschäftigte");
  return 0;
}

/* ------------------------------------------------------------ the change */

typedef struct change {
  const easy_version_ctx_t *c;
  gov_audit_t *audit;
  const char *action; /* easy.create … */
  const char *id;
  int rev;
  const char *from, *to;
  const char *note;   /* history note (reason, override, remark) */
  int findings;       /* publish: -1 otherwise */
} change_t;

static int change_begin(change_t *ch, lotse_err_t *err) {
  int rc = named_or_fail(ch->c->who, err);
  if (!rc) rc = gov_audit_open(ch->c->workspace, 0, &ch->audit, err);
  if (!rc) rc = store_begin(ch->c->st, err);
  if (rc) {
    gov_audit_close(ch->audit);
    ch->audit = NULL;
  }
  return rc;
}

static int history_add(const change_t *ch, lotse_err_t *err) {
  store_t *st = ch->c->st;
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "INSERT INTO easy_history(version_id, rev, at, actor,"
                         " action, from_status, to_status, note) "
                         "VALUES(?,?,?,?,?,?,?,?)",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "easy history");
  sqlite3_bind_text(s, 1, ch->id, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 2, ch->rev);
  sqlite3_bind_int64(s, 3, lotse_now_unix());
  sqlite3_bind_text(s, 4, ch->c->who->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, ch->action, -1, SQLITE_STATIC);
  if (ch->from) sqlite3_bind_text(s, 6, ch->from, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 7, ch->to, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 8, ch->note ? ch->note : "", -1, SQLITE_STATIC);
  int rc = sqlite3_step(s) == SQLITE_DONE ? 0
                                           : store_err_db(st, err,
                                                          "easy history");
  sqlite3_finalize(s);
  return rc;
}

static int audit_add(const change_t *ch, lotse_err_t *err) {
  json_t *d = json_pack("{s:s, s:i, s:s?, s:s}", "version", ch->id, "rev",
                        ch->rev, "from", ch->from, "to", ch->to);
  if (d && ch->findings >= 0)
    json_object_set_new(d, "findings", json_integer(ch->findings));
  if (d && ch->note && *ch->note &&
      (!strcmp(ch->action, "easy.publish") ||
       !strcmp(ch->action, "easy.withdraw")))
    json_object_set_new(d, "reason", json_string(ch->note));
  char *dj = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(d);
  if (!dj) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  char unit[128];
  store_user_unit(ch->c->st, ch->c->who->name, unit, sizeof unit);
  gov_audit_rec_t r = {.actor = ch->c->who->name,
                       .unit = unit,
                       .app_id = "",
                       .action = ch->action,
                       .decision = GOV_AUDIT_DECISION_NONE,
                       .details_json = dj};
  int rc = gov_audit_append(ch->audit, &r, NULL, err);
  free(dj);
  return rc;
}

/* Finish the change begun by change_begin: history, audit, commit when rc
 * is 0; roll back otherwise. Returns the first error. */
static int change_end(change_t *ch, int rc, lotse_err_t *err) {
  if (!rc) rc = history_add(ch, err);
  if (!rc) rc = audit_add(ch, err);
  if (!rc) rc = store_commit(ch->c->st, err);
  if (rc) store_rollback(ch->c->st);
  gov_audit_close(ch->audit);
  ch->audit = NULL;
  return rc;
}

/* ------------------------------------------------------------ reading */

int easy_version_visible(const store_principal_t *who, int data_class) {
  return who && who->user_id != 0 && data_class >= 0 &&
         data_class < STORE_CLASS_COUNT &&
         ((who->clearance >> data_class) & 1u);
}

/* The version id with its current revision, when the principal may see
 * it. *text (may be NULL) receives a copy of the current text. */
static int current_get(store_t *st, const store_principal_t *who,
                       const char *id, easy_cur_t *cur, lotse_err_t *err) {
  memset(cur, 0, sizeof *cur);
  if (!easy_version_id_ok(id))
    return lotse_err_set(err, LOTSE_ENOTFOUND, "Fassung '%s' nicht gefunden",
                         id ? id : "");
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "SELECT v.data_class, v.withdrawn_at IS NOT NULL,"
                         " r.rev, r.status, r.author, r.reviewer, r.text,"
                         " coalesce(v.published_rev, 0) "
                         "FROM easy_versions v JOIN easy_revisions r"
                         " ON r.version_id = v.id WHERE v.id = ?"
                         " ORDER BY r.rev DESC LIMIT 1",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "easy version");
  sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
  int rc = 0;
  if (sqlite3_step(s) != SQLITE_ROW ||
      !easy_version_visible(who, sqlite3_column_int(s, 0))) {
    rc = lotse_err_set(err, LOTSE_ENOTFOUND, "Fassung '%s' nicht gefunden",
                       id);
  } else {
    cur->data_class = sqlite3_column_int(s, 0);
    cur->withdrawn = sqlite3_column_int(s, 1);
    cur->rev = sqlite3_column_int(s, 2);
    snprintf(cur->status, sizeof cur->status, "%s",
             (const char *)sqlite3_column_text(s, 3));
    snprintf(cur->author, sizeof cur->author, "%s",
             (const char *)sqlite3_column_text(s, 4));
    const unsigned char *rv = sqlite3_column_text(s, 5);
    snprintf(cur->reviewer, sizeof cur->reviewer, "%s",
             rv ? (const char *)rv : "");
    cur->text = store_col_dup_text(s, 6);
    cur->published_rev = sqlite3_column_int(s, 7);
    if (!cur->text) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  sqlite3_finalize(s);
  return rc;
}

static int not_withdrawn(const easy_cur_t *cur, const char *id,
                         lotse_err_t *err) {
  if (cur->withdrawn)
    return lotse_err_set(err, LOTSE_EACCESS,
                         "Fassung '%s' ist zurückgezogen und kann nicht mehr "
                         "geändert werden", id);
  return 0;
}

/* ------------------------------------------------------------ create */

/* The draft's text (final when signed off) if the principal may read the
 * draft: its author or an oversight role (as GET /api/drafts/ID). */
static int draft_text(store_t *st, const store_principal_t *who, int64_t id,
                      char **text, lotse_err_t *err) {
  json_t *d = NULL;
  int rc = gov_review_draft_json(st, id, &d, err);
  unsigned roles = 0;
  lotse_err_t e2 = {0};
  if (!rc && strcmp(json_string_value(json_object_get(d, "user")),
                    who->name) &&
      (gov_roles_of(st, who->name, &roles, &e2) || !(roles & OVERSEE)))
    rc = LOTSE_ENOTFOUND;
  if (rc == LOTSE_ENOTFOUND) {
    json_decref(d);
    return lotse_err_set(err, rc, "Entwurf %lld nicht gefunden",
                         (long long)id);
  }
  if (rc) return rc;
  const char *t = json_string_value(json_object_get(d, "final_text"));
  if (!t) t = json_string_value(json_object_get(d, "text"));
  *text = lotse_strdup(t ? t : "");
  json_decref(d);
  return *text ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
}

/* Check the inputs of create; *text is the text to store (malloc'ed),
 * *cls the data class. */
static int create_inputs(const easy_version_ctx_t *c,
                         const easy_version_new_t *in, char **text, int *cls,
                         lotse_err_t *err) {
  int rc = named_or_fail(c->who, err);
  if (!rc) rc = check_line(in->bescheid_ref, "Aktenzeichen des Bescheids",
                           EASY_VERSION_REF_MAX, 1, err);
  if (rc) return rc;
  if (in->doc_id < 0 || in->draft_id < 0)
    return lotse_err_set(err, LOTSE_EINVAL, "ungültige Nummer");
  *cls = in->data_class;
  if (in->doc_id) {
    store_doc_t *d = NULL;
    rc = store_doc_get(c->st, c->who, in->doc_id, &d, err);
    if (rc == LOTSE_ENOTFOUND)
      return lotse_err_set(err, rc, "Dokument %lld nicht gefunden",
                           (long long)in->doc_id);
    if (rc) return rc;
    if (*cls < 0) *cls = d->data_class;
    store_doc_free(d);
  }
  if (*cls < 0) *cls = STORE_CLASS_INTERN;
  if (*cls >= STORE_CLASS_COUNT)
    return lotse_err_set(err, LOTSE_EINVAL, "unbekannte Datenklasse");
  if (!easy_version_visible(c->who, *cls))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Datenklasse '%s' liegt über Ihrer Freigabe",
                         store_class_name(*cls));
  if (in->draft_id) rc = draft_text(c->st, c->who, in->draft_id, text, err);
  if (!rc && in->text) {
    free(*text);
    *text = lotse_strdup(in->text);
    if (!*text) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  if (!rc) rc = easy_version_check_text(*text, err);
  return rc;
}

static int revision_add(store_t *st, const char *id, int rev,
                        const char *text, const char *author,
                        lotse_err_t *err) {
  char hex[65];
  lotse_sha256_hex(text, strlen(text), hex);
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(st),
                         "INSERT INTO easy_revisions(version_id, rev, text,"
                         " text_sha256, author, created_at) "
                         "VALUES(?,?,?,?,?,?)",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(st, err, "easy revision");
  sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 2, rev);
  sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, hex, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, author, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 6, lotse_now_unix());
  int rc = sqlite3_step(s) == SQLITE_DONE
               ? 0
               : store_err_db(st, err, "easy revision");
  sqlite3_finalize(s);
  return rc;
}

/* Insert the version row under a fresh id (a collision, never expected
 * with 130 random bits, draws again). */
static int version_insert(const easy_version_ctx_t *c,
                          const easy_version_new_t *in, int cls,
                          char id[EASY_VERSION_ID_LEN + 1],
                          lotse_err_t *err) {
  for (int tries = 0; tries < 4; tries++) {
    int rc = easy_version_id_new(id, err);
    if (rc) return rc;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(store_db(c->st),
                           "INSERT OR IGNORE INTO easy_versions(id,"
                           " bescheid_ref, doc_id, draft_id, data_class,"
                           " created_by, created_at) VALUES(?,?,?,?,?,?,?)",
                           -1, &s, NULL) != SQLITE_OK)
      return store_err_db(c->st, err, "easy version");
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, in->bescheid_ref, -1, SQLITE_STATIC);
    if (in->doc_id) sqlite3_bind_int64(s, 3, in->doc_id);
    if (in->draft_id) sqlite3_bind_int64(s, 4, in->draft_id);
    sqlite3_bind_int(s, 5, cls);
    sqlite3_bind_text(s, 6, c->who->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 7, lotse_now_unix());
    rc = sqlite3_step(s) == SQLITE_DONE ? 0
                                         : store_err_db(c->st, err,
                                                        "easy version");
    sqlite3_finalize(s);
    if (rc) return rc;
    if (sqlite3_changes(store_db(c->st)) == 1) return 0;
  }
  return lotse_err_set(err, LOTSE_EINTERNAL, "no unused identifier found");
}

int easy_version_create(const easy_version_ctx_t *c,
                        const easy_version_new_t *in,
                        char id[EASY_VERSION_ID_LEN + 1], lotse_err_t *err) {
  char *text = NULL;
  int cls = -1;
  id[0] = '\0';
  int rc = create_inputs(c, in, &text, &cls, err);
  change_t ch = {.c = c, .action = "easy.create", .id = id, .rev = 1,
                 .to = "entwurf", .findings = -1};
  if (!rc) rc = change_begin(&ch, err);
  if (!rc) {
    rc = version_insert(c, in, cls, id, err);
    if (!rc) rc = revision_add(c->st, id, 1, text, c->who->name, err);
    rc = change_end(&ch, rc, err);
  }
  free(text);
  if (rc) id[0] = '\0';
  return rc;
}

/* ------------------------------------------------------------ edit */

int easy_version_edit(const easy_version_ctx_t *c, const char *id,
                      const char *text, int *rev, lotse_err_t *err) {
  int rc = named_or_fail(c->who, err);
  if (!rc) rc = easy_version_check_text(text, err);
  if (rc) return rc;
  change_t ch = {.c = c, .action = "easy.edit", .id = id, .to = "entwurf",
                 .findings = -1};
  if ((rc = change_begin(&ch, err))) return rc;
  easy_cur_t cur;
  rc = current_get(c->st, c->who, id, &cur, err);
  if (!rc) rc = not_withdrawn(&cur, id, err);
  if (!rc && !strcmp(cur.text, text))
    rc = lotse_err_set(err, LOTSE_EINVAL,
                       "Der Text ist unverändert; keine neue Überarbeitung");
  ch.rev = cur.rev + 1;
  ch.from = cur.status;
  if (!rc) rc = revision_add(c->st, id, ch.rev, text, c->who->name, err);
  rc = change_end(&ch, rc, err);
  free(cur.text);
  if (!rc && rev) *rev = ch.rev;
  return rc;
}

/* ------------------------------------------------------------ review */

static int review_apply(const easy_version_ctx_t *c, const char *id,
                        const easy_cur_t *cur, easy_review_t to,
                        const char *note, lotse_err_t *err) {
  int checked = to == EASY_REVIEW_CHECKED;
  if (checked && strcmp(cur->status, "entwurf"))
    return lotse_err_set(err, LOTSE_EACCESS,
                         "Überarbeitung %d ist im Zustand '%s'; geprüft "
                         "wird ein Entwurf", cur->rev, cur->status);
  if (!checked && strcmp(cur->status, "geprueft"))
    return lotse_err_set(err, LOTSE_EACCESS,
                         "Überarbeitung %d ist im Zustand '%s'; die "
                         "Prüfgruppe folgt auf 'geprueft'", cur->rev,
                         cur->status);
  if (checked && !strcmp(cur->author, c->who->name))
    return lotse_err_set(err, LOTSE_EREFUSED,
                         "Vier-Augen-Prinzip: die Prüfung muss eine andere "
                         "Person vornehmen als die Verfasserin oder der "
                         "Verfasser (%s)", cur->author);
  sqlite3_stmt *s;
  const char *sql =
      checked ? "UPDATE easy_revisions SET status = 'geprueft', reviewer = ?,"
                " reviewed_at = ?, review_note = ? WHERE version_id = ?"
                " AND rev = ?"
              : "UPDATE easy_revisions SET status = 'pruefgruppe',"
                " tested_by = ?, tested_at = ?, test_note = ?"
                " WHERE version_id = ? AND rev = ?";
  if (sqlite3_prepare_v2(store_db(c->st), sql, -1, &s, NULL) != SQLITE_OK)
    return store_err_db(c->st, err, "easy review");
  sqlite3_bind_text(s, 1, c->who->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, lotse_now_unix());
  if (note && has_content(note)) sqlite3_bind_text(s, 3, note, -1,
                                                   SQLITE_STATIC);
  sqlite3_bind_text(s, 4, id, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 5, cur->rev);
  int rc = sqlite3_step(s) == SQLITE_DONE ? 0
                                           : store_err_db(c->st, err,
                                                          "easy review");
  sqlite3_finalize(s);
  return rc;
}

int easy_version_review(const easy_version_ctx_t *c, const char *id,
                        easy_review_t to, const char *note,
                        lotse_err_t *err) {
  if (to != EASY_REVIEW_CHECKED && to != EASY_REVIEW_TESTED)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Prüfschritt muss 'geprueft' oder 'pruefgruppe' "
                         "sein");
  int rc = check_line(note, "Bemerkung", EASY_VERSION_NOTE_MAX, 0, err);
  if (rc) return rc;
  change_t ch = {.c = c, .action = "easy.review", .id = id,
                 .to = easy_review_name(to), .note = note, .findings = -1};
  if ((rc = change_begin(&ch, err))) return rc;
  easy_cur_t cur;
  rc = current_get(c->st, c->who, id, &cur, err);
  if (!rc) rc = not_withdrawn(&cur, id, err);
  ch.rev = cur.rev;
  ch.from = cur.status;
  if (!rc) rc = review_apply(c, id, &cur, to, note, err);
  rc = change_end(&ch, rc, err);
  free(cur.text);
  return rc;
}

/* ------------------------------------------------------------ publish */

static int rule_findings(const char *text, int *n, lotse_err_t *err) {
  const text_hyphen_t *h = text_hyphen_get(err);
  if (!h) return err && err->code ? err->code : LOTSE_EINTERNAL;
  text_easy_opts_t o = {0, 0};
  text_easy_result_t res;
  int rc = text_easy_check(text, strlen(text), h, &o, &res, err);
  if (rc) return rc;
  *n = (int)res.n;
  text_easy_result_release(&res);
  return 0;
}

static int publish_apply(const easy_version_ctx_t *c, const char *id,
                         const easy_cur_t *cur, const char *override,
                         int findings, lotse_err_t *err) {
  int64_t now = lotse_now_unix();
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(store_db(c->st),
                         "UPDATE easy_revisions SET status ="
                         " 'veroeffentlicht', publisher = ?, published_at = ?,"
                         " findings = ?, override_reason = ?"
                         " WHERE version_id = ? AND rev = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(c->st, err, "easy publish");
  sqlite3_bind_text(s, 1, c->who->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, now);
  sqlite3_bind_int(s, 3, findings);
  if (findings && override)
    sqlite3_bind_text(s, 4, override, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, id, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 6, cur->rev);
  int ok = sqlite3_step(s) == SQLITE_DONE;
  sqlite3_finalize(s);
  if (!ok) return store_err_db(c->st, err, "easy publish");
  if (sqlite3_prepare_v2(store_db(c->st),
                         "UPDATE easy_versions SET published_rev = ?,"
                         " published_at = ? WHERE id = ?",
                         -1, &s, NULL) != SQLITE_OK)
    return store_err_db(c->st, err, "easy publish");
  sqlite3_bind_int(s, 1, cur->rev);
  sqlite3_bind_int64(s, 2, now);
  sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
  ok = sqlite3_step(s) == SQLITE_DONE;
  sqlite3_finalize(s);
  return ok ? 0 : store_err_db(c->st, err, "easy publish");
}

static int publish_allowed(const easy_cur_t *cur, const char *override,
                           int findings, lotse_err_t *err) {
  if (strcmp(cur->status, "geprueft") && strcmp(cur->status, "pruefgruppe"))
    return lotse_err_set(err, LOTSE_EACCESS,
                         "Überarbeitung %d ist im Zustand '%s'; "
                         "veröffentlicht wird nur eine geprüfte Fassung",
                         cur->rev, cur->status);
  if (!cur->reviewer[0] || !strcmp(cur->reviewer, cur->author))
    return lotse_err_set(err, LOTSE_EREFUSED,
                         "Vier-Augen-Prinzip: Überarbeitung %d wurde nicht "
                         "von einer zweiten Person geprüft", cur->rev);
  if (findings && (!override || !has_content(override)))
    return lotse_err_set(err, LOTSE_EACCESS,
                         "Die Regelprüfung meldet %d Befund%s; zum "
                         "Veröffentlichen einen Grund für die Abweichung "
                         "angeben", findings, findings == 1 ? "" : "e");
  return 0;
}

int easy_version_publish(const easy_version_ctx_t *c, const char *id,
                         const char *override, int *findings,
                         lotse_err_t *err) {
  int rc = check_line(override, "Grund der Abweichung",
                      EASY_VERSION_NOTE_MAX, 0, err);
  if (rc) return rc;
  change_t ch = {.c = c, .action = "easy.publish", .id = id,
                 .to = "veroeffentlicht", .findings = 0};
  if ((rc = change_begin(&ch, err))) return rc;
  easy_cur_t cur;
  rc = current_get(c->st, c->who, id, &cur, err);
  if (!rc) rc = not_withdrawn(&cur, id, err);
  if (!rc) rc = rule_findings(cur.text, &ch.findings, err);
  if (!rc && findings) *findings = ch.findings;
  if (!rc) rc = publish_allowed(&cur, override, ch.findings, err);
  ch.rev = cur.rev;
  ch.from = cur.status;
  ch.note = ch.findings ? override : NULL;
  if (!rc) rc = publish_apply(c, id, &cur, override, ch.findings, err);
  rc = change_end(&ch, rc, err);
  free(cur.text);
  return rc;
}

/* ------------------------------------------------------------ withdraw */

int easy_version_withdraw(const easy_version_ctx_t *c, const char *id,
                          const char *reason, lotse_err_t *err) {
  int rc = check_line(reason, "Grund des Zurückziehens",
                      EASY_VERSION_NOTE_MAX, 1, err);
  if (rc) return rc;
  change_t ch = {.c = c, .action = "easy.withdraw", .id = id,
                 .to = "zurueckgezogen", .note = reason, .findings = -1};
  if ((rc = change_begin(&ch, err))) return rc;
  easy_cur_t cur;
  rc = current_get(c->st, c->who, id, &cur, err);
  if (!rc) rc = not_withdrawn(&cur, id, err);
  ch.rev = cur.rev;
  ch.from = cur.status;
  sqlite3_stmt *s = NULL;
  if (!rc &&
      sqlite3_prepare_v2(store_db(c->st),
                         "UPDATE easy_versions SET withdrawn_at = ?,"
                         " withdrawn_by = ?, withdraw_reason = ? WHERE id = ?;",
                         -1, &s, NULL) != SQLITE_OK)
    rc = store_err_db(c->st, err, "easy withdraw");
  if (!rc) {
    sqlite3_bind_int64(s, 1, lotse_now_unix());
    sqlite3_bind_text(s, 2, c->who->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, id, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
      rc = store_err_db(c->st, err, "easy withdraw");
  }
  sqlite3_finalize(s);
  s = NULL;
  if (!rc &&
      sqlite3_prepare_v2(store_db(c->st),
                         "UPDATE easy_revisions SET status = 'zurueckgezogen'"
                         " WHERE version_id = ? AND rev = ?",
                         -1, &s, NULL) != SQLITE_OK)
    rc = store_err_db(c->st, err, "easy withdraw");
  if (!rc) {
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, cur.rev);
    if (sqlite3_step(s) != SQLITE_DONE)
      rc = store_err_db(c->st, err, "easy withdraw");
  }
  sqlite3_finalize(s);
  rc = change_end(&ch, rc, err);
  free(cur.text);
  return rc;
}

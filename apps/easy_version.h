/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/easy_version.h — easy-language versions (Leichte Sprache) of a
 * binding Bescheid: a store of revisions with a review status, published at
 * a permanent public address BASE/leicht/ID that the QR code on the paper
 * Bescheid encodes (apps/easy_qr.h, docs/easy-language.md).
 *
 * Model. A version has a public identifier (EASY_VERSION_ID_LEN characters
 * of lower-case base32 from 130 bits of the OS random source; never reused:
 * versions are never deleted), the Aktenzeichen of the Bescheid
 * (bescheid_ref, required), optionally the Bescheid document in the store
 * (doc_id) and the simplify draft it came from (draft_id), and a data class
 * (default: the document's, else intern) that decides who sees it in the
 * staff interfaces: a caller whose clearance lacks the class is told
 * "not found", exactly as for an unknown id. Each text is a revision:
 *   entwurf -> geprueft -> (pruefgruppe ->) veroeffentlicht
 * and zurueckgezogen from any state (the whole version; final). An edit adds
 * a revision in state entwurf; the revision published before stays online
 * until a newer one is published. geprueft must come from a user other than
 * the author of the revision (four eyes); publishing needs a clean rule
 * check of the revision (text/easy.h, default thresholds) or an override
 * with a reason, both recorded.
 *
 * Contract: every change is one store transaction that also appends one
 * history row and one audit record (gov/audit.h; actions easy.create,
 * easy.edit, easy.review, easy.publish, easy.withdraw; actor = the
 * principal) before it commits: when the audit trail cannot be written,
 * nothing is stored. Bad input is LOTSE_EINVAL with a German message and
 * changes nothing; an unknown or invisible version, document or draft is
 * LOTSE_ENOTFOUND; a step the current state does not allow is
 * LOTSE_EACCESS; a four-eyes violation is LOTSE_EREFUSED. Anonymous
 * principals (user_id 0) may only read published versions
 * (easy_version_public). Nothing here prints. One store_t per thread.
 * See also: cli/cmd_easy_version.c, server/route_easy_versions.c,
 * server/route_leicht.c, docs/cli/easy-version.md.
 */
#ifndef LOTSE_APPS_EASY_VERSION_H
#define LOTSE_APPS_EASY_VERSION_H

#include "apps/easy_qr.h"
#include "base/base.h"
#include "store/store.h"

#include <jansson.h>
#include <stdint.h>

#define EASY_VERSION_ID_LEN 26               /* 130 bits, base32 */
#define EASY_VERSION_TEXT_MAX ((size_t)256 << 10) /* as easy check */
#define EASY_VERSION_REF_MAX 200             /* bytes of an Aktenzeichen */
#define EASY_VERSION_NOTE_MAX 2000           /* bytes of a note or reason */

/* Where changes are recorded: the store and the workspace whose audit
 * trail (audit.db) receives the records; who is the acting user. */
typedef struct easy_version_ctx {
  store_t *st;
  const char *workspace;
  const store_principal_t *who;
} easy_version_ctx_t;

typedef struct easy_version_new {
  const char *bescheid_ref; /* Aktenzeichen, required */
  int64_t doc_id;           /* 0: none; else readable by the creator */
  int data_class;           /* -1: the document's, else intern */
  int64_t draft_id;         /* 0: none; else readable by the creator */
  const char *text;         /* NULL: the draft's text (final if signed) */
} easy_version_new_t;

/* A fresh identifier (lower-case base32, EASY_VERSION_ID_LEN characters);
 * LOTSE_EIO when the OS random source fails. */
int easy_version_id_new(char id[EASY_VERSION_ID_LEN + 1], lotse_err_t *err);
/* Whether s has the shape of an identifier (not whether it exists). */
int easy_version_id_ok(const char *s);

/* Create a version with revision 1 (entwurf); id receives its id. */
int easy_version_create(const easy_version_ctx_t *c,
                        const easy_version_new_t *in,
                        char id[EASY_VERSION_ID_LEN + 1], lotse_err_t *err);

/* A new revision (entwurf) with text; *rev (may be NULL) its number. */
int easy_version_edit(const easy_version_ctx_t *c, const char *id,
                      const char *text, int *rev, lotse_err_t *err);

/* Record the check of the current revision: to = EASY_REVIEW_CHECKED
 * (from entwurf, not by its author) or EASY_REVIEW_TESTED (the target-group
 * check, from geprueft); note may be NULL. */
int easy_version_review(const easy_version_ctx_t *c, const char *id,
                        easy_review_t to, const char *note,
                        lotse_err_t *err);

/* Publish the current revision (geprueft or pruefgruppe). With findings of
 * the rule check and override NULL or empty: LOTSE_EACCESS naming their
 * number; *findings (may be NULL) receives it either way. */
int easy_version_publish(const easy_version_ctx_t *c, const char *id,
                         const char *override, int *findings,
                         lotse_err_t *err);

/* Withdraw the version (any state; final); reason is required. */
int easy_version_withdraw(const easy_version_ctx_t *c, const char *id,
                          const char *reason, lotse_err_t *err);

/* The versions the principal may see, newest first, without texts: id,
 * bescheid_ref, doc_id, draft_id, data_class, created_by, created_at,
 * rev (current), status (of the current revision, "zurueckgezogen" when
 * withdrawn), published_rev, published_at. limit 0 means 100. */
int easy_version_list_json(store_t *st, const store_principal_t *who,
                           int limit, json_t **out, lotse_err_t *err);

/* One version with "revisions" (oldest first, with texts) and "history";
 * LOTSE_ENOTFOUND when unknown or invisible to the principal. */
int easy_version_json(store_t *st, const store_principal_t *who,
                      const char *id, json_t **out, lotse_err_t *err);

/* What the public address answers. */
typedef enum {
  EASY_PUBLIC_NONE = 0,  /* unknown, or never published: 404 */
  EASY_PUBLIC_ONLINE,    /* the published revision */
  EASY_PUBLIC_WITHDRAWN  /* 410 with a notice */
} easy_public_state_t;

typedef struct easy_public {
  easy_public_state_t state;
  char *text;         /* ONLINE: the published text */
  char *bescheid_ref; /* ONLINE */
  int64_t published_at, withdrawn_at;
} easy_public_t;

/* Never a draft: only the published revision of a version not withdrawn. */
int easy_version_public(store_t *st, const char *id, easy_public_t *out,
                        lotse_err_t *err);
void easy_public_release(easy_public_t *p);

#endif

/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/minutes_publish.c — signed-off minutes become a searchable document
 * (apps/minutes.h): final text → strict validation → Markdown → the
 * ingestion pipeline (ingest_one), under a source name made from the
 * draft id, so publishing twice stores no second copy.
 */
#include "apps/minutes.h"
#include "gov/review.h"
#include "ingest/ingest.h"

#include <stdio.h>
#include <string.h>

static int final_minutes(store_t *st, int64_t id, json_t **doc,
                         lotse_err_t *err) {
  json_t *d = NULL;
  int rc = gov_review_draft_json(st, id, &d, err);
  if (rc) return rc;
  const char *status = json_string_value(json_object_get(d, "status"));
  const char *text = json_string_value(json_object_get(d, "final_text"));
  if (!status || strcmp(status, "final") || !text) {
    json_decref(d);
    return lotse_err_set(err, LOTSE_EACCESS,
                         "Entwurf %lld ist noch nicht abgezeichnet (lotse "
                         "draft signoff)", (long long)id);
  }
  lotse_err_t verr = {0};
  rc = minutes_parse(text, strlen(text), doc, &verr);
  json_decref(d);
  if (rc)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "der abgezeichnete Text von Entwurf %lld ist kein "
                         "gültiges Protokoll: %s", (long long)id, verr.msg);
  return 0;
}

int minutes_publish(store_t *st, int64_t draft_id, int data_class,
                    const char *const *groups, size_t ngroups,
                    int64_t *doc_id, lotse_err_t *err) {
  if (data_class < 0 || data_class >= STORE_CLASS_COUNT)
    return lotse_err_set(err, LOTSE_EINVAL, "unbekannte Schutzklasse");
  json_t *doc = NULL;
  int rc = final_minutes(st, draft_id, &doc, err);
  if (rc) return rc;
  lotse_buf_t md;
  lotse_buf_init(&md, 0);
  rc = minutes_render(doc, MINUTES_MD, &md, err);
  json_decref(doc);
  char source[64];
  snprintf(source, sizeof source, "lotse-minutes:%lld.md",
           (long long)draft_id);
  ingest_opts_t o;
  ingest_opts_default(&o);
  o.data_class = data_class;
  o.groups = groups;
  o.ngroups = ngroups;
  store_put_result_t res;
  ingest_summary_t sum;
  memset(&sum, 0, sizeof sum);
  if (!rc)
    rc = ingest_one(st, source, md.data, md.len, lotse_now_unix(), &o, &res,
                    &sum, err);
  lotse_buf_release(&md);
  if (!rc && doc_id) *doc_id = res.doc_id;
  return rc;
}

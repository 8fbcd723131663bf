/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/v1_gate.c — the OpenAI-compatible API behind the runtime gate:
 * the application named in "model", opening and closing the gate for a
 * job, the "lotse" object of replies, and GET /v1/models.
 *
 * Contract: every /v1 call names an application (its id in "model"); a
 * missing "model" is 400 before anything runs, an unknown or not runnable
 * application is the gate's refusal (403, audited by the gate). The gate
 * runs in the /v1 worker threads with their own store connection and
 * gov_ctx_t (route_v1.c). GET /v1/models lists exactly the applications
 * the caller may run now: approved, unexpired and unchanged, the caller's
 * unit permitted, every required training complete (the gate's checks
 * before the input is screened) and the engine's model among the approved
 * ones; the anonymous public runs none.
 * Spec: server/api/v1-models.json (and the other v1-*.json).
 */
#include "server/v1_internal.h"

#include "gov/registry.h"

#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------- application */

int v1_parse_app(v1_job_t *j, http_req_t *r, v1_bad_t *b) {
  json_t *m = json_object_get(j->body, "model");
  const char *app = json_string_value(m);
  if (!app || !*app)
    return v1_bad(b, "model",
                  "'model' fehlt: nennen Sie die freigegebene KI-Anwendung "
                  "(siehe GET /v1/models)");
  if (json_string_length(m) >= sizeof j->app ||
      strlen(app) != json_string_length(m))
    return v1_bad(b, "model", "'model' muss eine Anwendungskennung sein");
  snprintf(j->app, sizeof j->app, "%s", app);
  j->user = r->principal;
  return 0;
}

/* ----------------------------------------------------------------- gate */

int v1_gate_open(v1_job_t *j, gov_ctx_t *gc, const char *action,
                 const char *input, size_t len, gov_gate_t **g) {
  gov_call_t call = {.app_id = j->app,
                     .user = &j->user,
                     .action = action,
                     .input = input,
                     .input_len = len};
  j->rc = gov_gate_open(gc, &call, g, &j->decision, &j->err);
  if (!j->rc) return 0;
  if (j->rc != LOTSE_EREFUSED)
    lotse_log(LOTSE_LOG_ERROR, "server: %s: gate: %s", j->id, j->err.msg);
  return -1;
}

void v1_gate_close(v1_job_t *j, gov_gate_t *g, const char *output) {
  const char *notice = gov_gate_notice(g);
  if (notice && !(j->notice = lotse_strdup(notice)) && !j->rc)
    j->rc = lotse_err_set(&j->err, LOTSE_ENOMEM, "out of memory");
  /* The draft keeps the text as the client gets it (invalid UTF-8
   * replaced); an empty output is audited without a draft. */
  char *text = output && *output ? lotse_utf8_sanitize(output, strlen(output))
                                 : NULL;
  if (output && *output && !text && !j->rc)
    j->rc = lotse_err_set(&j->err, LOTSE_ENOMEM, "out of memory");
  lotse_err_t err = {0};
  int64_t id = 0;
  int rc = gov_gate_close(g, text, &id, &err);
  free(text);
  if (rc) {
    lotse_log(LOTSE_LOG_ERROR, "server: %s: gate close: %s", j->id, err.msg);
    if (!j->rc) {
      j->err = err;
      j->rc = LOTSE_EINTERNAL;
    }
    return;
  }
  j->draft_id = id;
}

json_t *v1_lotse_json(const v1_job_t *j) {
  return json_pack("{s:s, s:s, s:o, s:o}", "app", j->app, "label",
                   GOV_DRAFT_LABEL, "draft_id",
                   j->draft_id ? json_integer(j->draft_id) : json_null(),
                   "notice",
                   j->notice ? server_json_text(j->notice) : json_null());
}

/* ----------------------------------------------------------- /v1/models */

/* Whether user may run the application now with the engine's model (the
 * gate's checks before the input); *ok set, or a database error. */
static int runnable(store_t *st, const store_principal_t *user,
                    const char *slug, const char *model, int64_t now,
                    int64_t *since, bool *ok, lotse_err_t *err) {
  gov_app_approved_t a;
  memset(&a, 0, sizeof a);
  *ok = false;
  int rc = gov_app_load_approved(st, slug, now, &a, err);
  if (!rc && a.verdict == GOV_APP_OK && gov_gate_model_allowed(a.models, model))
    rc = gov_app_unit_permitted(st, &a, user->name, ok, err);
  if (!rc && *ok) {
    lotse_strv_t miss = {0};
    rc = gov_app_trainings_missing(st, &a, user->name, now, &miss, err);
    *ok = !rc && miss.n == 0;
    lotse_strv_release(&miss);
  }
  *since = a.approved_at;
  gov_app_approved_release(&a);
  return rc;
}

/* The runnable applications of the caller as OpenAI model objects. */
static int models_of(http_req_t *r, json_t *data, lotse_err_t *err) {
  if (r->principal.user_id == 0 || !r->principal.name[0]) return 0;
  json_t *apps = NULL;
  int rc = gov_app_list_json(r->w->st, &apps, err);
  int64_t now = lotse_now_unix();
  const char *model = llm_model_id(r->srv->o.llm);
  size_t i;
  json_t *it;
  json_array_foreach(apps, i, it) {
    const char *slug = json_string_value(json_object_get(it, "id"));
    const char *status = json_string_value(json_object_get(it, "status"));
    const char *unit = json_string_value(json_object_get(it, "owner_unit"));
    bool ok = false;
    int64_t since = 0;
    if (rc || !slug || !status || strcmp(status, "freigegeben")) continue;
    if ((rc = runnable(r->w->st, &r->principal, slug, model ? model : "", now,
                       &since, &ok, err)))
      break;
    if (ok && json_array_append_new(
                  data, json_pack("{s:s, s:s, s:I, s:s}", "id", slug, "object",
                                  "model", "created", (json_int_t)since,
                                  "owned_by", unit ? unit : "")))
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  json_decref(apps);
  return rc;
}

enum MHD_Result route_v1_models(http_req_t *r) {
  if (v1_model_or_reply(r)) return r->result;
  lotse_err_t err = {0};
  json_t *data = json_array();
  int rc = data ? models_of(r, data, &err)
                : lotse_err_set(&err, LOTSE_ENOMEM, "out of memory");
  if (rc) {
    json_decref(data);
    lotse_log(LOTSE_LOG_ERROR, "server: /v1/models: %s", err.msg);
    return v1_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
                          "Interner Fehler beim Lesen der Anwendungen");
  }
  json_t *body = json_pack("{s:s, s:o}", "object", "list", "data", data);
  return server_reply_json(r, MHD_HTTP_OK, body);
}

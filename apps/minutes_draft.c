/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/minutes_draft.c — meeting notes to structured minutes through the
 * governance gate, with the minutes schema as the decoding constraint
 * (apps/minutes.h). The result is validated again here (the gate passes
 * what the model wrote) before it becomes a draft.
 */
#include "apps/minutes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char instruction[] =
    "Erstelle aus den folgenden Notizen einer Sitzung ein Protokoll als "
    "JSON: meeting (Name der Sitzung), date (JJJJ-MM-TT), place (Ort, falls "
    "genannt), attendees (Namen), items (Tagesordnungspunkte mit title, "
    "statements = Wortbeiträge, decisions = Beschlüsse), tasks (Aufgaben "
    "mit task, owner = zuständige Person, due = Frist JJJJ-MM-TT). "
    "Übernimm nur, was in den Notizen steht.";

static int generate(gov_gate_t *g, const char *notes,
                    const minutes_draft_opts_t *o, char **text,
                    lotse_err_t *err) {
  const char *app_sys = gov_gate_system_prompt(g);
  lotse_buf_t sys;
  lotse_buf_init(&sys, 0);
  int rc = lotse_buf_printf(&sys, "%s%s%s", app_sys ? app_sys : "",
                            app_sys && *app_sys ? "\n\n" : "", instruction);
  if (rc) {
    lotse_buf_release(&sys);
    return lotse_err_set(err, rc, "kein Speicher");
  }
  llm_chat_msg_t msgs[2] = {{"system", sys.data}, {"user", notes}};
  llm_request_t req = {.msgs = msgs, .n_msgs = 2,
                       .sampling = llm_sampling_default(),
                       .max_tokens = o->max_tokens > 0 ? o->max_tokens : 2048,
                       .json_schema = minutes_schema()};
  req.sampling.temp = 0.2f; /* record what was said, not creative text */
  llm_result_t res;
  rc = gov_gate_generate(g, &req, &res, err);
  lotse_buf_release(&sys);
  if (rc) return rc;
  *text = res.text;
  res.text = NULL;
  llm_result_release(&res);
  return 0;
}

/* The model's text as schema-valid minutes, normalised to *norm. */
static int check_output(const char *text, minutes_draft_t *out, char **norm,
                        lotse_err_t *err) {
  json_error_t je;
  json_t *j = json_loads(text ? text : "", JSON_REJECT_DUPLICATES, &je);
  if (!j)
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "das Modell lieferte kein gültiges JSON: %s", je.text);
  lotse_err_t verr = {0};
  if (minutes_validate_schema(j, &verr)) {
    json_decref(j);
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "die Ausgabe des Modells passt nicht zum Schema: %s",
                         verr.msg);
  }
  if (minutes_validate(j, &verr))
    snprintf(out->finding, sizeof out->finding, "%s", verr.msg);
  *norm = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (!*norm) {
    json_decref(j);
    return lotse_err_set(err, LOTSE_ENOMEM, "kein Speicher");
  }
  out->doc = j;
  return 0;
}

int minutes_draft(gov_ctx_t *gc, const store_principal_t *user,
                  const char *notes, size_t len,
                  const minutes_draft_opts_t *o, minutes_draft_t *out,
                  lotse_err_t *err) {
  static const minutes_draft_opts_t defaults = {0};
  if (!o) o = &defaults;
  memset(out, 0, sizeof *out);
  if (!notes || len == 0 || strlen(notes) != len)
    return lotse_err_set(err, LOTSE_EINVAL, "keine Notizen angegeben");
  if (len > MINUTES_NOTES_MAX)
    return lotse_err_set(err, LOTSE_ETOOBIG,
                         "Notizen zu lang (%zu Bytes, höchstens %zu)", len,
                         MINUTES_NOTES_MAX);
  gov_call_t call = {.app_id = o->app_id ? o->app_id : MINUTES_DRAFT_APP,
                     .user = user, .action = "minutes", .input = notes,
                     .input_len = len};
  gov_gate_t *g = NULL;
  gov_decision_t dec = {0};
  int rc = gov_gate_open(gc, &call, &g, &dec, err);
  if (rc == LOTSE_EREFUSED && dec.reason != GOV_REFUSE_NONE) {
    out->refused = 1;
    out->reason = gov_refusal_code(dec.reason);
    snprintf(out->message, sizeof out->message, "%s", dec.message);
    return lotse_err_set(err, rc, "%s", dec.message);
  }
  if (rc) return rc;
  char *text = NULL, *norm = NULL;
  if (!gov_gate_has_model(g))
    rc = lotse_err_set(err, LOTSE_EUNSUPPORTED,
                       "kein Sprachmodell für Protokolle eingerichtet");
  if (!rc) rc = generate(g, notes, o, &text, err);
  if (!rc) rc = check_output(text, out, &norm, err);
  free(text);
  lotse_err_t cerr = {0};
  int crc = gov_gate_close(g, rc ? NULL : norm, rc ? NULL : &out->draft_id,
                           &cerr);
  free(norm);
  if (!rc && crc) rc = lotse_err_set(err, crc, "%s", cerr.msg);
  if (rc) minutes_draft_release(out);
  return rc;
}

void minutes_draft_release(minutes_draft_t *d) {
  if (!d) return;
  json_decref(d->doc);
  d->doc = NULL;
}

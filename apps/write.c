/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/write.c — one draft from a template through the gate, then the
 * style check on the draft (apps/write.h).
 */
#include "apps/write.h"

#include <stdlib.h>
#include <string.h>

static int generate(gov_gate_t *g, const write_template_t *t,
                    const char *filled, const write_opts_t *o, char **text,
                    lotse_err_t *err) {
  char *sys = write_system_prompt(gov_gate_system_prompt(g), t, o->reg);
  if (!sys) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  llm_chat_msg_t msgs[2] = {{"system", sys}, {"user", filled}};
  llm_request_t req = {.msgs = msgs, .n_msgs = 2,
                       .sampling = llm_sampling_default(),
                       .max_tokens = o->max_tokens > 0 ? o->max_tokens : 1024};
  req.sampling.temp = 0.3f;
  llm_result_t res;
  int rc = gov_gate_generate(g, &req, &res, err);
  free(sys);
  if (rc) return rc;
  *text = lotse_strdup(res.text ? res.text : "");
  llm_result_release(&res);
  return *text ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
}

int write_draft(gov_ctx_t *gc, const store_principal_t *user,
                const write_template_t *t, const write_kv_t *kv, size_t n,
                const write_opts_t *o, write_result_t *out, lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  if (!o || !o->app_id)
    return lotse_err_set(err, LOTSE_EINVAL, "keine Anwendung angegeben");
  if (o->reg && !write_register_ok(o->reg))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "--register muss „fachlich“ oder „buergernah“ sein");
  char *filled = NULL;
  int rc = write_template_fill(t, kv, n, &filled, err);
  if (rc) return rc;
  gov_call_t call = {.app_id = o->app_id, .user = user, .action = "write",
                     .input = filled, .input_len = strlen(filled)};
  gov_gate_t *g = NULL;
  rc = gov_gate_open(gc, &call, &g, &out->decision, err);
  if (rc) {
    free(filled);
    return rc;
  }
  const char *notice = gov_gate_notice(g);
  if (notice && !(out->notice = lotse_strdup(notice)))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc && !gov_gate_has_model(g))
    rc = lotse_err_set(err, LOTSE_EUNSUPPORTED,
                       "kein Sprachmodell eingerichtet (-m oder llm.model)");
  if (!rc) rc = generate(g, t, filled, o, &out->text, err);
  free(filled);
  lotse_err_t cerr = {0};
  int crc = gov_gate_close(g, rc ? NULL : out->text, &out->draft_id, &cerr);
  if (!rc && crc) rc = lotse_err_set(err, crc, "%s", cerr.msg);
  if (!rc) rc = text_style_check(out->text, strlen(out->text), NULL,
                                 &out->findings, err);
  if (rc) write_result_release(out);
  return rc;
}

void write_result_release(write_result_t *r) {
  if (!r) return;
  free(r->text);
  free(r->notice);
  text_style_list_release(&r->findings);
  gov_decision_t d = r->decision;
  int64_t id = r->draft_id;
  memset(r, 0, sizeof *r);
  r->decision = d;
  r->draft_id = id;
}

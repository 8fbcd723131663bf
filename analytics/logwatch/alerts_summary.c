/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/alerts_summary.c — a summary of one alert by the
 * language model, only through the governance gate (gov/gate.h): the
 * application must be approved for the user, the input (explanation and
 * evidence lines) is screened by the gate, and the output becomes a
 * labelled draft (gov/review.h) that a person signs off.
 *
 * Contract: a refused call leaves nothing but the gate's audit record; a
 * call without a model closes the session without output (audit only) and
 * returns LOTSE_EUNSUPPORTED.
 * See also: analytics/logwatch/alerts.h, cli/cmd_logwatch_alerts.c.
 */
#include "analytics/logwatch/alerts.h"

#include <stdlib.h>
#include <string.h>

/* The prompt stays small enough for a 4,096-token context: at most five
 * evidence lines of at most 300 bytes each besides the explanation. */
#define SUMMARY_INPUT_MAX (16 * 1024)
#define SUMMARY_EVIDENCE_MAX 5
#define SUMMARY_LINE_MAX 300

static const char instruction[] =
    "Fasse den folgenden Hinweis der automatischen Protokollauswertung in "
    "zwei bis drei kurzen Sätzen für die Informationssicherheit zusammen: "
    "was ist auffällig, seit wann, wie oft, und was sollte man als Erstes "
    "prüfen. Erfinde nichts, was nicht in den Angaben steht.\n\n";

/* Instruction, explanation and evidence lines as the user message. */
static char *build_input(const json_t *alert) {
  lotse_buf_t b;
  lotse_buf_init(&b, SUMMARY_INPUT_MAX);
  lotse_buf_puts(&b, instruction);
  lotse_buf_printf(&b, "Art: %s, Schweregrad: %s, Quelle: %s\n",
                   json_string_value(json_object_get(alert, "kind")),
                   json_string_value(json_object_get(alert, "severity")),
                   json_string_value(json_object_get(alert, "source")));
  lotse_buf_printf(&b, "Erklärung: %s\n",
                   json_string_value(json_object_get(alert, "explanation")));
  const json_t *ev = json_object_get(alert, "evidence");
  if (json_array_size(ev)) lotse_buf_puts(&b, "Belegzeilen:\n");
  size_t i;
  const json_t *e;
  json_array_foreach(ev, i, e) {
    if (i >= SUMMARY_EVIDENCE_MAX) break;
    const char *t = json_string_value(json_object_get(e, "text"));
    size_t n = t ? strlen(t) : 0;
    if (n > SUMMARY_LINE_MAX) { /* cut on a UTF-8 boundary */
      n = SUMMARY_LINE_MAX;
      while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80) n--;
    }
    lotse_buf_printf(&b, "Zeile %lld: %.*s%s\n",
                     (long long)json_integer_value(json_object_get(e, "line")),
                     (int)n, t ? t : "", t && n < strlen(t) ? " …" : "");
  }
  if (!b.len) {
    lotse_buf_release(&b);
    return NULL;
  }
  /* over the cap: what fitted is kept (b stays valid up to the cap) */
  return lotse_buf_detach(&b);
}

int lw_alert_summarize(gov_ctx_t *gc, const lw_summary_req *r,
                       lw_summary *out, lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  char *input = build_input(r->alert);
  if (!input) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  gov_call_t call = {.app_id = r->app, .user = r->user,
                     .action = "logwatch_summary", .input = input,
                     .input_len = strlen(input)};
  gov_gate_t *g = NULL;
  int rc = gov_gate_open(gc, &call, &g, &out->decision, err);
  if (rc) goto out;
  if (!gov_gate_has_model(g)) {
    gov_gate_close(g, NULL, NULL, err);
    rc = lotse_err_set(err, LOTSE_EUNSUPPORTED,
                       "no language model configured for a summary");
    goto out;
  }
  llm_chat_msg_t msgs[1] = {{"user", input}};
  llm_request_t req = {.msgs = msgs, .n_msgs = 1,
                       .sampling = llm_sampling_default(),
                       .max_tokens = r->max_tokens > 0 ? r->max_tokens : 256};
  req.sampling.temp = 0.2f;
  llm_result_t res = {0};
  rc = gov_gate_generate(g, &req, &res, err);
  if (rc) {
    gov_gate_close(g, NULL, NULL, NULL);
    goto out;
  }
  rc = gov_gate_close(g, res.text ? res.text : "", &out->draft_id, err);
  if (!rc) {
    out->text = res.text;
    res.text = NULL;
    out->prompt_tokens = res.prompt_tokens;
    out->completion_tokens = res.completion_tokens;
  }
  llm_result_release(&res);
out:
  free(input);
  return rc;
}

void lw_summary_release(lw_summary *s) {
  if (!s) return;
  free(s->text);
  s->text = NULL;
}

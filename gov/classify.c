/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/classify.c — the questionnaire interpreter: answers -> risk class,
 * measures, trainings and reasons; JSON views of questionnaire and result.
 *
 * Contract: gov_classify_eval() is a pure function of questionnaire and
 * answers. A question is asked when its ask_if conditions hold (on the
 * answers to earlier questions); an asked, required question must be
 * answered; answers to questions not asked are checked for their kind and
 * otherwise ignored. Every chosen value applies its effects whose "when"
 * conditions all hold and whose "unless" conditions do not all hold; the
 * questionnaire's "always" effects apply to every application. The class
 * is the highest class of an applied effect (at least 1).
 * Class -> measures (service instruction): 4 prohibited; >= 3 DSFA and
 * risk management record; >= 2 transparency notice.
 * Invariants: reasons and trainings keep the questionnaire's order and hold
 * no duplicates; both arrays are NULL-terminated, never NULL after success.
 * See also: gov/classify_load.c (the file format), docs/governance/
 * questionnaire.md.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gov/classify_internal.h"

#define QN_DEFAULT_REL "gov/questionnaire/ki-verordnung.yaml"
#define QN_FILE_MAX (4u << 20)

/* =========================================================== loading */

/* The directory above this source file, as the compiler saw it. */
static char *source_root(void) {
  const char *f = __FILE__;
  const char *tail = strstr(f, "gov/classify.c");
  if (!tail || tail == f || f[0] != '/') return NULL;
  return lotse_strndup(f, (size_t)(tail - f));
}

char *gov_questionnaire_default_path(void) {
  const char *env = getenv("LOTSE_QUESTIONNAIRE");
  if (env && *env) return lotse_strdup(env);
  const char *roots[2] = {getenv("LOTSE_SOURCE_DIR"), NULL};
  char *own = source_root();
  roots[1] = own;
  char *found = NULL;
  for (size_t i = 0; i < 2 && !found; i++) {
    if (!roots[i] || !*roots[i]) continue;
    lotse_buf_t b;
    lotse_buf_init(&b, 8192);
    lotse_buf_printf(&b, "%s/%s", roots[i], QN_DEFAULT_REL);
    if (b.data && access(b.data, R_OK) == 0)
      found = lotse_buf_detach(&b);
    lotse_buf_release(&b);
  }
  free(own);
  return found ? found : lotse_strdup(QN_DEFAULT_REL);
}

int gov_questionnaire_load(const char *path, gov_questionnaire_t **out,
                           lotse_err_t *err) {
  *out = NULL;
  char *def = path ? NULL : gov_questionnaire_default_path();
  const char *p = path ? path : def;
  if (!p) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  char *data = NULL;
  size_t len = 0;
  lotse_err_t e = {0};
  int rc = lotse_file_read(p, QN_FILE_MAX, &data, &len, &e);
  if (rc)
    rc = lotse_err_set(err, rc, "Fragebogen '%s' nicht lesbar: %s", p, e.msg);
  else
    rc = gov_questionnaire_parse(data, len, p, out, err);
  free(data);
  free(def);
  return rc;
}

const char *gov_questionnaire_version(const gov_questionnaire_t *q) {
  return q ? q->version : NULL;
}

const char *gov_questionnaire_sha256(const gov_questionnaire_t *q) {
  return q ? q->sha256 : NULL;
}

const char *gov_risk_class_label(int risk_class) {
  static const char *const labels[] = {"minimal", "gering", "hoch",
                                       "unannehmbar"};
  return risk_class >= 1 && risk_class <= 4 ? labels[risk_class - 1] : NULL;
}

/* ====================================================== questionnaire JSON */

/* The JSON builders below keep a sticky failure flag: jansson's set and
 * append calls return -1 (and drop the value) when memory runs out; a view
 * missing a part is never returned, NULL is. */

static json_t *strs_json(char *const *v, size_t n) {
  json_t *a = json_array();
  int bad = !a;
  for (size_t i = 0; !bad && i < n && v[i]; i++)
    bad = json_array_append_new(a, json_string(v[i]));
  if (!bad) return a;
  json_decref(a);
  return NULL;
}

static json_t *condset_json(const gov_questionnaire_t *q,
                            const cls_condset_t *c) {
  json_t *o = json_object();
  int bad = !o;
  for (size_t i = 0; !bad && i < c->n; i++)
    bad = json_object_set_new(o, q->questions[c->v[i].qidx].id,
                              strs_json(c->v[i].values, c->v[i].nvalues));
  if (!bad) return o;
  json_decref(o);
  return NULL;
}

static json_t *option_json(const cls_option_t *op) {
  json_t *j = json_pack("{s:s, s:s}", "value", op->value, "label",
                        op->label);
  int bad = !j;
  if (!bad && op->help)
    bad = json_object_set_new(j, "help", json_string(op->help));
  if (!bad && op->exclusive)
    bad = json_object_set_new(j, "exclusive", json_true());
  if (!bad) return j;
  json_decref(j);
  return NULL;
}

static json_t *question_json(const gov_questionnaire_t *q,
                             const cls_question_t *x) {
  const cls_section_t *s = &q->sections[x->section];
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:[]}", "id", x->id,
                        "section", s->id, "section_title", s->title, "text",
                        x->text, "kind", cls_kind_names[x->kind], "required",
                        x->required, "options");
  int bad = !o;
  if (!bad && x->help)
    bad = json_object_set_new(o, "help", json_string(x->help));
  json_t *opts = bad ? NULL : json_object_get(o, "options");
  for (size_t i = 0; !bad && i < x->noptions; i++)
    bad = json_array_append_new(opts, option_json(&x->options[i]));
  if (!bad && x->ask_if.n)
    bad = json_object_set_new(o, "ask_if", condset_json(q, &x->ask_if));
  if (!bad) return o;
  json_decref(o);
  return NULL;
}

json_t *gov_questionnaire_json(const gov_questionnaire_t *q) {
  if (!q) return NULL;
  json_t *a = json_array();
  for (size_t i = 0; a && i < q->nquestions; i++)
    if (json_array_append_new(a, question_json(q, &q->questions[i]))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

/* ============================================================ evaluation */

/* Chosen values: chosen[off[qi] + option index]; asked[qi]. */
typedef struct state {
  const gov_questionnaire_t *q;
  size_t *off;
  unsigned char *chosen;
  unsigned char *asked;
} state_t;

typedef struct acc {
  int risk_class;
  unsigned measures;
  lotse_strv_t trainings;
  lotse_strv_t reasons;
} acc_t;

static int state_init(state_t *s, const gov_questionnaire_t *q) {
  size_t total = 0;
  s->q = q;
  s->off = calloc(q->nquestions + 1, sizeof *s->off);
  s->asked = calloc(q->nquestions + 1, 1);
  for (size_t i = 0; s->off && i < q->nquestions; i++) {
    s->off[i] = total;
    total += q->questions[i].noptions;
  }
  s->chosen = calloc(total + 1, 1);
  return s->off && s->asked && s->chosen ? 0 : LOTSE_ENOMEM;
}

static void state_release(state_t *s) {
  free(s->off);
  free(s->chosen);
  free(s->asked);
}

static int has_value(const state_t *s, size_t qi, const char *value) {
  int oi = cls_option_index(&s->q->questions[qi], value);
  return s->asked[qi] && oi >= 0 && s->chosen[s->off[qi] + (size_t)oi];
}

/* All conditions hold (an empty set holds). */
static int conds_hold(const state_t *s, const cls_condset_t *c) {
  for (size_t i = 0; i < c->n; i++) {
    int any = 0;
    for (size_t j = 0; j < c->v[i].nvalues && !any; j++)
      any = has_value(s, c->v[i].qidx, c->v[i].values[j]);
    if (!any) return 0;
  }
  return 1;
}

static int bad_value(const cls_question_t *x, const char *what,
                     lotse_err_t *err) {
  lotse_buf_t b;
  lotse_buf_init(&b, 1024);
  for (size_t i = 0; i < x->noptions; i++)
    lotse_buf_printf(&b, "%s%s", i ? ", " : "", x->options[i].value);
  int rc = lotse_err_set(err, LOTSE_EINVAL, "Frage '%s': %s (erlaubt: %s)",
                         x->id, what, b.data ? b.data : "");
  lotse_buf_release(&b);
  return rc;
}

static int read_multi(const cls_question_t *x, const json_t *v,
                      unsigned char *chosen, lotse_err_t *err) {
  if (!json_is_array(v))
    return bad_value(x, "Liste von Werten erwartet", err);
  if (json_array_size(v) == 0 && x->required)
    return bad_value(x, "mindestens ein Wert erwartet", err);
  size_t i, n = 0;
  const json_t *e;
  int exclusive = -1;
  json_array_foreach(v, i, e) {
    int oi = json_is_string(e) ? cls_option_index(x, json_string_value(e))
                               : -1;
    if (oi < 0) return bad_value(x, "unbekannter Wert", err);
    if (chosen[oi])
      return lotse_err_set(err, LOTSE_EINVAL, "Frage '%s': Wert '%s' doppelt",
                           x->id, x->options[oi].value);
    chosen[oi] = 1;
    n++;
    if (x->options[oi].exclusive) exclusive = oi;
  }
  if (exclusive >= 0 && n > 1)
    return lotse_err_set(err, LOTSE_EINVAL, "Frage '%s': '%s' schließt die "
                         "anderen Werte aus", x->id,
                         x->options[exclusive].value);
  return 0;
}

/* One answer value into chosen[0..noptions). */
static int read_answer(const cls_question_t *x, const json_t *v,
                       unsigned char *chosen, lotse_err_t *err) {
  int oi = -1;
  switch (x->kind) {
  case CLS_YES_NO:
    if (json_is_boolean(v))
      oi = json_is_true(v) ? 0 : 1;
    else if (json_is_string(v))
      oi = cls_option_index(x, json_string_value(v));
    if (oi < 0)
      return bad_value(x, "ja/nein (true/false) erwartet", err);
    break;
  case CLS_CHOICE:
    if (!json_is_string(v)) return bad_value(x, "ein Wert erwartet", err);
    oi = cls_option_index(x, json_string_value(v));
    if (oi < 0) return bad_value(x, "unbekannter Wert", err);
    break;
  case CLS_MULTI:
    return read_multi(x, v, chosen, err);
  }
  chosen[oi] = 1;
  return 0;
}

/* Every key names a question; every asked, required question has an
 * answer; every answer has the question's kind. */
static int read_answers(state_t *s, const json_t *answers, lotse_err_t *err) {
  const gov_questionnaire_t *q = s->q;
  if (!json_is_object(answers))
    return lotse_err_set(err, LOTSE_EINVAL, "Antworten: JSON-Objekt "
                         "{Frage: Wert} erwartet");
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)answers, key, v) {
    size_t i = 0;
    while (i < q->nquestions && strcmp(q->questions[i].id, key)) i++;
    if (i == q->nquestions)
      return lotse_err_set(err, LOTSE_EINVAL, "unbekannte Frage '%s'", key);
  }
  for (size_t i = 0; i < q->nquestions; i++) {
    const cls_question_t *x = &q->questions[i];
    s->asked[i] = (unsigned char)conds_hold(s, &x->ask_if);
    const json_t *a = json_object_get(answers, x->id);
    if (!a || json_is_null(a)) {
      if (s->asked[i] && x->required)
        return lotse_err_set(err, LOTSE_EINVAL, "Frage '%s' ist nicht "
                             "beantwortet: %s", x->id, x->text);
      s->asked[i] = 0; /* unanswered: no value holds */
      continue;
    }
    int rc = read_answer(x, a, s->chosen + s->off[i], err);
    if (rc) return rc;
  }
  return 0;
}

static int push_unique(lotse_strv_t *sv, const char *s) {
  for (size_t i = 0; i < sv->n; i++)
    if (!strcmp(sv->v[i], s)) return 0;
  return lotse_strv_push(sv, s);
}

static int apply(const state_t *s, const cls_effects_t *e, acc_t *acc) {
  for (size_t i = 0; i < e->n; i++) {
    const cls_effect_t *f = &e->v[i];
    if (!conds_hold(s, &f->when)) continue;
    if (f->unless.n && conds_hold(s, &f->unless)) continue;
    if (f->min_class > acc->risk_class) acc->risk_class = f->min_class;
    acc->measures |= f->measures;
    int rc = push_unique(&acc->reasons, f->reason);
    for (size_t j = 0; !rc && j < f->ntrainings; j++)
      rc = push_unique(&acc->trainings, f->trainings[j]);
    if (rc) return rc;
  }
  return 0;
}

/* A NULL-terminated copy of sv (which is emptied). */
static char **take_strv(lotse_strv_t *sv) {
  char **v = realloc(sv->v, (sv->n + 1) * sizeof *v);
  if (!v) return NULL;
  v[sv->n] = NULL;
  sv->v = NULL;
  sv->n = sv->cap = 0;
  return v;
}

static int finish(acc_t *acc, gov_classification_t *out) {
  int c = acc->risk_class < 1 ? 1 : acc->risk_class;
  unsigned m = acc->measures;
  out->risk_class = c;
  out->measures.prohibited = c >= 4;
  out->measures.needs_dsfa = c >= 3 || (m & CLS_M_DSFA);
  out->measures.needs_risk_mgmt = c >= 3 || (m & CLS_M_RISK);
  out->measures.needs_transparency = c >= 2 || (m & CLS_M_TRANSPARENCY);
  out->measures.needs_personalrat = (m & CLS_M_PERSONALRAT) != 0;
  out->measures.needs_dpo = (m & CLS_M_DPO) != 0;
  out->measures.trainings = take_strv(&acc->trainings);
  out->reasons = take_strv(&acc->reasons);
  return out->measures.trainings && out->reasons ? 0 : LOTSE_ENOMEM;
}

int gov_classify_eval(const gov_questionnaire_t *q, const json_t *answers,
                      gov_classification_t *out, lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  if (!q) return lotse_err_set(err, LOTSE_EINVAL, "no questionnaire");
  state_t s = {0};
  acc_t acc = {0};
  int rc = state_init(&s, q);
  if (rc) rc = lotse_err_set(err, rc, "out of memory");
  if (!rc) rc = read_answers(&s, answers, err);
  if (!rc && (rc = apply(&s, &q->always, &acc)))
    lotse_err_set(err, rc, "out of memory");
  for (size_t i = 0; !rc && i < q->nquestions; i++) {
    const cls_question_t *x = &q->questions[i];
    for (size_t j = 0; !rc && s.asked[i] && j < x->noptions; j++)
      if (s.chosen[s.off[i] + j] && (rc = apply(&s, &x->options[j].effects,
                                                &acc)))
        lotse_err_set(err, rc, "out of memory");
  }
  if (!rc && (rc = finish(&acc, out))) lotse_err_set(err, rc, "out of memory");
  lotse_strv_release(&acc.trainings);
  lotse_strv_release(&acc.reasons);
  state_release(&s);
  if (rc) gov_classification_release(out);
  return rc;
}

static void strs_free(char **v) {
  for (size_t i = 0; v && v[i]; i++) free(v[i]);
  free(v);
}

void gov_classification_release(gov_classification_t *c) {
  if (!c) return;
  strs_free(c->measures.trainings);
  strs_free(c->reasons);
  memset(c, 0, sizeof *c);
}

/* ====================================================== result as JSON */

static size_t strs_count(char **v) {
  size_t n = 0;
  while (v && v[n]) n++;
  return n;
}

json_t *gov_classification_json(const gov_classification_t *c) {
  if (!c) return NULL;
  const gov_measures_t *m = &c->measures;
  const char *label = gov_risk_class_label(c->risk_class);
  return json_pack("{s:i, s:s, s:{s:b, s:b, s:b, s:b, s:b, s:b, s:o}, s:o}",
                   "risk_class", c->risk_class, "risk_label",
                   label ? label : "", "measures", "prohibited", m->prohibited,
                   "needs_dsfa", m->needs_dsfa, "needs_risk_mgmt",
                   m->needs_risk_mgmt, "needs_transparency",
                   m->needs_transparency, "needs_personalrat",
                   m->needs_personalrat, "needs_dpo", m->needs_dpo,
                   "trainings",
                   strs_json(m->trainings, strs_count(m->trainings)),
                   "reasons", strs_json(c->reasons, strs_count(c->reasons)));
}

static int strs_from_json(const json_t *a, const char *key, char ***out,
                          lotse_err_t *err) {
  if (a && !json_is_array(a))
    return lotse_err_set(err, LOTSE_EINVAL, "classification: '%s' is not an "
                         "array", key);
  size_t n = a ? json_array_size(a) : 0;
  char **v = calloc(n + 1, sizeof *v);
  if (!v) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    const json_t *s = json_array_get(a, i);
    if (!json_is_string(s) || !(v[i] = lotse_strdup(json_string_value(s)))) {
      strs_free(v);
      return json_is_string(s)
                 ? lotse_err_set(err, LOTSE_ENOMEM, "out of memory")
                 : lotse_err_set(err, LOTSE_EINVAL, "classification: '%s' "
                                 "holds a non-string", key);
    }
  }
  *out = v;
  return 0;
}

static int flag(const json_t *m, const char *key, bool *out,
                lotse_err_t *err) {
  const json_t *v = json_object_get(m, key);
  if (v && !json_is_boolean(v))
    return lotse_err_set(err, LOTSE_EINVAL, "classification: '%s' is not a "
                         "boolean", key);
  *out = json_is_true(v);
  return 0;
}

int gov_classification_from_json(const json_t *j, gov_classification_t *out,
                                 lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  const json_t *rc_j = json_object_get(j, "risk_class");
  const json_t *m = json_object_get(j, "measures");
  if (!json_is_object(j) || !json_is_integer(rc_j) ||
      json_integer_value(rc_j) < 1 || json_integer_value(rc_j) > 4 ||
      (m && !json_is_object(m)))
    return lotse_err_set(err, LOTSE_EINVAL, "classification: object with "
                         "risk_class 1..4 expected");
  out->risk_class = (int)json_integer_value(rc_j);
  gov_measures_t *x = &out->measures;
  int rc = flag(m, "prohibited", &x->prohibited, err);
  if (!rc) rc = flag(m, "needs_dsfa", &x->needs_dsfa, err);
  if (!rc) rc = flag(m, "needs_risk_mgmt", &x->needs_risk_mgmt, err);
  if (!rc) rc = flag(m, "needs_transparency", &x->needs_transparency, err);
  if (!rc) rc = flag(m, "needs_personalrat", &x->needs_personalrat, err);
  if (!rc) rc = flag(m, "needs_dpo", &x->needs_dpo, err);
  if (!rc)
    rc = strs_from_json(json_object_get(m, "trainings"), "trainings",
                        &x->trainings, err);
  if (!rc)
    rc = strs_from_json(json_object_get(j, "reasons"), "reasons",
                        &out->reasons, err);
  if (rc) gov_classification_release(out);
  return rc;
}

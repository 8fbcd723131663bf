/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/classify_load.c — reading the AI-Act questionnaire (YAML) into the
 * interpreter's structures, checking the schema on the way.
 *
 * Contract: a file is either loaded completely and valid (the invariants of
 * gov/classify_internal.h hold) or rejected with LOTSE_ECORRUPT and a German
 * message "<file>:<line>:<column>: <what>" (1-based); nothing is half
 * loaded. YAML anchors and aliases, several documents and non-scalar keys
 * are rejected; so are unknown and duplicate keys.
 * Schema (keys English, texts German):
 *   version, title, always: [effect], sections: [{id, title, intro?,
 *   questions: [{id, text, help?, kind: yes_no|choice|multi_choice,
 *   required?: ja|nein, ask_if?: cond, options?: [{value, label, help?,
 *   exclusive?}], effects?: {value: [effect]}}]}]
 *   effect = {reason, class?: 1..4, measures?: [dsfa|risikomanagement|
 *   transparenzhinweis|personalrat|datenschutz], trainings?: [id],
 *   when?: cond, unless?: cond};  cond = {question_id: value | [value]}
 * See also: docs/governance/questionnaire.md.
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "gov/classify_internal.h"

#define QN_MAX_BYTES (4u << 20)
#define QN_MAX_DEPTH 16
#define QN_MAX_NODES 200000

const char *const cls_measure_names[CLS_M_COUNT] = {
    "dsfa", "risikomanagement", "transparenzhinweis", "personalrat",
    "datenschutz"};
const char *const cls_kind_names[3] = {"yes_no", "choice", "multi_choice"};

/* ============================================================ YAML tree */

typedef enum { YN_SCALAR, YN_SEQ, YN_MAP } yn_kind_t;

/* A map keeps keys at items[2i] and values at items[2i+1]. */
typedef struct yn {
  yn_kind_t kind;
  char *s;
  struct yn **items;
  size_t n, cap;
  int line, col;
} yn_t;

typedef struct loader {
  const char *name;
  lotse_err_t *err;
  size_t nodes;
} loader_t;

static void yn_free(yn_t *n) {
  if (!n) return;
  for (size_t i = 0; i < n->n; i++) yn_free(n->items[i]);
  free(n->items);
  free(n->s);
  free(n);
}

static int fail_at(loader_t *L, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail_at(loader_t *L, int line, int col, const char *fmt, ...) {
  char msg[LOTSE_ERR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return lotse_err_set(L->err, LOTSE_ECORRUPT, "%s:%d:%d: %s", L->name, line,
                       col, msg);
}

static int fail_node(loader_t *L, const yn_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_node(loader_t *L, const yn_t *n, const char *fmt, ...) {
  char msg[LOTSE_ERR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return fail_at(L, n->line, n->col, "%s", msg);
}

static int yn_new(loader_t *L, yn_kind_t kind, const yaml_mark_t *m,
                  yn_t **out) {
  if (++L->nodes > QN_MAX_NODES)
    return fail_at(L, (int)m->line + 1, (int)m->column + 1,
                   "zu viele Knoten (höchstens %d)", QN_MAX_NODES);
  yn_t *n = calloc(1, sizeof *n);
  if (!n) return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
  n->kind = kind;
  n->line = (int)m->line + 1;
  n->col = (int)m->column + 1;
  *out = n;
  return 0;
}

static int yn_push(loader_t *L, yn_t *parent, yn_t *child) {
  if (parent->n == parent->cap) {
    size_t cap = parent->cap ? parent->cap * 2 : 8;
    yn_t **v = realloc(parent->items, cap * sizeof *v);
    if (!v) {
      yn_free(child);
      return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
    }
    parent->items = v;
    parent->cap = cap;
  }
  parent->items[parent->n++] = child;
  return 0;
}

static int next_event(loader_t *L, yaml_parser_t *p, yaml_event_t *ev) {
  if (yaml_parser_parse(p, ev)) return 0;
  if (p->error == YAML_MEMORY_ERROR)
    return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
  return fail_at(L, (int)p->problem_mark.line + 1,
                 (int)p->problem_mark.column + 1, "YAML-Syntaxfehler: %s",
                 p->problem ? p->problem : "unbekannt");
}

/* The value (key) of a map entry is a child: map keys must be scalars and
 * unique. */
static int map_key_check(loader_t *L, const yn_t *map, const yn_t *key) {
  if (key->kind != YN_SCALAR)
    return fail_node(L, key, "Schlüssel müssen einfache Texte sein");
  for (size_t i = 0; i + 1 < map->n; i += 2)
    if (!strcmp(map->items[i]->s, key->s))
      return fail_node(L, key, "Schlüssel '%s' doppelt (zuerst in Zeile %d)",
                       key->s, map->items[i]->line);
  return 0;
}

static int parse_node(loader_t *L, yaml_parser_t *p, yaml_event_t *ev,
                      int depth, yn_t **out);

/* Children of a sequence or mapping until its end event. */
static int parse_children(loader_t *L, yaml_parser_t *p, yn_t *n, int depth) {
  yaml_event_type_t end =
      n->kind == YN_SEQ ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;
  for (;;) {
    yaml_event_t ev;
    int rc = next_event(L, p, &ev);
    if (rc) return rc;
    if (ev.type == end) {
      yaml_event_delete(&ev);
      return 0;
    }
    yn_t *c = NULL;
    rc = parse_node(L, p, &ev, depth + 1, &c);
    yaml_event_delete(&ev);
    if (!rc && n->kind == YN_MAP && (n->n % 2) == 0)
      rc = map_key_check(L, n, c);
    if (rc) {
      yn_free(c);
      return rc;
    }
    rc = yn_push(L, n, c);
    if (rc) return rc;
  }
}

/* Build the node that starts with *ev (owned by the caller). */
static int parse_node(loader_t *L, yaml_parser_t *p, yaml_event_t *ev,
                      int depth, yn_t **out) {
  const yaml_mark_t *m = &ev->start_mark;
  if (depth > QN_MAX_DEPTH)
    return fail_at(L, (int)m->line + 1, (int)m->column + 1,
                   "zu tief verschachtelt (höchstens %d Ebenen)",
                   QN_MAX_DEPTH);
  int rc;
  switch (ev->type) {
  case YAML_ALIAS_EVENT:
    return fail_at(L, (int)m->line + 1, (int)m->column + 1,
                   "Aliasse (*name) werden nicht unterstützt");
  case YAML_SCALAR_EVENT:
    if (ev->data.scalar.anchor) break;
    if ((rc = yn_new(L, YN_SCALAR, m, out))) return rc;
    (*out)->s = lotse_strndup((const char *)ev->data.scalar.value,
                              ev->data.scalar.length);
    if (!(*out)->s) return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
    if (strlen((*out)->s) != ev->data.scalar.length)
      return fail_at(L, (*out)->line, (*out)->col, "NUL-Zeichen im Text");
    return 0;
  case YAML_SEQUENCE_START_EVENT:
    if (ev->data.sequence_start.anchor) break;
    if ((rc = yn_new(L, YN_SEQ, m, out))) return rc;
    return parse_children(L, p, *out, depth);
  case YAML_MAPPING_START_EVENT:
    if (ev->data.mapping_start.anchor) break;
    if ((rc = yn_new(L, YN_MAP, m, out))) return rc;
    return parse_children(L, p, *out, depth);
  default:
    return fail_at(L, (int)m->line + 1, (int)m->column + 1,
                   "unerwartetes YAML-Element");
  }
  return fail_at(L, (int)m->line + 1, (int)m->column + 1,
                 "Anker (&name) werden nicht unterstützt");
}

/* The single document of text as a tree. */
static int yaml_tree(loader_t *L, const char *text, size_t len, yn_t **root) {
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p))
    return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
  *root = NULL;
  int rc = 0, docs = 0;
  for (;;) {
    yaml_event_t ev;
    if ((rc = next_event(L, &p, &ev))) break;
    yaml_event_type_t t = ev.type;
    if (t == YAML_DOCUMENT_START_EVENT && ++docs > 1)
      rc = fail_at(L, (int)ev.start_mark.line + 1,
                   (int)ev.start_mark.column + 1,
                   "nur ein YAML-Dokument pro Datei erlaubt");
    else if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT ||
             t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT)
      rc = parse_node(L, &p, &ev, 0, root);
    yaml_event_delete(&ev);
    if (rc || t == YAML_STREAM_END_EVENT) break;
  }
  yaml_parser_delete(&p);
  if (!rc && !*root) rc = fail_at(L, 1, 1, "die Datei ist leer");
  if (rc) {
    yn_free(*root);
    *root = NULL;
  }
  return rc;
}

/* ======================================================= schema helpers */

static const yn_t *map_get(const yn_t *map, const char *key) {
  for (size_t i = 0; i + 1 < map->n; i += 2)
    if (!strcmp(map->items[i]->s, key)) return map->items[i + 1];
  return NULL;
}

/* map must be a mapping whose keys are all in allowed (NULL-terminated). */
static int check_map(loader_t *L, const yn_t *map, const char *what,
                     const char *const *allowed) {
  if (map->kind != YN_MAP)
    return fail_node(L, map, "%s: Zuordnung (key: value) erwartet", what);
  for (size_t i = 0; i + 1 < map->n; i += 2) {
    const char *k = map->items[i]->s;
    size_t j = 0;
    while (allowed[j] && strcmp(allowed[j], k)) j++;
    if (!allowed[j])
      return fail_node(L, map->items[i], "%s: unbekannter Schlüssel '%s'",
                       what, k);
  }
  return 0;
}

/* A required (or, with optional, possibly absent) non-empty text. */
static int get_text(loader_t *L, const yn_t *map, const char *key,
                    int optional, char **out) {
  const yn_t *v = map_get(map, key);
  *out = NULL;
  if (!v) {
    if (optional) return 0;
    return fail_node(L, map, "Schlüssel '%s' fehlt", key);
  }
  if (v->kind != YN_SCALAR || !*v->s)
    return fail_node(L, v, "'%s': nicht leerer Text erwartet", key);
  *out = lotse_strdup(v->s);
  return *out ? 0 : lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
}

static int parse_bool(loader_t *L, const yn_t *v, const char *key, int *out) {
  static const char *const yes[] = {"ja", "true", "yes"};
  static const char *const no[] = {"nein", "false", "no"};
  if (v->kind == YN_SCALAR)
    for (size_t i = 0; i < 3; i++) {
      if (!strcmp(v->s, yes[i])) return (*out = 1), 0;
      if (!strcmp(v->s, no[i])) return (*out = 0), 0;
    }
  return fail_node(L, v, "'%s': ja oder nein erwartet", key);
}

static int valid_id(const char *s, int dash) {
  if (!*s || strlen(s) > 63) return 0;
  for (const char *c = s; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
          *c == '_' || (dash && *c == '-')))
      return 0;
  return 1;
}

static int check_seq(loader_t *L, const yn_t *v, const char *key) {
  if (v->kind != YN_SEQ)
    return fail_node(L, v, "'%s': Liste erwartet", key);
  return 0;
}

int cls_option_index(const cls_question_t *q, const char *value) {
  for (size_t i = 0; i < q->noptions; i++)
    if (!strcmp(q->options[i].value, value)) return (int)i;
  return -1;
}

/* ============================================================== freeing */

static void strs_free(char **v, size_t n) {
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

static void condset_free(cls_condset_t *c) {
  for (size_t i = 0; i < c->n; i++) strs_free(c->v[i].values, c->v[i].nvalues);
  free(c->v);
}

static void effects_free(cls_effects_t *e) {
  for (size_t i = 0; i < e->n; i++) {
    cls_effect_t *f = &e->v[i];
    free(f->reason);
    strs_free(f->trainings, f->ntrainings);
    condset_free(&f->when);
    condset_free(&f->unless);
  }
  free(e->v);
}

void gov_questionnaire_free(gov_questionnaire_t *q) {
  if (!q) return;
  for (size_t i = 0; i < q->nquestions; i++) {
    cls_question_t *x = &q->questions[i];
    free(x->id);
    free(x->text);
    free(x->help);
    for (size_t j = 0; j < x->noptions; j++) {
      free(x->options[j].value);
      free(x->options[j].label);
      free(x->options[j].help);
      effects_free(&x->options[j].effects);
    }
    free(x->options);
    condset_free(&x->ask_if);
  }
  free(q->questions);
  for (size_t i = 0; i < q->nsections; i++) {
    free(q->sections[i].id);
    free(q->sections[i].title);
    free(q->sections[i].intro);
  }
  free(q->sections);
  effects_free(&q->always);
  free(q->version);
  free(q->title);
  free(q);
}

/* ============================================================ conditions */

static int find_question(const gov_questionnaire_t *q, size_t limit,
                         const char *id) {
  for (size_t i = 0; i < limit; i++)
    if (!strcmp(q->questions[i].id, id)) return (int)i;
  return -1;
}

/* A condition map; questions searched among the first limit ones. The
 * question currently being built is never among them. */
static int parse_condset(loader_t *L, const gov_questionnaire_t *q,
                         size_t limit, const yn_t *v, const char *key,
                         cls_condset_t *out) {
  if (v->kind != YN_MAP || v->n == 0)
    return fail_node(L, v, "'%s': Zuordnung Frage: Wert(e) erwartet", key);
  out->v = calloc(v->n / 2, sizeof *out->v);
  if (!out->v) return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i + 1 < v->n; i += 2) {
    const yn_t *k = v->items[i], *val = v->items[i + 1];
    int qi = find_question(q, limit, k->s);
    if (qi < 0)
      return fail_node(L, k, "'%s': unbekannte Frage '%s'%s", key, k->s,
                       limit < q->nquestions ? " (nur frühere Fragen)" : "");
    cls_cond_t *c = &out->v[out->n++];
    c->qidx = (size_t)qi;
    size_t nv = val->kind == YN_SEQ ? val->n : 1;
    if (val->kind == YN_MAP || nv == 0)
      return fail_node(L, val, "'%s': Wert oder Liste von Werten erwartet",
                       key);
    c->values = calloc(nv, sizeof *c->values);
    if (!c->values) return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
    for (size_t j = 0; j < nv; j++) {
      const yn_t *s = val->kind == YN_SEQ ? val->items[j] : val;
      if (s->kind != YN_SCALAR)
        return fail_node(L, s, "'%s': Wert erwartet", key);
      if (cls_option_index(&q->questions[qi], s->s) < 0)
        return fail_node(L, s, "'%s': Frage '%s' kennt den Wert '%s' nicht",
                         key, k->s, s->s);
      if (!(c->values[c->nvalues++] = lotse_strdup(s->s)))
        return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
    }
  }
  return 0;
}

/* =============================================================== effects */

static int parse_measures(loader_t *L, const yn_t *v, unsigned *out) {
  int rc = check_seq(L, v, "measures");
  for (size_t i = 0; !rc && i < v->n; i++) {
    const yn_t *m = v->items[i];
    size_t j = 0;
    while (j < CLS_M_COUNT && (m->kind != YN_SCALAR ||
                               strcmp(m->s, cls_measure_names[j])))
      j++;
    if (j == CLS_M_COUNT)
      return fail_node(L, m, "unbekannte Maßnahme '%s' (erlaubt: dsfa, "
                       "risikomanagement, transparenzhinweis, personalrat, "
                       "datenschutz)", m->kind == YN_SCALAR ? m->s : "?");
    *out |= 1u << j;
  }
  return rc;
}

static int parse_trainings(loader_t *L, const yn_t *v, cls_effect_t *e) {
  int rc = check_seq(L, v, "trainings");
  if (rc) return rc;
  e->trainings = calloc(v->n ? v->n : 1, sizeof *e->trainings);
  if (!e->trainings) return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i < v->n; i++) {
    const yn_t *t = v->items[i];
    if (t->kind != YN_SCALAR || !valid_id(t->s, 1))
      return fail_node(L, t, "Schulungs-Kennung aus a-z, 0-9, '-' und '_' "
                       "erwartet");
    if (!(e->trainings[e->ntrainings++] = lotse_strdup(t->s)))
      return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
  }
  return 0;
}

static int parse_effect(loader_t *L, const gov_questionnaire_t *q,
                        const yn_t *v, cls_effect_t *e) {
  static const char *const keys[] = {"reason", "class", "measures",
                                     "trainings", "when", "unless", NULL};
  int rc = check_map(L, v, "Wirkung", keys);
  if (!rc) rc = get_text(L, v, "reason", 0, &e->reason);
  const yn_t *c = map_get(v, "class");
  if (!rc && c) {
    if (c->kind != YN_SCALAR || strlen(c->s) != 1 || c->s[0] < '1' ||
        c->s[0] > '4')
      return fail_node(L, c, "'class': Risikoklasse 1 bis 4 erwartet");
    e->min_class = c->s[0] - '0';
  }
  const yn_t *m = map_get(v, "measures");
  if (!rc && m) rc = parse_measures(L, m, &e->measures);
  const yn_t *t = map_get(v, "trainings");
  if (!rc && t) rc = parse_trainings(L, t, e);
  const yn_t *w = map_get(v, "when");
  if (!rc && w) rc = parse_condset(L, q, q->nquestions, w, "when", &e->when);
  const yn_t *u = map_get(v, "unless");
  if (!rc && u)
    rc = parse_condset(L, q, q->nquestions, u, "unless", &e->unless);
  if (!rc && !e->min_class && !e->measures && !e->ntrainings)
    rc = fail_node(L, v, "Wirkung ohne Folge (class, measures oder "
                   "trainings angeben)");
  return rc;
}

static int parse_effects(loader_t *L, const gov_questionnaire_t *q,
                         const yn_t *v, cls_effects_t *out) {
  int rc = check_seq(L, v, "effects");
  if (rc) return rc;
  out->v = calloc(v->n ? v->n : 1, sizeof *out->v);
  if (!out->v) return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; !rc && i < v->n; i++) {
    out->n++;
    rc = parse_effect(L, q, v->items[i], &out->v[i]);
  }
  return rc;
}

/* ============================================================= questions */

static int parse_option(loader_t *L, const yn_t *v, cls_question_t *x,
                        cls_option_t *o) {
  static const char *const keys[] = {"value", "label", "help", "exclusive",
                                     NULL};
  int rc = check_map(L, v, "Antwortmöglichkeit", keys);
  if (!rc) rc = get_text(L, v, "value", 0, &o->value);
  if (!rc && !valid_id(o->value, 0))
    rc = fail_node(L, map_get(v, "value"), "Wert '%s': nur a-z, 0-9 und '_' "
                   "erlaubt", o->value);
  for (size_t i = 0; !rc && x->options + i < o; i++)
    if (!strcmp(x->options[i].value, o->value))
      rc = fail_node(L, map_get(v, "value"), "Wert '%s' doppelt", o->value);
  if (!rc) rc = get_text(L, v, "label", 0, &o->label);
  if (!rc) rc = get_text(L, v, "help", 1, &o->help);
  const yn_t *e = map_get(v, "exclusive");
  if (!rc && e) rc = parse_bool(L, e, "exclusive", &o->exclusive);
  if (!rc && o->exclusive && x->kind != CLS_MULTI)
    rc = fail_node(L, e, "'exclusive' gibt es nur bei multi_choice");
  return rc;
}

static int yes_no_options(loader_t *L, cls_question_t *x) {
  static const char *const v[2] = {"ja", "nein"};
  static const char *const l[2] = {"Ja", "Nein"};
  x->options = calloc(2, sizeof *x->options);
  if (!x->options) return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i < 2; i++) {
    x->noptions++;
    x->options[i].value = lotse_strdup(v[i]);
    x->options[i].label = lotse_strdup(l[i]);
    if (!x->options[i].value || !x->options[i].label)
      return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
  }
  return 0;
}

static int parse_options(loader_t *L, const yn_t *v, cls_question_t *x) {
  if (x->kind == CLS_YES_NO) {
    if (v) return fail_node(L, v, "yes_no-Fragen haben keine 'options' "
                            "(die Werte sind ja und nein)");
    return yes_no_options(L, x);
  }
  if (NEVER(!v)) return fail_at(L, 1, 1, "'options' fehlt");
  int rc = check_seq(L, v, "options");
  if (rc) return rc;
  if (v->n < 2) return fail_node(L, v, "mindestens zwei Antwortmöglichkeiten");
  x->options = calloc(v->n, sizeof *x->options);
  if (!x->options) return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; !rc && i < v->n; i++) {
    x->noptions++;
    rc = parse_option(L, v->items[i], x, &x->options[i]);
  }
  return rc;
}

/* effects: {value: [effect]}: keys must be values of the question. */
static int parse_answer_effects(loader_t *L, const gov_questionnaire_t *q,
                                const yn_t *v, cls_question_t *x) {
  if (v->kind != YN_MAP)
    return fail_node(L, v, "'effects': Zuordnung Antwort: [Wirkungen] "
                     "erwartet");
  for (size_t i = 0; i + 1 < v->n; i += 2) {
    int oi = cls_option_index(x, v->items[i]->s);
    if (oi < 0)
      return fail_node(L, v->items[i], "'effects': Frage '%s' kennt den Wert "
                       "'%s' nicht", x->id, v->items[i]->s);
    int rc = parse_effects(L, q, v->items[i + 1], &x->options[oi].effects);
    if (rc) return rc;
  }
  return 0;
}

static int parse_kind(loader_t *L, const yn_t *v, cls_kind_t *out) {
  const yn_t *k = map_get(v, "kind");
  if (!k) return fail_node(L, v, "Schlüssel 'kind' fehlt");
  for (int i = 0; i < 3; i++)
    if (k->kind == YN_SCALAR && !strcmp(k->s, cls_kind_names[i]))
      return (*out = (cls_kind_t)i), 0;
  return fail_node(L, k, "'kind': yes_no, choice oder multi_choice erwartet");
}

/* Question number q->nquestions (already counted) from node v. Conditions
 * (ask_if) may name earlier questions only; effects (parsed later) any. */
static int parse_question(loader_t *L, gov_questionnaire_t *q, const yn_t *v,
                          size_t section, cls_question_t *x) {
  static const char *const keys[] = {"id", "text", "help", "kind",
                                     "required", "ask_if", "options",
                                     "effects", NULL};
  int rc = check_map(L, v, "Frage", keys);
  if (!rc) rc = get_text(L, v, "id", 0, &x->id);
  if (rc) return rc;
  const yn_t *idn = map_get(v, "id");
  if (!valid_id(x->id, 0))
    return fail_node(L, idn, "Fragen-Kennung '%s': nur a-z, 0-9 und '_' "
                     "erlaubt", x->id);
  if (find_question(q, q->nquestions - 1, x->id) >= 0)
    return fail_node(L, idn, "Fragen-Kennung '%s' doppelt", x->id);
  x->section = section;
  x->required = 1;
  if (!rc) rc = get_text(L, v, "text", 0, &x->text);
  if (!rc) rc = get_text(L, v, "help", 1, &x->help);
  if (!rc) rc = parse_kind(L, v, &x->kind);
  const yn_t *r = map_get(v, "required");
  if (!rc && r) rc = parse_bool(L, r, "required", &x->required);
  const yn_t *o = map_get(v, "options");
  if (!rc && !o && x->kind != CLS_YES_NO)
    rc = fail_node(L, v, "Frage '%s': 'options' fehlt", x->id);
  if (!rc) rc = parse_options(L, o, x);
  const yn_t *a = map_get(v, "ask_if");
  if (!rc && a)
    rc = parse_condset(L, q, q->nquestions - 1, a, "ask_if", &x->ask_if);
  return rc;
}

/* ============================================================ top level */

static int parse_sections(loader_t *L, gov_questionnaire_t *q,
                          const yn_t *v) {
  static const char *const keys[] = {"id", "title", "intro", "questions",
                                     NULL};
  int rc = check_seq(L, v, "sections");
  if (rc) return rc;
  if (!v->n) return fail_node(L, v, "'sections' ist leer");
  size_t nq = 0;
  for (size_t i = 0; i < v->n; i++) {
    const yn_t *s = v->items[i], *qs;
    if ((rc = check_map(L, s, "Abschnitt", keys))) return rc;
    if (!(qs = map_get(s, "questions")))
      return fail_node(L, s, "Schlüssel 'questions' fehlt");
    if ((rc = check_seq(L, qs, "questions"))) return rc;
    if (!qs->n) return fail_node(L, qs, "'questions' ist leer");
    nq += qs->n;
  }
  q->sections = calloc(v->n, sizeof *q->sections);
  q->questions = calloc(nq, sizeof *q->questions);
  if (!q->sections || !q->questions)
    return lotse_err_set(L->err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; !rc && i < v->n; i++) {
    const yn_t *s = v->items[i], *qs = map_get(s, "questions");
    cls_section_t *sec = &q->sections[q->nsections++];
    rc = get_text(L, s, "id", 0, &sec->id);
    if (!rc && !valid_id(sec->id, 0))
      rc = fail_node(L, map_get(s, "id"), "Abschnitts-Kennung '%s': nur a-z, "
                     "0-9 und '_' erlaubt", sec->id);
    for (size_t j = 0; !rc && j + 1 < q->nsections; j++)
      if (!strcmp(q->sections[j].id, sec->id))
        rc = fail_node(L, map_get(s, "id"), "Abschnitts-Kennung '%s' doppelt",
                       sec->id);
    if (!rc) rc = get_text(L, s, "title", 0, &sec->title);
    if (!rc) rc = get_text(L, s, "intro", 1, &sec->intro);
    for (size_t j = 0; !rc && j < qs->n; j++) {
      q->nquestions++;
      rc = parse_question(L, q, qs->items[j], i,
                          &q->questions[q->nquestions - 1]);
    }
  }
  return rc;
}

/* Second pass: answer effects (their conditions may name later questions). */
static int parse_all_effects(loader_t *L, gov_questionnaire_t *q,
                             const yn_t *sections) {
  size_t qi = 0;
  for (size_t i = 0; i < sections->n; i++) {
    const yn_t *qs = map_get(sections->items[i], "questions");
    for (size_t j = 0; j < qs->n; j++, qi++) {
      const yn_t *e = map_get(qs->items[j], "effects");
      int rc = e ? parse_answer_effects(L, q, e, &q->questions[qi]) : 0;
      if (rc) return rc;
    }
  }
  return 0;
}

static int parse_root(loader_t *L, gov_questionnaire_t *q, const yn_t *root) {
  static const char *const keys[] = {"version", "title", "always", "sections",
                                     NULL};
  int rc = check_map(L, root, "Fragebogen", keys);
  if (!rc) rc = get_text(L, root, "version", 0, &q->version);
  if (!rc) rc = get_text(L, root, "title", 0, &q->title);
  const yn_t *s = map_get(root, "sections");
  if (!rc && !s) rc = fail_node(L, root, "Schlüssel 'sections' fehlt");
  if (!rc) rc = parse_sections(L, q, s);
  if (!rc) rc = parse_all_effects(L, q, s);
  const yn_t *a = map_get(root, "always");
  if (!rc && a) rc = parse_effects(L, q, a, &q->always);
  return rc;
}

int gov_questionnaire_parse(const char *text, size_t len, const char *name,
                            gov_questionnaire_t **out, lotse_err_t *err) {
  *out = NULL;
  loader_t L = {name ? name : "Fragebogen", err, 0};
  if (!text) return lotse_err_set(err, LOTSE_EINVAL, "no questionnaire text");
  if (len > QN_MAX_BYTES)
    return lotse_err_set(err, LOTSE_ETOOBIG, "%s: Datei zu groß", L.name);
  if (!lotse_utf8_valid(text, len))
    return lotse_err_set(err, LOTSE_ECORRUPT, "%s: kein gültiges UTF-8",
                         L.name);
  yn_t *root = NULL;
  int rc = yaml_tree(&L, text, len, &root);
  if (rc) return rc;
  gov_questionnaire_t *q = calloc(1, sizeof *q);
  if (!q) rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) rc = parse_root(&L, q, root);
  yn_free(root);
  if (rc) {
    gov_questionnaire_free(q);
    return rc;
  }
  lotse_sha256_hex(text, len, q->sha256);
  *out = q;
  return 0;
}

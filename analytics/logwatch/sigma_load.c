/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/sigma_load.c — Sigma YAML (libyaml document API) to
 * sg_rule: metadata, logsource, selections, condition; the field-name
 * table; loading files and directory trees; the rule set's lifetime.
 *
 * Contract: a rule is either fully compiled and appended to s->rule, or
 * recorded in s->skip with the reason; a failed rule leaves no partial
 * state behind (its memory is released before recording the skip).
 * Event field names are mapped to these ids in sigma_match.c (field_id:
 * full name, aliases such as Event.System.Provider.Name → Provider_Name,
 * leaf name).
 */
#include "analytics/logwatch/sigma_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SG_RULE_MAX_BYTES (4u << 20)

/* ---------------------------------------------------------- field names */

static uint32_t hash(const char *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)p[i]) * 16777619u;
  return h;
}

int sg_names_find(const sg_names *t, const char *name, size_t len) {
  if (!t->tcap) return -1;
  size_t m = t->tcap - 1;
  for (size_t i = hash(name, len) & m;; i = (i + 1) & m) {
    int32_t id = t->tab[i];
    if (id < 0) return -1;
    const char *s = t->name[id];
    if (strncmp(s, name, len) == 0 && s[len] == 0) return id;
  }
}

static int rehash(sg_names *t, size_t cap) {
  int32_t *tab = malloc(cap * sizeof *tab);
  if (!tab) return LOTSE_ENOMEM;
  for (size_t i = 0; i < cap; i++) tab[i] = -1;
  free(t->tab);
  t->tab = tab, t->tcap = cap;
  return 0;
}

static int tab_put(sg_names *t, const char *name, size_t len, int id) {
  if ((t->n + 1) * 2 > t->tcap) {
    int rc = rehash(t, t->tcap ? t->tcap * 2 : 256);
    if (rc) return rc;
    /* re-insert every name already interned */
    for (size_t k = 0; k < t->n; k++) {
      size_t m = t->tcap - 1, i = hash(t->name[k], strlen(t->name[k])) & m;
      while (t->tab[i] >= 0) i = (i + 1) & m;
      t->tab[i] = (int32_t)k;
    }
  }
  size_t m = t->tcap - 1, i = hash(name, len) & m;
  while (t->tab[i] >= 0) i = (i + 1) & m;
  t->tab[i] = id;
  return 0;
}

int sg_names_intern(sg_names *t, const char *name, size_t len, int *id) {
  int f = sg_names_find(t, name, len);
  if (f >= 0) {
    *id = f;
    return 0;
  }
  if (t->n == t->cap) {
    size_t c = t->cap ? t->cap * 2 : 64;
    char **q = realloc(t->name, c * sizeof *q);
    if (!q) return LOTSE_ENOMEM;
    t->name = q, t->cap = c;
  }
  char *copy = lotse_strndup(name, len);
  if (!copy) return LOTSE_ENOMEM;
  t->name[t->n] = copy;
  int rc = tab_put(t, name, len, (int)t->n);
  if (rc) {
    free(copy);
    return rc;
  }
  *id = (int)t->n++;
  return 0;
}

void sg_names_release(sg_names *t) {
  for (size_t i = 0; i < t->n; i++) free(t->name[i]);
  free(t->name), free(t->tab);
  memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ rule set */

lw_sigma *lw_sigma_new(void) {
  lw_sigma *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->prefilter = 1;
  int rc = sg_names_intern(&s->names, "Channel", 7, &s->f_channel);
  if (!rc) rc = sg_names_intern(&s->names, "EventID", 7, &s->f_eventid);
  if (!rc) rc = sg_names_intern(&s->names, "EventType", 9, &s->f_eventtype);
  if (!rc) rc = sg_names_intern(&s->names, "program", 7, &s->f_program);
  if (!rc) rc = sg_names_intern(&s->names, "type", 4, &s->f_type);
  if (rc) {
    lw_sigma_free(s);
    return NULL;
  }
  return s;
}

static void rule_release(sg_rule *r) {
  free(r->id), free(r->title), free(r->level), free(r->path);
  for (size_t i = 0; i < r->nsel; i++) {
    sg_sel *sel = &r->sel[i];
    for (size_t j = 0; j < sel->nm; j++) {
      for (size_t k = 0; k < sel->m[j].nt; k++) {
        sg_test *t = &sel->m[j].t[k];
        for (size_t v = 0; v < t->nv; v++) sg_value_release(&t->v[v]);
        free(t->v);
      }
      free(sel->m[j].t);
    }
    free(sel->m), free(sel->name);
  }
  free(r->sel), free(r->node);
  memset(r, 0, sizeof *r);
}

void lw_sigma_free(lw_sigma *s) {
  if (!s) return;
  for (size_t i = 0; i < s->nrule; i++) rule_release(&s->rule[i]);
  for (size_t i = 0; i < s->nskip; i++) {
    sg_skip *k = &s->skip[i];
    free(k->path), free(k->id), free(k->title), free(k->reason);
  }
  for (size_t i = 0; i < s->nls; i++) free(s->ls[i].key);
  for (size_t i = 0; i < s->nneedle; i++) free(s->needle_rules[i]);
  free(s->needle_rules), free(s->needle_nrules), free(s->always);
  lw_aho_free(s->ac);
  sg_names_release(&s->names);
  free(s->rule), free(s->skip), free(s->ls);
  free(s);
}

void lw_sigma_set_prefilter(lw_sigma *s, int on) { s->prefilter = on; }
size_t lw_sigma_rule_count(const lw_sigma *s) { return s->nrule; }
size_t lw_sigma_unsupported_count(const lw_sigma *s) { return s->nskip; }

lw_sigma_rule_info lw_sigma_rule(const lw_sigma *s, size_t i) {
  const sg_rule *r = &s->rule[i];
  return (lw_sigma_rule_info){r->id, r->title, r->level, r->path};
}

lw_sigma_skip lw_sigma_unsupported(const lw_sigma *s, size_t i) {
  const sg_skip *k = &s->skip[i];
  return (lw_sigma_skip){k->path, k->id, k->title, k->reason};
}

long lw_sigma_find(const lw_sigma *s, const char *id) {
  for (size_t i = 0; i < s->nrule; i++)
    if (!strcmp(s->rule[i].id, id)) return (long)i;
  return -1;
}

/* ---------------------------------------------------------------- YAML */

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *m,
                            const char *key) {
  if (!m || m->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
       p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(d, p->key);
    if (k && k->type == YAML_SCALAR_NODE &&
        !strcmp((const char *)k->data.scalar.value, key))
      return yaml_document_get_node(d, p->value);
  }
  return NULL;
}

static const char *scalar(yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
                                          : NULL;
}

static int add_skip(lw_sigma *s, const char *path, const char *id,
                    const char *title, const char *reason) {
  if (s->nskip == s->kcap) {
    size_t c = s->kcap ? s->kcap * 2 : 64;
    sg_skip *q = realloc(s->skip, c * sizeof *q);
    if (!q) return LOTSE_ENOMEM;
    s->skip = q, s->kcap = c;
  }
  sg_skip *k = &s->skip[s->nskip];
  k->path = lotse_strdup(path ? path : "");
  k->id = lotse_strdup(id ? id : "");
  k->title = lotse_strdup(title ? title : "");
  k->reason = lotse_strdup(reason);
  if (!k->path || !k->id || !k->title || !k->reason) {
    free(k->path), free(k->id), free(k->title), free(k->reason);
    return LOTSE_ENOMEM;
  }
  s->nskip++;
  return 1;
}

/* One map (AND of tests) from a YAML mapping. */
static int compile_map(lw_sigma *s, yaml_document_t *d, yaml_node_t *n,
                       sg_map *m, char *msg, size_t msgcap) {
  size_t np = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
  m->t = calloc(np ? np : 1, sizeof *m->t);
  if (!m->t) return LOTSE_ENOMEM;
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top; p++) {
    const char *key = scalar(yaml_document_get_node(d, p->key));
    if (!key) {
      snprintf(msg, msgcap, "selection key is not a string");
      return 1;
    }
    int rc = sg_values_compile(s, key, d, yaml_document_get_node(d, p->value),
                               &m->t[m->nt], msg, msgcap);
    if (rc) {
      for (size_t v = 0; v < m->t[m->nt].nv; v++)
        sg_value_release(&m->t[m->nt].v[v]);
      free(m->t[m->nt].v);
      return rc;
    }
    m->nt++;
  }
  if (m->nt == 0) {
    snprintf(msg, msgcap, "empty selection");
    return 1;
  }
  return 0;
}

static int push_map(sg_sel *sel, sg_map **out) {
  sg_map *q = realloc(sel->m, (sel->nm + 1) * sizeof *q);
  if (!q) return LOTSE_ENOMEM;
  sel->m = q;
  memset(&q[sel->nm], 0, sizeof *q);
  *out = &q[sel->nm++];
  return 0;
}

/* A selection: a map, a list of maps, or a list of keywords. */
static int compile_sel(lw_sigma *s, yaml_document_t *d, yaml_node_t *n,
                       sg_sel *sel, char *msg, size_t msgcap) {
  sg_map *m;
  int rc = 0;
  if (n->type == YAML_MAPPING_NODE) {
    rc = push_map(sel, &m);
    return rc ? rc : compile_map(s, d, n, m, msg, msgcap);
  }
  /* keywords (a scalar or the scalars of a list) form one test; maps in
   * a list are alternatives */
  sg_test kw = {-1, 0, NULL, 0};
  yaml_node_item_t one_item = 0, *start, *top;
  if (n->type == YAML_SCALAR_NODE) {
    one_item = (yaml_node_item_t)(n - d->nodes.start + 1);
    start = &one_item, top = &one_item + 1;
  } else {
    start = n->data.sequence.items.start, top = n->data.sequence.items.top;
  }
  for (yaml_node_item_t *it = start; !rc && it < top; it++) {
    yaml_node_t *c = yaml_document_get_node(d, *it);
    if (!c) continue;
    if (c->type == YAML_MAPPING_NODE) {
      rc = push_map(sel, &m);
      if (!rc) rc = compile_map(s, d, c, m, msg, msgcap);
    } else if (c->type == YAML_SCALAR_NODE) {
      sg_test one;
      rc = sg_values_compile(s, NULL, d, c, &one, msg, msgcap);
      sg_value *q = rc ? NULL : realloc(kw.v, (kw.nv + one.nv) * sizeof *q);
      if (!rc && !q) rc = LOTSE_ENOMEM;
      if (!rc) {
        memcpy(q + kw.nv, one.v, one.nv * sizeof *q);
        kw.v = q, kw.nv += one.nv;
        free(one.v);
      } else {
        for (size_t v = 0; v < one.nv; v++) sg_value_release(&one.v[v]);
        free(one.v);
      }
    } else {
      snprintf(msg, msgcap, "nested list in a selection");
      rc = 1;
    }
  }
  if (!rc && kw.nv) {
    rc = push_map(sel, &m);
    if (!rc && !(m->t = malloc(sizeof *m->t))) rc = LOTSE_ENOMEM;
    if (!rc) m->t[0] = kw, m->nt = 1, kw.v = NULL, kw.nv = 0;
  }
  for (size_t v = 0; v < kw.nv; v++) sg_value_release(&kw.v[v]);
  free(kw.v);
  if (!rc && sel->nm == 0) {
    snprintf(msg, msgcap, "empty selection");
    rc = 1;
  }
  return rc;
}

static int compile_detection(lw_sigma *s, yaml_document_t *d, yaml_node_t *det,
                             sg_rule *r, char *msg, size_t msgcap) {
  size_t np = (size_t)(det->data.mapping.pairs.top - det->data.mapping.pairs.start);
  r->sel = calloc(np ? np : 1, sizeof *r->sel);
  if (!r->sel) return LOTSE_ENOMEM;
  yaml_node_t *cond = NULL;
  for (yaml_node_pair_t *p = det->data.mapping.pairs.start;
       p < det->data.mapping.pairs.top; p++) {
    const char *key = scalar(yaml_document_get_node(d, p->key));
    yaml_node_t *v = yaml_document_get_node(d, p->value);
    if (!key || !v) continue;
    if (!strcmp(key, "condition")) {
      cond = v;
      continue;
    }
    if (!strcmp(key, "timeframe")) continue;
    sg_sel *sel = &r->sel[r->nsel++];
    sel->name = lotse_strdup(key);
    if (!sel->name) return LOTSE_ENOMEM;
    int rc = compile_sel(s, d, v, sel, msg, msgcap);
    if (rc) return rc;
  }
  if (!cond) {
    snprintf(msg, msgcap, "detection without condition");
    return 1;
  }
  r->root = UINT32_MAX;
  if (cond->type == YAML_SCALAR_NODE)
    return sg_cond_compile(r, scalar(cond), msg, msgcap);
  if (cond->type != YAML_SEQUENCE_NODE) {
    snprintf(msg, msgcap, "condition is a map");
    return 1;
  }
  for (yaml_node_item_t *it = cond->data.sequence.items.start;
       it < cond->data.sequence.items.top; it++) {
    const char *c = scalar(yaml_document_get_node(d, *it));
    if (!c) {
      snprintf(msg, msgcap, "condition list with a non-string");
      return 1;
    }
    int rc = sg_cond_compile(r, c, msg, msgcap);
    if (rc) return rc;
  }
  return r->root == UINT32_MAX ? (snprintf(msg, msgcap, "empty condition"), 1) : 0;
}

static int compile_doc(lw_sigma *s, yaml_document_t *d, const char *origin,
                       sg_rule *r, char *msg, size_t msgcap) {
  yaml_node_t *root = yaml_document_get_root_node(d);
  if (!root || root->type != YAML_MAPPING_NODE) {
    snprintf(msg, msgcap, "not a YAML map");
    return 1;
  }
  const char *id = scalar(map_get(d, root, "id"));
  const char *title = scalar(map_get(d, root, "title"));
  const char *level = scalar(map_get(d, root, "level"));
  r->id = lotse_strdup(id ? id : "");
  r->title = lotse_strdup(title ? title : "");
  r->level = lotse_strdup(level ? level : "");
  r->path = lotse_strdup(origin ? origin : "");
  if (!r->id || !r->title || !r->level || !r->path) return LOTSE_ENOMEM;
  if (map_get(d, root, "correlation")) {
    snprintf(msg, msgcap, "correlation rule not supported");
    return 1;
  }
  yaml_node_t *ls = map_get(d, root, "logsource");
  yaml_node_t *det = map_get(d, root, "detection");
  if (!det || det->type != YAML_MAPPING_NODE) {
    snprintf(msg, msgcap, "no detection section");
    return 1;
  }
  int rc = sg_ls_resolve(s, scalar(map_get(d, ls, "product")),
                         scalar(map_get(d, ls, "category")),
                         scalar(map_get(d, ls, "service")), &r->ls, msg, msgcap);
  if (rc) return rc;
  return compile_detection(s, d, det, r, msg, msgcap);
}

int lw_sigma_load_text(lw_sigma *s, const char *text, size_t len,
                       const char *origin, lotse_err_t *err) {
  if (s->compiled)
    return lotse_err_set(err, LOTSE_EINVAL, "rules already compiled");
  yaml_parser_t p;
  yaml_document_t d, d2;
  char msg[300] = "";
  sg_rule r;
  memset(&r, 0, sizeof r);
  if (!yaml_parser_initialize(&p)) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
  int rc;
  if (!yaml_parser_load(&p, &d)) {
    snprintf(msg, sizeof msg, "YAML error at line %lu: %s",
             (unsigned long)p.problem_mark.line + 1,
             p.problem ? p.problem : "?");
    yaml_parser_delete(&p);
    return add_skip(s, origin, NULL, NULL, msg);
  }
  rc = compile_doc(s, &d, origin, &r, msg, sizeof msg);
  if (!rc && yaml_parser_load(&p, &d2)) {
    if (yaml_document_get_root_node(&d2)) {
      snprintf(msg, sizeof msg, "multi-document rule not supported");
      rc = 1;
    }
    yaml_document_delete(&d2);
  }
  yaml_document_delete(&d);
  yaml_parser_delete(&p);
  if (rc == 0 && s->nrule == s->rcap) {
    size_t c = s->rcap ? s->rcap * 2 : 256;
    sg_rule *q = realloc(s->rule, c * sizeof *q);
    if (!q) rc = LOTSE_ENOMEM;
    else s->rule = q, s->rcap = c;
  }
  if (rc == 0) {
    s->rule[s->nrule++] = r;
    return 0;
  }
  if (rc < 0) {
    rule_release(&r);
    return lotse_err_set(err, rc, "out of memory loading '%s'", origin);
  }
  int k = add_skip(s, origin, r.id, r.title, msg);
  rule_release(&r);
  return k;
}

/* in_dir: a file found below a directory that cannot be read is recorded
 * as unsupported (with the reason) instead of failing the whole load. */
static int load_file(lw_sigma *s, const char *path, int in_dir,
                     lotse_err_t *err) {
  char *data;
  size_t len;
  int rc = lotse_file_read(path, SG_RULE_MAX_BYTES, &data, &len, err);
  if (rc && in_dir && rc != LOTSE_ENOMEM) {
    char msg[LOTSE_ERR_MSG_MAX + 16];
    snprintf(msg, sizeof msg, "unreadable: %s", err && err->msg[0] ? err->msg : "?");
    if (err) lotse_err_clear(err);
    rc = add_skip(s, path, NULL, NULL, msg);
    return rc < 0 ? lotse_err_set(err, rc, "out of memory") : 0;
  }
  if (rc) return rc;
  rc = lw_sigma_load_text(s, data, len, path, err);
  free(data);
  return rc < 0 ? rc : 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(lw_sigma *s, const char *dir, int depth, lotse_err_t *err) {
  if (depth > 32) return lotse_err_set(err, LOTSE_ELIMIT, "directories nested too deeply below '%s'", dir);
  DIR *dh = opendir(dir);
  if (!dh) return lotse_err_set(err, LOTSE_EIO, "unable to open '%s'", dir);
  lotse_strv_t names = {0};
  struct dirent *de;
  int rc = 0;
  while (!rc && (de = readdir(dh)))
    if (de->d_name[0] != '.') rc = lotse_strv_push(&names, de->d_name);
  closedir(dh);
  if (rc) return lotse_err_set(err, rc, "out of memory");
  qsort(names.v, names.n, sizeof *names.v, cmp_str);
  for (size_t i = 0; !rc && i < names.n; i++) {
    char *p = NULL;
    if (asprintf(&p, "%s/%s", dir, names.v[i]) < 0) {
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
      break;
    }
    const char *ext = lotse_path_ext(p);
    if (lotse_path_is_dir(p)) rc = load_dir(s, p, depth + 1, err);
    else if (!strcmp(ext, ".yml") || !strcmp(ext, ".yaml")) rc = load_file(s, p, 1, err);
    free(p);
  }
  lotse_strv_release(&names);
  return rc;
}

int lw_sigma_load_path(lw_sigma *s, const char *path, lotse_err_t *err) {
  if (s->compiled)
    return lotse_err_set(err, LOTSE_EINVAL, "rules already compiled");
  struct stat st;
  if (stat(path, &st) != 0)
    return lotse_err_set(err, LOTSE_ENOTFOUND, "no such file or directory '%s'", path);
  return S_ISDIR(st.st_mode) ? load_dir(s, path, 0, err) : load_file(s, path, 0, err);
}

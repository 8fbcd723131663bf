/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/portfolio.c — loader and validator of the county's AI portfolio
 * (gov/portfolio/projekte.yaml) and the vocabularies of KPI definitions.
 *
 * Contract: gov_portfolio_parse() either returns a complete, validated
 * portfolio or LOTSE_EINVAL/LOTSE_ECORRUPT naming file, line and column of
 * the first problem; nothing half-built escapes. Lookups are by value
 * (number, id), so the YAML order is the display order.
 * See also: gov/kpi.h (schema and rules), docs/cli/portfolio.md.
 */
#include "gov/kpi.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

/* ------------------------------------------------------------ vocabularies */

static const char *const UNIT_NAMES[GOV_UNIT_COUNT] = {
    "anzahl",        "anteil",        "verhaeltnis", "dauer_ms",
    "dauer_minuten", "dauer_stunden", "dauer_tage",  "skala",
    "meilenstein"};
static const char *const UNIT_LABELS[GOV_UNIT_COUNT] = {
    "Anzahl",  "Anteil (%)", "Verhältnis", "Millisekunden",
    "Minuten", "Stunden",    "Tage",       "Skala 1–5",
    "Meilenstein"};
static const char *const DIR_NAMES[GOV_DIR_COUNT] = {"hoch", "niedrig",
                                                      "erreicht"};
static const char *const DIR_LABELS[GOV_DIR_COUNT] = {
    "mehr ist besser", "weniger ist besser", "erreicht / nicht erreicht"};
static const char *const SOURCE_NAMES[GOV_SOURCE_COUNT] = {
    "lotse", "erhebung", "befragung", "fachverfahren"};
static const char *const SOURCE_LABELS[GOV_SOURCE_COUNT] = {
    "lotse (automatisch)", "eigene Erhebung", "Befragung", "Fachverfahren"};

static const struct {
  const char *name;
  gov_kpi_unit_t unit;
  int per_app;
} METRICS[GOV_METRIC_COUNT] = {
    {"users", GOV_UNIT_ANZAHL, 1},
    {"calls", GOV_UNIT_ANZAHL, 1},
    {"refusals", GOV_UNIT_ANZAHL, 1},
    {"signoff_rate", GOV_UNIT_ANTEIL, 1},
    {"latency_median_ms", GOV_UNIT_DAUER_MS, 1},
    {"apps_total", GOV_UNIT_ANZAHL, 0},
    {"apps_approved", GOV_UNIT_ANZAHL, 0},
    {"apps_approved_share", GOV_UNIT_ANTEIL, 0},
};

#define NAME_AT(tab, n, i) ((int)(i) >= 0 && (int)(i) < (n) ? (tab)[i] : NULL)

const char *gov_kpi_unit_name(gov_kpi_unit_t u) {
  return NAME_AT(UNIT_NAMES, GOV_UNIT_COUNT, u);
}
const char *gov_kpi_unit_label(gov_kpi_unit_t u) {
  return NAME_AT(UNIT_LABELS, GOV_UNIT_COUNT, u);
}
const char *gov_kpi_direction_name(gov_kpi_direction_t d) {
  return NAME_AT(DIR_NAMES, GOV_DIR_COUNT, d);
}
const char *gov_kpi_direction_label(gov_kpi_direction_t d) {
  return NAME_AT(DIR_LABELS, GOV_DIR_COUNT, d);
}
const char *gov_kpi_source_name(gov_kpi_source_t s) {
  return NAME_AT(SOURCE_NAMES, GOV_SOURCE_COUNT, s);
}
const char *gov_kpi_source_label(gov_kpi_source_t s) {
  return NAME_AT(SOURCE_LABELS, GOV_SOURCE_COUNT, s);
}
const char *gov_metric_name(gov_metric_t m) {
  return (int)m >= 0 && m < GOV_METRIC_COUNT ? METRICS[m].name : NULL;
}
gov_kpi_unit_t gov_metric_unit(gov_metric_t m) {
  return (int)m >= 0 && m < GOV_METRIC_COUNT ? METRICS[m].unit
                                             : GOV_UNIT_COUNT;
}
int gov_metric_per_app(gov_metric_t m) {
  return (int)m >= 0 && m < GOV_METRIC_COUNT && METRICS[m].per_app;
}

/* ------------------------------------------------------------- YAML access */

typedef struct yctx {
  yaml_document_t *doc;
  const char *name;
  lotse_err_t *err;
} yctx_t;

static int yerr(yctx_t *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int yerr(yctx_t *c, const yaml_node_t *n, const char *fmt, ...) {
  char msg[LOTSE_ERR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return lotse_err_set(c->err, LOTSE_EINVAL, "%s:%zu:%zu: %s", c->name,
                       n ? n->start_mark.line + 1 : 0,
                       n ? n->start_mark.column + 1 : 0, msg);
}

static yaml_node_t *ynode(yctx_t *c, int idx) {
  return yaml_document_get_node(c->doc, idx);
}

/* Match the keys of a mapping against keys[] (NULL-terminated); vals[i]
 * gets the value node of keys[i] or NULL. Unknown and repeated keys are
 * errors; so are missing keys whose bit is set in required. */
static int map_fields(yctx_t *c, yaml_node_t *n, const char *what,
                      const char *const *keys, unsigned required,
                      yaml_node_t **vals) {
  if (!n || n->type != YAML_MAPPING_NODE)
    return yerr(c, n, "%s: Zuordnung (Schlüssel: Wert) erwartet", what);
  size_t nk = 0;
  while (keys[nk]) vals[nk++] = NULL;
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = ynode(c, p->key);
    if (!k || k->type != YAML_SCALAR_NODE)
      return yerr(c, k, "%s: Schlüssel muss ein Text sein", what);
    const char *key = (const char *)k->data.scalar.value;
    size_t i = 0;
    while (i < nk && strcmp(keys[i], key)) i++;
    if (i == nk) return yerr(c, k, "%s: unbekannter Schlüssel '%s'", what, key);
    if (vals[i]) return yerr(c, k, "%s: Schlüssel '%s' doppelt", what, key);
    vals[i] = ynode(c, p->value);
  }
  for (size_t i = 0; i < nk; i++)
    if ((required & (1u << i)) && !vals[i])
      return yerr(c, n, "%s: Pflichtschlüssel '%s' fehlt", what, keys[i]);
  return 0;
}

static int get_str(yctx_t *c, yaml_node_t *n, const char *what, char **out) {
  if (!n || n->type != YAML_SCALAR_NODE)
    return yerr(c, n, "%s: Text erwartet", what);
  char *s = lotse_strdup((const char *)n->data.scalar.value);
  if (!s) return lotse_err_set(c->err, LOTSE_ENOMEM, "out of memory");
  lotse_str_squeeze(s); /* folded YAML blocks may leave a trailing space */
  if (!*s) {
    free(s);
    return yerr(c, n, "%s: darf nicht leer sein", what);
  }
  if (!lotse_utf8_valid(s, strlen(s))) {
    free(s);
    return yerr(c, n, "%s: kein gültiges UTF-8", what);
  }
  *out = s;
  return 0;
}

static int get_int(yctx_t *c, yaml_node_t *n, const char *what, int lo, int hi,
                   int *out) {
  if (!n || n->type != YAML_SCALAR_NODE)
    return yerr(c, n, "%s: Zahl erwartet", what);
  const char *s = (const char *)n->data.scalar.value;
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < lo || v > hi)
    return yerr(c, n, "%s: ganze Zahl von %d bis %d erwartet, nicht '%s'", what,
                lo, hi, s);
  *out = (int)v;
  return 0;
}

/* A scalar that must be one of names[0..n). */
static int get_enum(yctx_t *c, yaml_node_t *n, const char *what,
                    const char *const *names, int count, int *out) {
  if (!n || n->type != YAML_SCALAR_NODE)
    return yerr(c, n, "%s: Text erwartet", what);
  const char *s = (const char *)n->data.scalar.value;
  for (int i = 0; i < count; i++)
    if (!strcmp(s, names[i])) {
      *out = i;
      return 0;
    }
  char allowed[256] = "";
  for (int i = 0; i < count; i++) {
    size_t l = strlen(allowed);
    snprintf(allowed + l, sizeof allowed - l, "%s%s", i ? ", " : "", names[i]);
  }
  return yerr(c, n, "%s: unbekannter Wert '%s' (erlaubt: %s)", what, s,
              allowed);
}

/* Ids are slugs: lower-case ASCII letters, digits and '_'. */
static int get_slug(yctx_t *c, yaml_node_t *n, const char *what, char **out) {
  int rc = get_str(c, n, what, out);
  if (rc) return rc;
  for (const char *p = *out; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
          *p == '-')) {
      free(*out);
      *out = NULL;
      return yerr(c, n, "%s: nur a-z, 0-9, '_' und '-' erlaubt", what);
    }
  return 0;
}

static int get_seq(yctx_t *c, yaml_node_t *n, const char *what,
                   yaml_node_item_t **items, size_t *count) {
  if (!n || n->type != YAML_SEQUENCE_NODE)
    return yerr(c, n, "%s: Liste erwartet", what);
  *items = n->data.sequence.items.start;
  *count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
  if (*count == 0) return yerr(c, n, "%s: Liste ist leer", what);
  return 0;
}

/* ------------------------------------------------------------- the schema */

static void kpi_release(gov_kpi_def_t *k) {
  free(k->id);
  free(k->name);
  free(k->app);
}

static void project_release(gov_project_t *p) {
  free(p->title);
  free(p->summary);
  for (size_t i = 0; i < p->nkpis; i++) kpi_release(&p->kpis[i]);
  free(p->kpis);
}

void gov_portfolio_free(gov_portfolio_t *p) {
  if (!p) return;
  for (size_t i = 0; i < p->nfocus; i++) {
    free(p->focus_areas[i].id);
    free(p->focus_areas[i].name);
  }
  for (size_t i = 0; i < p->npriorities; i++) {
    free(p->priorities[i].name);
    free(p->priorities[i].time_frame);
  }
  for (size_t i = 0; i < p->nprojects; i++) project_release(&p->projects[i]);
  free(p->focus_areas);
  free(p->priorities);
  free(p->projects);
  free(p);
}

/* The rules that tie unit, direction, source, metric and app together. */
static int kpi_check(yctx_t *c, yaml_node_t *n, const gov_kpi_def_t *k,
                     int has_metric) {
  if ((k->unit == GOV_UNIT_MEILENSTEIN) != (k->direction == GOV_DIR_ERREICHT))
    return yerr(c, n, "Kennzahl '%s': Richtung 'erreicht' gehört genau zur "
                "Einheit 'meilenstein'", k->id);
  if (k->source == GOV_SOURCE_LOTSE && !has_metric)
    return yerr(c, n, "Kennzahl '%s': Quelle 'lotse' braucht 'metric'", k->id);
  if (k->source != GOV_SOURCE_LOTSE && (has_metric || k->app))
    return yerr(c, n, "Kennzahl '%s': 'metric' und 'app' nur mit Quelle "
                "'lotse'", k->id);
  if (k->source == GOV_SOURCE_BEFRAGUNG && k->unit != GOV_UNIT_SKALA &&
      k->unit != GOV_UNIT_ANTEIL)
    return yerr(c, n, "Kennzahl '%s': eine Befragung misst 'skala' oder "
                "'anteil'", k->id);
  if (!has_metric) return 0;
  if (gov_metric_unit(k->metric) != k->unit)
    return yerr(c, n, "Kennzahl '%s': Messgröße '%s' hat die Einheit '%s', "
                "nicht '%s'", k->id, gov_metric_name(k->metric),
                gov_kpi_unit_name(gov_metric_unit(k->metric)),
                gov_kpi_unit_name(k->unit));
  if (k->app && !gov_metric_per_app(k->metric))
    return yerr(c, n, "Kennzahl '%s': Messgröße '%s' gilt für das ganze "
                "Register, nicht für eine Anwendung", k->id,
                gov_metric_name(k->metric));
  return 0;
}

static int parse_kpi(yctx_t *c, yaml_node_t *n, gov_kpi_def_t *k) {
  static const char *const keys[] = {"id",     "name",   "unit", "direction",
                                     "source", "metric", "app",  NULL};
  yaml_node_t *v[7];
  int rc = map_fields(c, n, "Kennzahl", keys, 0x1f, v);
  int unit = 0, dir = 0, src = 0, metric = GOV_METRIC_NONE;
  k->metric = GOV_METRIC_NONE;
  if (!rc) rc = get_slug(c, v[0], "Kennzahl: id", &k->id);
  if (!rc) rc = get_str(c, v[1], "Kennzahl: name", &k->name);
  if (!rc) rc = get_enum(c, v[2], "Kennzahl: unit", UNIT_NAMES, GOV_UNIT_COUNT,
                         &unit);
  if (!rc) rc = get_enum(c, v[3], "Kennzahl: direction", DIR_NAMES,
                         GOV_DIR_COUNT, &dir);
  if (!rc) rc = get_enum(c, v[4], "Kennzahl: source", SOURCE_NAMES,
                         GOV_SOURCE_COUNT, &src);
  if (!rc && v[5]) {
    const char *names[GOV_METRIC_COUNT];
    for (int i = 0; i < GOV_METRIC_COUNT; i++) names[i] = METRICS[i].name;
    rc = get_enum(c, v[5], "Kennzahl: metric", names, GOV_METRIC_COUNT,
                  &metric);
  }
  if (!rc && v[6]) rc = get_slug(c, v[6], "Kennzahl: app", &k->app);
  if (rc) return rc;
  k->unit = (gov_kpi_unit_t)unit;
  k->direction = (gov_kpi_direction_t)dir;
  k->source = (gov_kpi_source_t)src;
  k->metric = (gov_metric_t)metric;
  return kpi_check(c, n, k, v[5] != NULL);
}

static int parse_kpis(yctx_t *c, yaml_node_t *n, gov_project_t *p) {
  yaml_node_item_t *items;
  size_t count;
  int rc = get_seq(c, n, "kpis", &items, &count);
  if (rc) return rc;
  p->kpis = calloc(count, sizeof *p->kpis);
  if (!p->kpis) return lotse_err_set(c->err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i < count; i++) {
    yaml_node_t *kn = ynode(c, items[i]);
    p->nkpis = i + 1; /* owns what parse_kpi filled, even on failure */
    if ((rc = parse_kpi(c, kn, &p->kpis[i]))) return rc;
    for (size_t j = 0; j < i; j++)
      if (!strcmp(p->kpis[j].id, p->kpis[i].id))
        return yerr(c, kn, "Projekt %d: Kennzahl-id '%s' doppelt", p->number,
                    p->kpis[i].id);
  }
  return 0;
}

static int parse_project(yctx_t *c, yaml_node_t *n, gov_portfolio_t *pf,
                         gov_project_t *p) {
  static const char *const keys[] = {"number",  "title", "priority", "focus",
                                     "summary", "kpis",  NULL};
  yaml_node_t *v[6];
  char *focus = NULL;
  int rc = map_fields(c, n, "Projekt", keys, 0x3f, v);
  if (!rc) rc = get_int(c, v[0], "Projekt: number", 1, 99, &p->number);
  if (!rc) rc = get_str(c, v[1], "Projekt: title", &p->title);
  if (!rc) rc = get_int(c, v[2], "Projekt: priority", 1, 9, &p->priority);
  if (!rc) rc = get_slug(c, v[3], "Projekt: focus", &focus);
  if (!rc) rc = get_str(c, v[4], "Projekt: summary", &p->summary);
  for (size_t i = 0; !rc && i < pf->npriorities && !p->prio; i++)
    if (pf->priorities[i].level == p->priority) p->prio = &pf->priorities[i];
  if (!rc && !p->prio)
    rc = yerr(c, v[2], "Projekt %d: Priorität %d ist unter 'priorities' "
              "nicht festgelegt", p->number, p->priority);
  for (size_t i = 0; !rc && i < pf->nfocus && !p->focus; i++)
    if (!strcmp(pf->focus_areas[i].id, focus)) p->focus = &pf->focus_areas[i];
  if (!rc && !p->focus)
    rc = yerr(c, v[3], "Projekt %d: Handlungsschwerpunkt '%s' ist unter "
              "'focus_areas' nicht festgelegt", p->number, focus);
  free(focus);
  if (!rc) rc = parse_kpis(c, v[5], p);
  return rc;
}

static int parse_focus(yctx_t *c, yaml_node_t *n, gov_portfolio_t *pf) {
  static const char *const keys[] = {"id", "name", NULL};
  yaml_node_item_t *items;
  size_t count;
  int rc = get_seq(c, n, "focus_areas", &items, &count);
  if (rc) return rc;
  pf->focus_areas = calloc(count, sizeof *pf->focus_areas);
  if (!pf->focus_areas) return lotse_err_set(c->err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i < count && !rc; i++) {
    yaml_node_t *fn = ynode(c, items[i]), *v[2];
    gov_focus_area_t *f = &pf->focus_areas[i];
    pf->nfocus = i + 1;
    rc = map_fields(c, fn, "Handlungsschwerpunkt", keys, 3, v);
    if (!rc) rc = get_slug(c, v[0], "Handlungsschwerpunkt: id", &f->id);
    if (!rc) rc = get_str(c, v[1], "Handlungsschwerpunkt: name", &f->name);
    for (size_t j = 0; !rc && j < i; j++)
      if (!strcmp(pf->focus_areas[j].id, f->id))
        rc = yerr(c, fn, "Handlungsschwerpunkt '%s' doppelt", f->id);
  }
  return rc;
}

static int parse_priorities(yctx_t *c, yaml_node_t *n, gov_portfolio_t *pf) {
  static const char *const keys[] = {"level", "name", "time_frame", NULL};
  yaml_node_item_t *items;
  size_t count;
  int rc = get_seq(c, n, "priorities", &items, &count);
  if (rc) return rc;
  pf->priorities = calloc(count, sizeof *pf->priorities);
  if (!pf->priorities) return lotse_err_set(c->err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i < count && !rc; i++) {
    yaml_node_t *pn = ynode(c, items[i]), *v[3];
    gov_priority_t *p = &pf->priorities[i];
    pf->npriorities = i + 1;
    rc = map_fields(c, pn, "Priorität", keys, 7, v);
    if (!rc) rc = get_int(c, v[0], "Priorität: level", 1, 9, &p->level);
    if (!rc) rc = get_str(c, v[1], "Priorität: name", &p->name);
    if (!rc) rc = get_str(c, v[2], "Priorität: time_frame", &p->time_frame);
    for (size_t j = 0; !rc && j < i; j++)
      if (pf->priorities[j].level == p->level)
        rc = yerr(c, pn, "Priorität %d doppelt", p->level);
  }
  return rc;
}

static int parse_projects(yctx_t *c, yaml_node_t *n, gov_portfolio_t *pf) {
  yaml_node_item_t *items;
  size_t count;
  int rc = get_seq(c, n, "projects", &items, &count);
  if (rc) return rc;
  pf->projects = calloc(count, sizeof *pf->projects);
  if (!pf->projects) return lotse_err_set(c->err, LOTSE_ENOMEM, "out of memory");
  for (size_t i = 0; i < count && !rc; i++) {
    yaml_node_t *pn = ynode(c, items[i]);
    pf->nprojects = i + 1;
    rc = parse_project(c, pn, pf, &pf->projects[i]);
    for (size_t j = 0; !rc && j < i; j++)
      if (pf->projects[j].number == pf->projects[i].number)
        rc = yerr(c, pn, "Projektnummer %d doppelt", pf->projects[i].number);
  }
  return rc;
}

static int parse_root(yctx_t *c, gov_portfolio_t *pf) {
  static const char *const keys[] = {"version", "focus_areas", "priorities",
                                     "projects", NULL};
  yaml_node_t *root = yaml_document_get_root_node(c->doc), *v[4];
  if (!root) return yerr(c, NULL, "die Datei ist leer");
  int rc = map_fields(c, root, "Portfolio", keys, 0xf, v);
  if (!rc) rc = get_int(c, v[0], "version", 1, 1, &pf->version);
  if (!rc) rc = parse_focus(c, v[1], pf);
  if (!rc) rc = parse_priorities(c, v[2], pf);
  if (!rc) rc = parse_projects(c, v[3], pf);
  return rc;
}

int gov_portfolio_parse(const char *yaml, size_t len, const char *name,
                        gov_portfolio_t **out, lotse_err_t *err) {
  *out = NULL;
  if (!name) name = "portfolio";
  yaml_parser_t parser;
  yaml_document_t doc;
  if (!yaml_parser_initialize(&parser))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
  if (!yaml_parser_load(&parser, &doc)) {
    int rc = lotse_err_set(err, LOTSE_EINVAL, "%s:%zu:%zu: YAML-Fehler: %s",
                           name, parser.problem_mark.line + 1,
                           parser.problem_mark.column + 1,
                           parser.problem ? parser.problem : "unbekannt");
    yaml_parser_delete(&parser);
    return rc;
  }
  gov_portfolio_t *pf = calloc(1, sizeof *pf);
  int rc = pf ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  yctx_t c = {&doc, name, err};
  if (!rc) rc = parse_root(&c, pf);
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  if (rc) {
    gov_portfolio_free(pf);
    return rc;
  }
  *out = pf;
  return 0;
}

/* ------------------------------------------------------------ file lookup */

static char *readable(const char *dir, const char *rel) {
  lotse_buf_t b;
  lotse_buf_init(&b, PATH_MAX);
  if (lotse_buf_printf(&b, "%s/%s", dir, rel) || access(b.data, R_OK)) {
    lotse_buf_release(&b);
    return NULL;
  }
  return lotse_buf_detach(&b);
}

char *gov_portfolio_path(void) {
  static const char REL[] = "gov/portfolio/projekte.yaml";
  const char *env = getenv("LOTSE_PORTFOLIO");
  if (env && *env) return lotse_strdup(env);
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    /* build/lotse, build-x/cli/…: the source tree is one or two levels up */
    for (int up = 0; up < 3; up++) {
      char *slash = strrchr(exe, '/');
      if (!slash) break;
      *slash = '\0';
      char *p = readable(*exe ? exe : "/", REL);
      if (p) return p;
    }
  }
  const char *src = getenv("LOTSE_SOURCE_DIR");
  if (src && *src) {
    char *p = readable(src, REL);
    if (p) return p;
  }
  return readable("/usr/share/lotse", "portfolio/projekte.yaml");
}

int gov_portfolio_load(const char *path, gov_portfolio_t **out,
                       lotse_err_t *err) {
  *out = NULL;
  char *found = path ? NULL : gov_portfolio_path();
  if (!path && !found)
    return lotse_err_set(err, LOTSE_ENOTFOUND, "Portfolio-Datei "
                         "gov/portfolio/projekte.yaml nicht gefunden "
                         "(LOTSE_PORTFOLIO setzen)");
  const char *p = path ? path : found;
  char *data;
  size_t len;
  int rc = lotse_file_read(p, 4u << 20, &data, &len, err);
  if (!rc) {
    rc = gov_portfolio_parse(data, len, lotse_path_base(p), out, err);
    free(data);
  }
  free(found);
  return rc;
}

const gov_project_t *gov_portfolio_find(const gov_portfolio_t *p, int number) {
  for (size_t i = 0; p && i < p->nprojects; i++)
    if (p->projects[i].number == number) return &p->projects[i];
  return NULL;
}

/* -------------------------------------------------------------------- JSON */

static json_t *kpi_json(const gov_kpi_def_t *k) {
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", k->id, "name",
                        k->name, "unit", gov_kpi_unit_name(k->unit),
                        "direction", gov_kpi_direction_name(k->direction),
                        "source", gov_kpi_source_name(k->source));
  if (o && k->metric != GOV_METRIC_NONE)
    json_object_set_new(o, "metric", json_string(gov_metric_name(k->metric)));
  if (o && k->app) json_object_set_new(o, "app", json_string(k->app));
  return o;
}

json_t *gov_project_json(const gov_project_t *pr) {
  json_t *kpis = json_array();
  for (size_t i = 0; kpis && i < pr->nkpis; i++)
    json_array_append_new(kpis, kpi_json(&pr->kpis[i]));
  return json_pack("{s:i, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:o*}", "number",
                   pr->number, "title", pr->title, "priority", pr->priority,
                   "priority_name", pr->prio->name, "time_frame",
                   pr->prio->time_frame, "focus", pr->focus->id, "focus_name",
                   pr->focus->name, "summary", pr->summary, "kpis", kpis);
}

json_t *gov_portfolio_json(const gov_portfolio_t *p) {
  json_t *projects = json_array();
  for (size_t i = 0; projects && i < p->nprojects; i++)
    json_array_append_new(projects, gov_project_json(&p->projects[i]));
  return json_pack("{s:i, s:o*}", "version", p->version, "projects", projects);
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * gov/kpi.h — the cockpit: the county's AI portfolio with its KPI
 * definitions (gov/portfolio.c), KPIs per application computed from the
 * audit trail (gov/kpi.c) and the export of the application registry in the
 * fields of the Dutch algorithm register (gov/algoreg.c).
 *
 * Portfolio: the strategy's 18 projects live in a YAML data file
 * (gov/portfolio/projekte.yaml, German, our own words). The loader checks the
 * schema strictly — unknown keys, duplicate numbers or ids, unknown focus
 * areas or priorities and malformed KPI definitions are LOTSE_EINVAL with
 * "file:line:column: message" — so a broken edit never yields a half
 * portfolio. A KPI definition is well-formed when unit, direction and source
 * are from the closed lists below, milestones (unit meilenstein) and only
 * they have direction erreicht, and a KPI with source "lotse" names a metric
 * the cockpit computes whose unit matches (users → anzahl …).
 *
 * Ownership: gov_portfolio_load() returns a portfolio the caller frees with
 * gov_portfolio_free(); JSON values returned are new references.
 */
#ifndef LOTSE_GOV_KPI_H
#define LOTSE_GOV_KPI_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* ------------------------------------------------------ closed vocabularies */

typedef enum {
  GOV_UNIT_ANZAHL,        /* a count */
  GOV_UNIT_ANTEIL,        /* a share, 0..1 (shown as per cent) */
  GOV_UNIT_VERHAELTNIS,   /* a ratio of two counts */
  GOV_UNIT_DAUER_MS,
  GOV_UNIT_DAUER_MINUTEN,
  GOV_UNIT_DAUER_STUNDEN,
  GOV_UNIT_DAUER_TAGE,
  GOV_UNIT_SKALA,         /* a rating 1..5 */
  GOV_UNIT_MEILENSTEIN,   /* reached or not */
  GOV_UNIT_COUNT
} gov_kpi_unit_t;

typedef enum {
  GOV_DIR_HOCH,     /* more is better */
  GOV_DIR_NIEDRIG,  /* less is better */
  GOV_DIR_ERREICHT, /* a milestone */
  GOV_DIR_COUNT
} gov_kpi_direction_t;

typedef enum {
  GOV_SOURCE_LOTSE,         /* computed by the cockpit (`lotse kpi`) */
  GOV_SOURCE_ERHEBUNG,      /* counted by staff */
  GOV_SOURCE_BEFRAGUNG,     /* a survey */
  GOV_SOURCE_FACHVERFAHREN, /* taken from another system */
  GOV_SOURCE_COUNT
} gov_kpi_source_t;

/* What the cockpit computes. Per application (from the audit trail):
 * users … latency_median_ms; over the registry: apps_*. */
typedef enum {
  GOV_METRIC_NONE = -1,
  GOV_METRIC_USERS = 0,
  GOV_METRIC_CALLS,
  GOV_METRIC_REFUSALS,
  GOV_METRIC_SIGNOFF_RATE,
  GOV_METRIC_LATENCY_MEDIAN_MS,
  GOV_METRIC_APPS_TOTAL,
  GOV_METRIC_APPS_APPROVED,
  GOV_METRIC_APPS_APPROVED_SHARE,
  GOV_METRIC_COUNT
} gov_metric_t;

/* Stable ids as written in the YAML ("anzahl", "hoch", "lotse", "users"),
 * NULL when out of range; German labels for tables. */
const char *gov_kpi_unit_name(gov_kpi_unit_t u);
const char *gov_kpi_unit_label(gov_kpi_unit_t u);
const char *gov_kpi_direction_name(gov_kpi_direction_t d);
const char *gov_kpi_direction_label(gov_kpi_direction_t d);
const char *gov_kpi_source_name(gov_kpi_source_t s);
const char *gov_kpi_source_label(gov_kpi_source_t s);
const char *gov_metric_name(gov_metric_t m);
gov_kpi_unit_t gov_metric_unit(gov_metric_t m);
int gov_metric_per_app(gov_metric_t m); /* 1: computed per application */

/* -------------------------------------------------- portfolio (portfolio.c) */

typedef struct gov_kpi_def {
  char *id;   /* slug, unique within its project */
  char *name; /* German */
  gov_kpi_unit_t unit;
  gov_kpi_direction_t direction;
  gov_kpi_source_t source;
  gov_metric_t metric; /* GOV_METRIC_NONE unless source is lotse */
  char *app;           /* application id for per-app metrics, or NULL */
} gov_kpi_def_t;

typedef struct gov_focus_area {
  char *id;
  char *name;
} gov_focus_area_t;

typedef struct gov_priority {
  int level; /* 1..4 */
  char *name;
  char *time_frame;
} gov_priority_t;

typedef struct gov_project {
  int number; /* 1..99, unique */
  char *title;
  int priority;                    /* a level of portfolio->priorities */
  const gov_priority_t *prio;      /* points into the portfolio */
  const gov_focus_area_t *focus;   /* points into the portfolio */
  char *summary;
  gov_kpi_def_t *kpis;
  size_t nkpis;
} gov_project_t;

typedef struct gov_portfolio {
  int version;
  gov_focus_area_t *focus_areas;
  size_t nfocus;
  gov_priority_t *priorities;
  size_t npriorities;
  gov_project_t *projects; /* in file order */
  size_t nprojects;
} gov_portfolio_t;

/* The data file to use: $LOTSE_PORTFOLIO, else gov/portfolio/projekte.yaml
 * found beside the running binary's source tree (the executable's
 * directory, its parent or grandparent), else $LOTSE_SOURCE_DIR/gov/…,
 * else /usr/share/lotse/portfolio/projekte.yaml. Caller frees; NULL when
 * none exists. */
char *gov_portfolio_path(void);

/* Load and validate a portfolio. path NULL: gov_portfolio_path(). */
int gov_portfolio_load(const char *path, gov_portfolio_t **out,
                       lotse_err_t *err);
/* The same from memory; name is used in error messages. */
int gov_portfolio_parse(const char *yaml, size_t len, const char *name,
                        gov_portfolio_t **out, lotse_err_t *err);
void gov_portfolio_free(gov_portfolio_t *p); /* NULL is a no-op */

const gov_project_t *gov_portfolio_find(const gov_portfolio_t *p, int number);

/* {"version":1,"projects":[{"number","title","priority","priority_name",
 *  "time_frame","focus","focus_name","summary","kpis":[{"id","name","unit",
 *  "direction","source","metric"?, "app"?}]}]} */
json_t *gov_portfolio_json(const gov_portfolio_t *p);
json_t *gov_project_json(const gov_project_t *pr);

/* ------------------------------------------------- KPIs from the audit (kpi.c) */

struct gov_audit;
struct store;

/* Refusals of one reason (gate reason code, e.g. "not_approved"). */
typedef struct gov_kpi_reason {
  char *code;
  int64_t count;
} gov_kpi_reason_t;

/* KPIs of one application over the time range. A call is an audit record
 * with a gate decision: allowed (the closed session) or refused (the gate
 * refused the whole call). A refusal record that lists sources is not a
 * call: the gate withheld those sources (class above the application's
 * clearance, hidden instructions) from an allowed call; they count in
 * sources_withheld. Records without a decision (sign-offs, registry
 * events) count nowhere. Unknown values: -1. */
typedef struct gov_kpi_app {
  char *app_id;             /* NULL for the total over all applications */
  int64_t users;            /* distinct actors with a gate decision */
  int64_t calls;            /* allowed + refusals */
  int64_t allowed;
  int64_t refusals;
  int64_t sources_withheld;  /* sources the gate kept from the model */
  gov_kpi_reason_t *reasons; /* most frequent first, then by code */
  size_t nreasons;
  int64_t drafts;           /* drafts created in the range; -1: no table */
  int64_t drafts_signed;    /* of those, signed off (status final) */
  double signoff_rate;      /* drafts_signed / drafts; -1 when unknown */
  double latency_median_ms; /* over allowed calls; -1 when there is none */
  int64_t first_ms, last_ms; /* time of the first/last call; 0 when none */
} gov_kpi_app_t;

typedef struct gov_kpi_report {
  int64_t since_ms, until_ms; /* the range asked for; 0: open */
  gov_kpi_app_t *apps;        /* sorted by app id */
  size_t napps;
  gov_kpi_app_t total;        /* over all applications in the range */
  int64_t apps_total;         /* applications in the register; -1 unknown */
  int64_t apps_approved;      /* freigegeben, not expired; -1 unknown */
} gov_kpi_report_t;

typedef struct gov_kpi_query {
  int64_t since_ms, until_ms; /* ts >= since, ts < until; 0: open */
  const char *app_id;         /* NULL: every application */
} gov_kpi_query_t;

/* Compute the KPIs from the audit trail a (read-only use) and, when st is
 * not NULL, the sign-off rate from its drafts table and the register
 * counts. An empty trail gives a report without applications. *out is
 * owned by the caller: gov_kpi_report_free(). */
int gov_kpi_compute(struct gov_audit *a, struct store *st,
                    const gov_kpi_query_t *q, gov_kpi_report_t **out,
                    lotse_err_t *err);
void gov_kpi_report_free(gov_kpi_report_t *r); /* NULL is a no-op */

/* The application's KPIs, or NULL when it had no call in the range. */
const gov_kpi_app_t *gov_kpi_report_app(const gov_kpi_report_t *r,
                                        const char *app_id);

/* The value of a metric (per-app metrics need app_id; NULL: the total).
 * 0 and *v set, or LOTSE_ENOTFOUND when the report cannot tell (no calls,
 * no drafts table, register unknown). */
int gov_kpi_metric_value(const gov_kpi_report_t *r, gov_metric_t m,
                         const char *app_id, double *v);

/* {"since":ISO|null,"until":ISO|null,"apps":[APP…],"total":APP,
 *  "registry":{"apps_total","apps_approved","apps_approved_share"}} with
 * APP = {"app","users","calls","allowed","refusals","refusals_by_reason":
 * {code:n},"sources_withheld","drafts","drafts_signed","signoff_rate",
 * "latency_median_ms","first","last"}; unknown values are null. */
json_t *gov_kpi_report_json(const gov_kpi_report_t *r);

/* A point in time for --since/--until: "2026-03-01" (UTC midnight),
 * "2026-03-01T08:30[:00][Z]", or relative to now_ms: "30d", "12h".
 * LOTSE_EINVAL with a German message otherwise. */
int gov_kpi_parse_time(const char *s, int64_t now_ms, int64_t *ms,
                       lotse_err_t *err);
/* "2026-03-01T08:30:00Z" into buf[21]. */
void gov_kpi_format_time(int64_t ms, char buf[21]);

/* ------------------------------------ algorithm register export (algoreg.c) */

/* The version of the Dutch Algoritmeregister publication standard whose
 * field names the export uses. */
#define GOV_ALGOREG_STANDARD "1.0.0"

typedef struct gov_algoreg_opts {
  const char *organisation; /* "organization" (the county) */
  const char *contact;      /* "contact_email": e-mail or https URL */
  const char *website;      /* "website": public page, or NULL */
  const char *provider;     /* NULL: "Eigenbetrieb (Plattform lotse)" */
  const char *app_id;       /* only this application (any status) */
  int include_drafts;       /* also applications in status entwurf */
  int64_t now;              /* unix seconds for expiry; 0: now */
} gov_algoreg_opts_t;

/* One entry per application as a JSON object with the standard's keys
 * (name, description_short, organization, category, status, begin_date,
 * end_date, contact_email, website, publication_category, url, goal,
 * proportionality, human_intervention, risks, lawful_basis,
 * lawful_basis_grouping, process_index_url, impacttoetsen_grouping,
 * impacttoetsen, source_data, source_data_grouping, methods_and_models,
 * provider, publiccode, lang, standard_version, source_id, tags) and
 * "x_lotse" (id, version, status, risk_class, sha256, approved_version,
 * valid_until). Texts are German (lang "deu"); status and
 * publication_category take the standard's values. The legal basis comes
 * from the configuration key "rechtsgrundlage" of the application, extra
 * data sources from "datenquellen". Export: a JSON array, sorted by id,
 * without applications in entwurf unless include_drafts or app_id;
 * LOTSE_ENOTFOUND for an unknown app_id. Read-only. */
int gov_algoreg_export(struct store *st, const gov_algoreg_opts_t *o,
                       json_t **out, lotse_err_t *err);
int gov_algoreg_entry(struct store *st, const char *app_id,
                      const gov_algoreg_opts_t *o, json_t **out,
                      lotse_err_t *err);

#endif

/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/sigma_internal.h — compiled form of Sigma rules,
 * shared by sigma_load.c (YAML → rules), sigma_cond.c (conditions),
 * sigma_logsource.c (log source → event predicate), sigma_match.c
 * (prefilter and evaluation) and sigma_value.c (value modifiers).
 *
 * Shape: rule → selections (OR of maps) → maps (AND of tests) → tests (one
 * field, OR of values, AND with |all) → values. Conditions are a node
 * array per rule; `1 of x*` / `all of them` are expanded to OR/AND nodes
 * at load time, so evaluation only knows SEL, AND, OR, NOT.
 */
#ifndef LOTSE_LOGWATCH_SIGMA_INTERNAL_H
#define LOTSE_LOGWATCH_SIGMA_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include "analytics/logwatch/aho.h"
#include "analytics/logwatch/sigma.h"

#include <pcre2.h>
#include <yaml.h>

enum sg_kind {
  SG_EQ,       /* whole value equals s */
  SG_CONTAINS, /* s occurs in value */
  SG_START,
  SG_END,
  SG_GLOB,     /* s with wildcards (mask) */
  SG_RE,
  SG_CIDR,
  SG_NULL,     /* field absent or empty */
  SG_EXISTS,   /* num != 0: field present; 0: absent */
  SG_LT, SG_LTE, SG_GT, SG_GTE,
  SG_FIELDREF  /* value equals the value of field ref */
};

enum { SG_WILD_NONE = 0, SG_WILD_STAR = 1, SG_WILD_ONE = 2 };

typedef struct sg_value {
  uint8_t kind;
  uint8_t cased;  /* compare without folding case */
  char *s;        /* lower-cased unless cased; NUL-terminated */
  size_t len;
  uint8_t *mask;  /* SG_GLOB: SG_WILD_* per byte of s */
  pcre2_code *re;
  uint8_t net[16];
  int family, prefix; /* SG_CIDR: AF_INET / AF_INET6 */
  double num;
  int ref;        /* SG_FIELDREF: field id */
} sg_value;

typedef struct sg_test {
  int field;      /* field id; -1 = keyword: any value of the event */
  uint8_t all;
  sg_value *v;
  size_t nv;
} sg_test;

typedef struct sg_map {
  sg_test *t;
  size_t nt;
} sg_map;

typedef struct sg_sel {
  char *name;
  sg_map *m;
  size_t nm;
} sg_sel;

enum { SG_N_SEL, SG_N_AND, SG_N_OR, SG_N_NOT, SG_N_TRUE, SG_N_FALSE };

typedef struct sg_node {
  uint8_t op;
  uint32_t a, b; /* children; SEL: a = selection index */
} sg_node;

typedef struct sg_rule {
  char *id, *title, *level, *path;
  int ls; /* index into lw_sigma.ls */
  sg_sel *sel;
  size_t nsel;
  sg_node *node;
  size_t nnode;
  uint32_t root;
} sg_rule;

typedef struct sg_skip {
  char *path, *id, *title, *reason;
} sg_skip;

/* A log source predicate (sigma_logsource.c). */
enum { SG_LS_WIN_ANY, SG_LS_WIN, SG_LS_LINUX_ANY, SG_LS_LINUX_PROG,
       SG_LS_LINUX_AUDIT, SG_LS_LINUX_SYSMON };
typedef struct sg_ls {
  char *key;         /* "product/category/service" */
  int kind;
  const char *channel; /* lower-case, SG_LS_WIN / SG_LS_LINUX_SYSMON */
  const char *eids;    /* "1" or "12,13,14", NULL = any */
  const char *alt_channel, *alt_eids; /* a second source (Security 4688) */
  const char *programs; /* "sshd" or "cron,crond" (lower-case) */
  const char *eventtypes; /* Sysmon 12: "createkey" / "deletekey,deletevalue" */
} sg_ls;

/* Field name interning: name → id. */
typedef struct sg_names {
  char **name;
  size_t n, cap;
  int32_t *tab; /* open addressing: id or -1 */
  size_t tcap;
} sg_names;

struct lw_sigma {
  sg_rule *rule;
  size_t nrule, rcap;
  sg_skip *skip;
  size_t nskip, kcap;
  sg_ls *ls;
  size_t nls, lscap;
  sg_names names;  /* field names the rules use (and the log source's) */
  int f_channel, f_eventid, f_eventtype, f_program, f_type; /* field ids */
  int prefilter, compiled;
  /* prefilter */
  lw_aho *ac;
  uint32_t **needle_rules; /* per needle id: rule indexes */
  uint32_t *needle_nrules;
  size_t nneedle;
  uint32_t *always; /* rules without a usable needle */
  size_t nalways;
};

/* sigma_names (in sigma_load.c) */
int sg_names_intern(sg_names *t, const char *name, size_t len, int *id);
int sg_names_find(const sg_names *t, const char *name, size_t len);
void sg_names_release(sg_names *t);

/* sigma_value.c: the values of one `field|mods: value(s)` entry; msg gets
 * the reason when unsupported (return 1), <0 on OOM. */
int sg_values_compile(lw_sigma *s, const char *key, yaml_document_t *doc,
                      yaml_node_t *node, sg_test *out, char *msg,
                      size_t msgcap);
void sg_value_release(sg_value *v);
/* Match one value against one field value (raw and lower-cased copies). */
int sg_value_match(const sg_value *v, const char *raw, size_t rawlen,
                   const char *low, size_t lowlen, pcre2_match_data *md,
                   pcre2_match_context *mc);
/* Lower-case in[0..n) into out (room for 2n bytes): ASCII by table, other
 * UTF-8 code points by Unicode's simple lower-case mapping (utf8proc),
 * invalid bytes copied. Returns the length written. */
size_t sg_fold(const char *in, size_t n, char *out);
/* Backtracking budget of one regular expression on one value: log lines
 * are attacker-controlled, a rule's regex must not hang the matcher. */
#define SG_RE_MATCH_LIMIT 200000u
#define SG_RE_DEPTH_LIMIT 10000u
/* Sigma string → bytes + wildcard mask (escapes resolved). */
int sg_sstr_parse(const char *in, size_t n, char **s, uint8_t **mask,
                  size_t *len);
int sg_glob_match(const char *p, const uint8_t *mask, size_t pn,
                  const char *t, size_t tn);

/* sigma_cond.c: parse condition text into r->node; 1 + msg if bad. */
int sg_cond_compile(sg_rule *r, const char *text, char *msg, size_t msgcap);

/* sigma_logsource.c: index of the predicate for a rule's logsource, or 1
 * + msg when unknown. */
int sg_ls_resolve(lw_sigma *s, const char *product, const char *category,
                  const char *service, int *idx, char *msg, size_t msgcap);
/* Which predicates hold for an event (active[nls]); slots give values. */
struct sg_evview;
void sg_ls_eval(const lw_sigma *s, const struct sg_evview *ev,
                uint8_t *active);

/* The event as the matcher sees it (sigma_match.c). */
typedef struct sg_evview {
  const lw_event *ev;
  const char **low;    /* lower-cased copy of each field value */
  const size_t *lowlen; /* its length (folding may change it) */
  const int32_t *first; /* per field id: first event field index or -1 */
  const int32_t *next;  /* per event field: next with the same id or -1 */
  const uint32_t *fstamp; /* first[id] is valid when fstamp[id] == stamp */
  uint32_t stamp;
} sg_evview;

const char *sg_ev_value(const sg_evview *v, int fid, const char **low,
                        size_t *len);

#endif

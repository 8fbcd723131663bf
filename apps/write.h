/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/write.h — Schreibassistenz: drafts from county templates through
 * the governance gate (gov/gate.h), with the style check (text/style.h)
 * run on every draft.
 *
 * Template format (UTF-8 text; the built-in examples are in
 * apps/write_templates.c, documented in apps/templates/README.md):
 *   header lines "key: value" up to a line "---", then the body.
 *   keys: id (required, [a-z0-9_-], ≤ 40 bytes), title (required),
 *         register ("fachlich" or "buergernah", default "fachlich"),
 *         tone (free text for the model), length (target words, 20..2000,
 *         default 200), placeholders (comma-separated names, required when
 *         the body has any). Lines starting with '#' are comments.
 *   body: the instructions and skeleton for the model; {{name}} is a
 *         placeholder. A placeholder in the body that is not declared, a
 *         declared one the body does not use, an unknown header key, a
 *         missing value or a value for a name the template does not know
 *         are LOTSE_EINVAL with a German message naming it.
 *
 * Path of one draft (write_draft): fill the template (all values given),
 * gov_gate_open(app, input = the filled template), system prompt = the
 * approved one plus register/tone/length rules, the model drafts,
 * gov_gate_close stores the text as a labelled draft, and the style check
 * runs on the draft. A refusal: LOTSE_EREFUSED with the decision, nothing
 * stored.
 */
#ifndef LOTSE_APPS_WRITE_H
#define LOTSE_APPS_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "gov/gate.h"
#include "search/search.h"
#include "text/style.h"

#define WRITE_TEMPLATE_MAX ((size_t)64 << 10) /* bytes of a template file */
#define WRITE_VALUE_MAX 8000                   /* bytes of one value */
#define WRITE_KEYS_MAX 32

typedef struct write_template {
  char *id, *title, *reg, *tone, *body;
  int length;         /* target words */
  char **keys;        /* declared placeholders */
  size_t n_keys;
} write_template_t;

typedef struct write_kv {
  const char *key, *value;
} write_kv_t;

/* Parse a template; on error *t is left empty (nothing to release). */
int write_template_parse(const char *text, size_t n, write_template_t *t,
                         lotse_err_t *err);
void write_template_release(write_template_t *t);

/* The built-in example templates: count, id of the i-th, load by id
 * (LOTSE_ENOTFOUND with the list of known ids). */
size_t write_template_count(void);
const char *write_template_id(size_t i);
int write_template_builtin(const char *id, write_template_t *t,
                           lotse_err_t *err);

/* The county's own templates: WORKSPACE/WRITE_TEMPLATE_DIR/ID.txt, whose
 * `id:` must equal ID; such a file overrides the built-in example of the
 * same id (apps/write_catalog.c). */
#define WRITE_TEMPLATE_DIR "vorlagen"
#define WRITE_CATALOG_MAX 200 /* template files read from the directory */

/* The template id: the workspace's file when there is one (ws may be
 * NULL: built-ins only), else the built-in example. *from_file (may be
 * NULL) says which. A broken file is an error naming it (LOTSE_EINVAL),
 * never replaced by the example; an id outside [a-z0-9_-]{1,40} is
 * LOTSE_EINVAL before any file is touched. */
int write_template_find(const char *ws, const char *id, write_template_t *t,
                        int *from_file, lotse_err_t *err);

typedef struct write_catalog_entry {
  char *id;
  int from_file; /* 1: WORKSPACE/vorlagen/ID.txt, 0: built-in example */
  char *error;   /* NULL, or why the file cannot be used (German) */
} write_catalog_entry_t;

typedef struct write_catalog {
  write_catalog_entry_t *e;
  size_t n;
} write_catalog_t;

/* Every template id, sorted: the workspace's files (broken ones with their
 * error) and the examples no file overrides. */
int write_catalog_list(const char *ws, write_catalog_t *c, lotse_err_t *err);
void write_catalog_release(write_catalog_t *c);

/* The body with every placeholder replaced; each declared key needs
 * exactly one value, no other keys are allowed. *out malloc'ed. */
int write_template_fill(const write_template_t *t, const write_kv_t *kv,
                        size_t n, char **out, lotse_err_t *err);

/* The system prompt: the approved one (may be ""), then the writing
 * rules for the register (reg NULL: the template's), tone and length.
 * NULL on out of memory. */
char *write_system_prompt(const char *approved, const write_template_t *t,
                          const char *reg);
/* Whether reg is "fachlich" or "buergernah". */
int write_register_ok(const char *reg);

/* Sources for a summary (--doc, --query): owned copies, read within the
 * user's rights; write_draft offers them to gov_gate_sources and the
 * admitted texts (at most WRITE_SOURCE_CHARS bytes) fill the placeholder
 * "text". None admitted: LOTSE_EREFUSED (decision GOV_REFUSE_SOURCE_CLASS),
 * nothing stored. */
#define WRITE_SOURCE_CHARS 12000
#define WRITE_QUERY_PASSAGES 5
typedef struct write_sources {
  gov_source_t *v;
  size_t n;
} write_sources_t;

/* The chunks of document id as user may read it (LOTSE_ENOTFOUND: missing
 * or not readable, the same message for both). */
int write_sources_doc(store_t *st, const store_principal_t *user, int64_t id,
                      write_sources_t *out, lotse_err_t *err);
/* The best passages (at most limit) for query within the user's rights;
 * none found is LOTSE_ENOTFOUND. */
int write_sources_query(search_t *s, store_t *st,
                        const store_principal_t *user, const char *query,
                        int limit, write_sources_t *out, lotse_err_t *err);
void write_sources_release(write_sources_t *w);

typedef struct write_opts {
  const char *app_id;  /* required */
  const write_sources_t *src; /* NULL or empty: no sources */
  const char *reg;     /* NULL: the template's */
  int max_tokens;      /* 0: 1024 */
} write_opts_t;

typedef struct write_result {
  gov_decision_t decision; /* set also on refusal */
  char *text;              /* the draft */
  int64_t draft_id;
  char *notice;            /* Art. 50 notice or NULL */
  text_style_list_t findings;
} write_result_t;

int write_draft(gov_ctx_t *gc, const store_principal_t *user,
                const write_template_t *t, const write_kv_t *kv, size_t n,
                const write_opts_t *o, write_result_t *out, lotse_err_t *err);
void write_result_release(write_result_t *r);

#endif

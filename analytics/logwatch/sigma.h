/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/sigma.h — Sigma detection rules (SigmaHQ YAML) matched
 * against log events (lw_event).
 *
 * Supported: selections as maps and lists of maps, keyword lists; value
 * modifiers contains, startswith, endswith, all, re (PCRE2, with i/m/s),
 * cidr, base64, base64offset, wide/utf16le/utf16be/utf16, windash, cased,
 * exists, lt/lte/gt/gte, fieldref; wildcards * and ? with Sigma's escaping;
 * conditions with and/or/not, parentheses, `1 of sel*`, `all of sel*`,
 * `1 of them`, `all of them`. Log sources: Windows (Sysmon categories,
 * PowerShell, event log services mapped to their channel) and Linux
 * (Sysmon for Linux categories, syslog services by program, auditd).
 * Everything else — aggregations (`| count()`), correlations, multi-document
 * rules, |expand placeholders, unknown modifiers or log sources, bad
 * regular expressions — is recorded as unsupported with the reason, never
 * dropped silently.
 *
 * Matching follows the Sigma specification: strings compare
 * case-insensitively (Unicode simple lower case) unless |cased or |re; a list of values is an
 * OR (AND with |all); null means the field is absent or empty. A
 * multi-pattern prefilter (aho.h over the rules' literal needles) chooses
 * the candidate rules, so an event costs one scan plus the few candidates.
 *
 * Contract: load rules, then lw_sigma_compile() once; afterwards the rule
 * set is read-only and may be shared by threads, each with its own
 * lw_sigma_ctx. A rule that cannot be evaluated never fails a load: it is
 * counted by lw_sigma_unsupported_count() with its reason.
 */
#ifndef LOTSE_LOGWATCH_SIGMA_H
#define LOTSE_LOGWATCH_SIGMA_H

#include "analytics/logwatch/event.h"
#include "base/base.h"

#include <stddef.h>
#include <stdint.h>

typedef struct lw_sigma lw_sigma;
typedef struct lw_sigma_ctx lw_sigma_ctx;

typedef struct lw_sigma_rule_info {
  const char *id;    /* "" when the rule has none */
  const char *title;
  const char *level; /* informational, low, medium, high, critical or "" */
  const char *path;  /* file it came from */
} lw_sigma_rule_info;

typedef struct lw_sigma_skip {
  const char *path;
  const char *id;     /* "" when unknown */
  const char *title;  /* "" when unknown */
  const char *reason; /* English, e.g. "aggregation (count) not supported" */
} lw_sigma_skip;

lw_sigma *lw_sigma_new(void); /* NULL on OOM */
void lw_sigma_free(lw_sigma *s);

/* Load one rule from YAML text; origin names it in messages. Returns 0
 * (loaded), 1 (unsupported, recorded), or <0 (out of memory). */
int lw_sigma_load_text(lw_sigma *s, const char *text, size_t len,
                       const char *origin, lotse_err_t *err);
/* A file, or every *.yml / *.yaml below a directory (sorted, recursive).
 * Returns 0 or <0 when the path cannot be read. */
int lw_sigma_load_path(lw_sigma *s, const char *path, lotse_err_t *err);
/* Build the prefilter; no loads afterwards. */
int lw_sigma_compile(lw_sigma *s, lotse_err_t *err);
/* Evaluate every rule for every event instead of the prefilter's
 * candidates (tests compare both); call before lw_sigma_compile. */
void lw_sigma_set_prefilter(lw_sigma *s, int on);

size_t lw_sigma_rule_count(const lw_sigma *s);
lw_sigma_rule_info lw_sigma_rule(const lw_sigma *s, size_t i);
size_t lw_sigma_unsupported_count(const lw_sigma *s);
lw_sigma_skip lw_sigma_unsupported(const lw_sigma *s, size_t i);
/* Index of the rule with this id, -1 when not loaded. */
long lw_sigma_find(const lw_sigma *s, const char *id);

lw_sigma_ctx *lw_sigma_ctx_new(const lw_sigma *s); /* NULL on OOM */
void lw_sigma_ctx_free(lw_sigma_ctx *c);
/* Rules (indexes, ascending) that fire on ev; *hits is valid until the
 * next call with c. Returns 0 or <0 (out of memory). */
int lw_sigma_match(lw_sigma_ctx *c, const lw_event *ev, const uint32_t **hits,
                   size_t *n);

/* Event files (sigma_event.c): JSON lines, one or more (pretty-printed)
 * JSON documents or a JSON array of them, or syslog lines; the kind is
 * chosen per file from its first non-blank byte ('{' or '['  = JSON).
 * Calls fn for each event (source = path, line = the line the event starts
 * on); a nonzero return from fn stops and is returned. Malformed JSON
 * documents are reported through fn with ev->malformed set. */
typedef int (*lw_sigma_event_fn)(void *ud, const lw_event *ev);
int lw_sigma_read_events(const char *path, const char *data, size_t len,
                         lw_sigma_event_fn fn, void *ud, lotse_err_t *err);

#endif

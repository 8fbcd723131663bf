/* SPDX-License-Identifier: EUPL-1.2
 *
 * eval/sigma.c — the Sigma engine (analytics/logwatch/sigma.h) on SigmaHQ's
 * regression data: every event directory below regression/ has an info.yml
 * naming the rule (rule_metadata[0].id) that must fire on its events. All
 * rules of rules/, rules-emerging-threats/ and rules-threat-hunting/ are
 * loaded (Windows and Linux; other products are counted as unsupported),
 * so the run also reports which other rules fire on each event
 * (cross-fires).
 *
 * Usage: eval_sigma [--min-pass N] [--no-prefilter] [--quiet] [DATA_DIR]
 *        (DATA_DIR: .../shared/data/sigma; default
 *        $LOTSE_SOURCE_DIR/../shared/data/sigma, then ../shared/data/sigma).
 * Exit 0 (also when the data is absent: skipped with a message); 1 when
 * fewer than N regression events fire their rule, or on errors.
 */
#include "analytics/logwatch/sigma.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <yaml.h>

static lotse_strv_t g_dirs;

static int collect(const char *path, const struct stat *sb, int flag,
                   struct FTW *ftw) {
  (void)sb, (void)ftw;
  size_t n = strlen(path);
  if (flag == FTW_F && n > 9 && !strcmp(path + n - 9, "/info.yml")) {
    char *d = lotse_strndup(path, n - 9);
    int rc = d ? lotse_strv_push(&g_dirs, d) : -1;
    free(d);
    return rc ? 1 : 0;
  }
  return 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* rule_metadata[0].id and regression_tests_info[0].match_count. */
static int read_info(const char *dir, char *id, size_t idcap, long *count) {
  char path[4096];
  snprintf(path, sizeof path, "%s/info.yml", dir);
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  yaml_parser_t p;
  yaml_document_t d;
  int rc = -1;
  yaml_parser_initialize(&p);
  yaml_parser_set_input_file(&p, f);
  *count = -1, id[0] = 0;
  if (yaml_parser_load(&p, &d)) {
    yaml_node_t *root = yaml_document_get_root_node(&d);
    for (yaml_node_pair_t *pr = root && root->type == YAML_MAPPING_NODE
                                    ? root->data.mapping.pairs.start : NULL;
         pr && pr < root->data.mapping.pairs.top; pr++) {
      yaml_node_t *k = yaml_document_get_node(&d, pr->key);
      yaml_node_t *v = yaml_document_get_node(&d, pr->value);
      if (!k || !v || v->type != YAML_SEQUENCE_NODE ||
          v->data.sequence.items.start == v->data.sequence.items.top)
        continue;
      yaml_node_t *m = yaml_document_get_node(&d, *v->data.sequence.items.start);
      const char *want = !strcmp((char *)k->data.scalar.value, "rule_metadata")
                             ? "id" : "match_count";
      for (yaml_node_pair_t *q = m && m->type == YAML_MAPPING_NODE
                                     ? m->data.mapping.pairs.start : NULL;
           q && q < m->data.mapping.pairs.top; q++) {
        yaml_node_t *qk = yaml_document_get_node(&d, q->key);
        yaml_node_t *qv = yaml_document_get_node(&d, q->value);
        if (!qk || !qv || qv->type != YAML_SCALAR_NODE ||
            strcmp((char *)qk->data.scalar.value, want) != 0)
          continue;
        if (want[0] == 'i') snprintf(id, idcap, "%s", (char *)qv->data.scalar.value);
        else *count = atol((char *)qv->data.scalar.value);
      }
    }
    rc = id[0] ? 0 : -1;
    yaml_document_delete(&d);
  }
  yaml_parser_delete(&p);
  fclose(f);
  return rc;
}

typedef struct evstate {
  const lw_sigma *s;
  lw_sigma_ctx *c;
  long target;
  long target_hits, events;
  lotse_buf_t extra; /* titles of other rules fired */
  double match_s;
} evstate;

static int on_event(void *ud, const lw_event *ev) {
  evstate *st = ud;
  if (ev->malformed) return 0;
  const uint32_t *hits;
  size_t n;
  double t0 = now_s();
  if (lw_sigma_match(st->c, ev, &hits, &n)) return -1;
  st->match_s += now_s() - t0;
  st->events++;
  for (size_t i = 0; i < n; i++) {
    if ((long)hits[i] == st->target) {
      st->target_hits++;
      continue;
    }
    lw_sigma_rule_info r = lw_sigma_rule(st->s, hits[i]);
    if (strstr(st->extra.data ? st->extra.data : "", r.id)) continue;
    lotse_buf_printf(&st->extra, "%s%s (%s)", st->extra.len ? "; " : "",
                     r.title, r.id);
  }
  return 0;
}

static const char *skip_reason(const lw_sigma *s, const char *id) {
  for (size_t i = 0; i < lw_sigma_unsupported_count(s); i++) {
    lw_sigma_skip k = lw_sigma_unsupported(s, i);
    if (!strcmp(k.id, id)) return k.reason;
  }
  return NULL;
}

static int run_dir(const lw_sigma *s, lw_sigma_ctx *c, const char *dir,
                   int quiet, long *pass, long *xfire, double *ms, long *nev) {
  char id[128];
  long want;
  if (read_info(dir, id, sizeof id, &want)) {
    printf("| %s | – | info.yml unreadable |\n", lotse_path_base(dir));
    return 0;
  }
  evstate st = {s, c, lw_sigma_find(s, id), 0, 0, {0}, 0};
  lotse_buf_init(&st.extra, 1 << 20);
  lotse_err_t err = {0};
  int rc = 0, files = 0;
  DIR *dh = opendir(dir);
  struct dirent *de;
  while (dh && !rc && (de = readdir(dh))) {
    size_t nl = strlen(de->d_name);
    if (nl < 6 || strcmp(de->d_name + nl - 5, ".json") != 0) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    char *data = NULL;
    size_t len = 0;
    rc = lotse_file_read(path, (size_t)64 << 20, &data, &len, &err);
    if (!rc) rc = lw_sigma_read_events(path, data, len, on_event, &st, &err);
    free(data);
    files++;
  }
  if (dh) closedir(dh);
  if (!rc && !files) rc = lotse_err_set(&err, LOTSE_ENOTFOUND, "no .json file");
  const char *name = lotse_path_base(dir);
  if (rc) {
    printf("| %s | MISS | events unreadable: %s |\n", name, err.msg);
  } else if (st.target < 0) {
    const char *why = skip_reason(s, id);
    printf("| %s | MISS | rule %s %s |\n", name, id,
           why ? why : "not found in the rule directories");
  } else if (st.target_hits == 0) {
    printf("| %s | MISS | rule loaded, no event matched (%ld events) |\n",
           name, st.events);
  } else {
    (*pass)++;
    if (!quiet || st.extra.len)
      printf("| %s | ok (%ld of %ld events; info.yml: %s) | %s |\n", name,
             st.target_hits, st.events, want < 0 ? "-" : want == st.target_hits ? "same" : "differs",
             st.extra.len ? st.extra.data : "–");
  }
  if (st.extra.len) (*xfire)++;
  *ms += st.match_s, *nev += st.events;
  lotse_buf_release(&st.extra);
  return 0;
}

static const char *data_dir(const char *arg, char *buf, size_t cap) {
  if (arg) return arg;
  const char *src = getenv("LOTSE_SOURCE_DIR");
  if (src) {
    snprintf(buf, cap, "%s/../shared/data/sigma", src);
    if (lotse_path_is_dir(buf)) return buf;
  }
  return "../shared/data/sigma";
}

int main(int argc, char **argv) {
  long min_pass = -1;
  int prefilter = 1, quiet = 0;
  const char *arg = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--min-pass") && i + 1 < argc) min_pass = atol(argv[++i]);
    else if (!strcmp(argv[i], "--no-prefilter")) prefilter = 0;
    else if (!strcmp(argv[i], "--quiet")) quiet = 1;
    else if (argv[i][0] == '-') {
      fprintf(stderr, "usage: eval_sigma [--min-pass N] [--no-prefilter] [--quiet] [DATA_DIR]\n");
      return 2;
    } else arg = argv[i];
  }
  char buf[4096], path[4200];
  const char *dir = data_dir(arg, buf, sizeof buf);
  snprintf(path, sizeof path, "%s/regression", dir);
  if (!lotse_path_is_dir(path)) {
    printf("eval_sigma: skipped, data directory '%s' is absent\n", path);
    return 0;
  }
  lw_sigma *s = lw_sigma_new();
  lotse_err_t err = {0};
  static const char *const sets[] = {"rules", "rules-emerging-threats",
                                     "rules-threat-hunting"};
  double t0 = now_s();
  int rc = s ? 0 : -1;
  if (s) lw_sigma_set_prefilter(s, prefilter);
  for (size_t i = 0; !rc && i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, sets[i]);
    if (lotse_path_is_dir(path)) rc = lw_sigma_load_path(s, path, &err);
  }
  if (!rc) rc = lw_sigma_compile(s, &err);
  double load_s = now_s() - t0;
  if (rc) {
    fprintf(stderr, "eval_sigma: %s\n", err.msg);
    lw_sigma_free(s);
    return 1;
  }
  printf("# Sigma regression (%s)\n\nrules loaded: %zu, unsupported: %zu, "
         "load + compile: %.2f s, prefilter: %s\n\n",
         dir, lw_sigma_rule_count(s), lw_sigma_unsupported_count(s), load_s,
         prefilter ? "on" : "off");
  snprintf(path, sizeof path, "%s/regression", dir);
  nftw(path, collect, 16, FTW_PHYS);
  qsort(g_dirs.v, g_dirs.n, sizeof *g_dirs.v, cmp_str);
  lw_sigma_ctx *c = lw_sigma_ctx_new(s);
  long pass = 0, xfire = 0, nev = 0;
  double ms = 0;
  printf("| regression event | named rule | other rules fired (cross-fires) |\n"
         "|---|---|---|\n");
  for (size_t i = 0; c && i < g_dirs.n; i++)
    run_dir(s, c, g_dirs.v[i], quiet, &pass, &xfire, &ms, &nev);
  printf("\nnamed rule fired: %ld/%zu; events with cross-fires: %ld; "
         "%ld events matched in %.3f ms (%.0f events/s)\n",
         pass, g_dirs.n, xfire, nev, ms * 1e3, ms > 0 ? (double)nev / ms : 0.0);
  int fail = min_pass >= 0 && pass < min_pass;
  if (fail) printf("FAIL: %ld < --min-pass %ld\n", pass, min_pass);
  lw_sigma_ctx_free(c);
  lw_sigma_free(s);
  lotse_strv_release(&g_dirs);
  return fail || !c ? 1 : 0;
}

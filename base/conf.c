/* SPDX-License-Identifier: EUPL-1.2
 *
 * base/conf.c — the lotse.conf reader: `key = value`, `# comment`,
 * `[section]` (prefixes following keys as "section.key").
 *
 * Invariant: keys are unique; a later line with the same key replaces the
 * earlier value, so a local override can be appended to a shipped file.
 */
#include "base/base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lotse_conf {
  lotse_strv_t keys;
  lotse_strv_t vals;
};

lotse_conf_t *lotse_conf_new(void) { return calloc(1, sizeof(lotse_conf_t)); }

void lotse_conf_free(lotse_conf_t *c) {
  if (!c) return;
  lotse_strv_release(&c->keys);
  lotse_strv_release(&c->vals);
  free(c);
}

static long find(const lotse_conf_t *c, const char *key) {
  for (size_t i = 0; i < c->keys.n; i++)
    if (strcmp(c->keys.v[i], key) == 0) return (long)i;
  return -1;
}

int lotse_conf_set(lotse_conf_t *c, const char *key, const char *value) {
  long i = find(c, key);
  if (i >= 0) {
    char *v = lotse_strdup(value);
    if (!v) return LOTSE_ENOMEM;
    free(c->vals.v[i]);
    c->vals.v[i] = v;
    return 0;
  }
  int rc = lotse_strv_push(&c->keys, key);
  if (rc) return rc;
  rc = lotse_strv_push(&c->vals, value);
  if (rc) {
    free(c->keys.v[--c->keys.n]);
    return rc;
  }
  return 0;
}

const char *lotse_conf_get(const lotse_conf_t *c, const char *key,
                           const char *def) {
  long i = c ? find(c, key) : -1;
  return i >= 0 ? c->vals.v[i] : def;
}

long long lotse_conf_get_int(const lotse_conf_t *c, const char *key,
                             long long def) {
  const char *v = lotse_conf_get(c, key, NULL);
  if (!v) return def;
  char *end;
  errno = 0;
  long long x = strtoll(v, &end, 10);
  return (errno || end == v || *end) ? def : x;
}

int lotse_conf_get_bool(const lotse_conf_t *c, const char *key, int def) {
  const char *v = lotse_conf_get(c, key, NULL);
  if (!v) return def;
  if (!strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "on") ||
      !strcmp(v, "true"))
    return 1;
  if (!strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "off") ||
      !strcmp(v, "false"))
    return 0;
  return def;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
                   e[-1] == '\n'))
    *--e = '\0';
  return s;
}

static int parse_line(lotse_conf_t *c, char *line, char *section,
                      size_t seclen, const char *path, int lineno,
                      lotse_err_t *err) {
  char *s = trim(line);
  if (!*s || *s == '#' || *s == ';') return 0;
  if (*s == '[') {
    char *e = strchr(s, ']');
    if (!e || e[1])
      return lotse_err_set(err, LOTSE_ECORRUPT,
                           "%s:%d: malformed section header", path, lineno);
    *e = '\0';
    snprintf(section, seclen, "%s", trim(s + 1));
    return 0;
  }
  char *eq = strchr(s, '=');
  if (!eq)
    return lotse_err_set(err, LOTSE_ECORRUPT, "%s:%d: expected 'key = value'",
                         path, lineno);
  *eq = '\0';
  char *k = trim(s), *v = trim(eq + 1);
  if (!*k)
    return lotse_err_set(err, LOTSE_ECORRUPT, "%s:%d: empty key", path,
                         lineno);
  char full[256];
  int n = *section ? snprintf(full, sizeof full, "%s.%s", section, k)
                   : snprintf(full, sizeof full, "%s", k);
  if (n < 0 || (size_t)n >= sizeof full)
    return lotse_err_set(err, LOTSE_ECORRUPT, "%s:%d: key too long", path,
                         lineno);
  if (lotse_conf_set(c, full, v))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return 0;
}

int lotse_conf_load(const char *path, lotse_conf_t **out, lotse_err_t *err) {
  *out = NULL;
  char *data;
  size_t len;
  int rc = lotse_file_read(path, 1 << 20, &data, &len, err);
  if (rc) return rc;
  lotse_conf_t *c = lotse_conf_new();
  if (!c) {
    free(data);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  char section[128] = "";
  int lineno = 0;
  char *save = NULL;
  for (char *line = data; line; line = save) {
    save = strchr(line, '\n');
    if (save) *save++ = '\0';
    lineno++;
    rc = parse_line(c, line, section, sizeof section, path, lineno, err);
    if (rc) break;
  }
  free(data);
  if (rc) {
    lotse_conf_free(c);
    return rc;
  }
  *out = c;
  return 0;
}

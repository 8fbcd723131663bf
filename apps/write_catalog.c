/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/write_catalog.c — the county's own templates in the workspace
 * (WORKSPACE/vorlagen/ID.txt, format apps/templates/README.md) beside the
 * built-in examples (apps/write_templates.c). A file overrides the
 * built-in example of the same id, so the county replaces an example by
 * dropping in a file; the web form, POST /api/write and
 * `lotse write draft --template ID` all see the same catalogue.
 *
 * Contract: an id is checked against the id syntax before it becomes part
 * of a path (no '/', no '..'); a file is used only when its `id:` equals
 * its name; a broken file is reported by name (write_catalog_list keeps
 * it with its error, write_template_find refuses it), never silently
 * replaced by the built-in example.
 */
#include "apps/write.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUFFIX ".txt"

static void not_found(const char *ws, const char *id, lotse_err_t *err);

static int id_ok(const char *id) {
  size_t n = id ? strlen(id) : 0;
  if (n == 0 || n > 40) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return 0;
  }
  return 1;
}

static char *file_path(const char *ws, const char *id) {
  size_t n = strlen(ws) + strlen(WRITE_TEMPLATE_DIR) + strlen(id) +
             sizeof SUFFIX + 3;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s/%s%s", ws, WRITE_TEMPLATE_DIR, id, SUFFIX);
  return p;
}

/* Parse the file of id; LOTSE_ENOTFOUND (err untouched) when there is
 * none, any other error with the file named. */
static int load_file(const char *ws, const char *id, write_template_t *t,
                     lotse_err_t *err) {
  char *path = file_path(ws, id);
  if (!path) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  FILE *f = fopen(path, "rb");
  if (!f) {
    int e = errno;
    free(path);
    if (e == ENOENT) return LOTSE_ENOTFOUND;
    return lotse_err_set(err, LOTSE_EIO, "Vorlage %s/%s%s: %s",
                         WRITE_TEMPLATE_DIR, id, SUFFIX, strerror(e));
  }
  fclose(f);
  char *data = NULL;
  size_t len = 0;
  lotse_err_t e2 = {0};
  int rc = lotse_file_read(path, WRITE_TEMPLATE_MAX, &data, &len, &e2);
  if (!rc) rc = write_template_parse(data, len, t, &e2);
  if (!rc && strcmp(t->id, id) != 0) {
    rc = lotse_err_set(&e2, LOTSE_EINVAL,
                       "die Kennung im Kopf („%s“) muss dem Dateinamen "
                       "entsprechen", t->id);
    write_template_release(t);
  }
  if (rc)
    lotse_err_set(err, rc, "Vorlage %s/%s%s: %s", WRITE_TEMPLATE_DIR, id,
                  SUFFIX, e2.msg);
  free(data);
  free(path);
  return rc;
}

int write_template_find(const char *ws, const char *id, write_template_t *t,
                        int *from_file, lotse_err_t *err) {
  memset(t, 0, sizeof *t);
  if (from_file) *from_file = 0;
  if (!id_ok(id))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Vorlagenkennung „%s“ ungültig (a–z, 0–9, _ und -, "
                         "höchstens 40 Zeichen)", id ? id : "");
  if (ws) {
    int rc = load_file(ws, id, t, err);
    if (rc != LOTSE_ENOTFOUND) {
      if (!rc && from_file) *from_file = 1;
      return rc;
    }
  }
  int rc = write_template_builtin(id, t, err);
  if (rc == LOTSE_ENOTFOUND && ws) not_found(ws, id, err);
  return rc;
}

/* ------------------------------------------------------------ listing */

static int entry_add(write_catalog_t *c, const char *id, int from_file,
                     const char *error) {
  if (from_file && c->n == WRITE_CATALOG_MAX) return LOTSE_ELIMIT;
  write_catalog_entry_t *e = &c->e[c->n];
  e->id = lotse_strdup(id);
  e->error = error ? lotse_strdup(error) : NULL;
  e->from_file = from_file;
  if (!e->id || (error && !e->error)) {
    free(e->id);
    free(e->error);
    return LOTSE_ENOMEM;
  }
  c->n++;
  return 0;
}

static int entry_cmp(const void *a, const void *b) {
  return strcmp(((const write_catalog_entry_t *)a)->id,
                ((const write_catalog_entry_t *)b)->id);
}

static int has_id(const write_catalog_t *c, const char *id) {
  for (size_t i = 0; i < c->n; i++)
    if (!strcmp(c->e[i].id, id)) return 1;
  return 0;
}

/* The files of WORKSPACE/vorlagen: every NAME.txt with a valid id. */
static int list_files(const char *ws, write_catalog_t *c, lotse_err_t *err) {
  size_t n = strlen(ws) + sizeof WRITE_TEMPLATE_DIR + 2;
  char *dir = malloc(n);
  if (!dir) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  snprintf(dir, n, "%s/%s", ws, WRITE_TEMPLATE_DIR);
  DIR *d = opendir(dir);
  free(dir);
  if (!d) return 0; /* no directory: only the examples */
  int rc = 0;
  struct dirent *de;
  while (!rc && (de = readdir(d))) {
    size_t len = strlen(de->d_name);
    if (len <= strlen(SUFFIX) ||
        strcmp(de->d_name + len - strlen(SUFFIX), SUFFIX) != 0)
      continue;
    char id[64];
    if (len - strlen(SUFFIX) >= sizeof id) continue;
    memcpy(id, de->d_name, len - strlen(SUFFIX));
    id[len - strlen(SUFFIX)] = 0;
    if (!id_ok(id)) continue;
    write_template_t t;
    lotse_err_t e = {0};
    int lrc = load_file(ws, id, &t, &e);
    if (!lrc) write_template_release(&t);
    rc = entry_add(c, id, 1, lrc ? e.msg : NULL);
  }
  closedir(d);
  if (rc == LOTSE_ELIMIT)
    return lotse_err_set(err, rc, "mehr als %d Vorlagen in %s",
                         WRITE_CATALOG_MAX, WRITE_TEMPLATE_DIR);
  if (rc) return lotse_err_set(err, rc, "out of memory");
  return 0;
}

int write_catalog_list(const char *ws, write_catalog_t *c, lotse_err_t *err) {
  memset(c, 0, sizeof *c);
  /* Room for the most files plus every example. */
  c->e = calloc(WRITE_CATALOG_MAX + write_template_count(), sizeof *c->e);
  if (!c->e) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = ws ? list_files(ws, c, err) : 0;
  for (size_t i = 0; !rc && i < write_template_count(); i++) {
    const char *id = write_template_id(i);
    if (has_id(c, id)) continue;
    if (entry_add(c, id, 0, NULL))
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  if (rc) {
    write_catalog_release(c);
    return rc;
  }
  qsort(c->e, c->n, sizeof *c->e, entry_cmp);
  return 0;
}

/* "unbekannte Vorlage „id“ (bekannt: …)" naming the whole catalogue. */
static void not_found(const char *ws, const char *id, lotse_err_t *err) {
  write_catalog_t c;
  lotse_err_t e = {0};
  if (write_catalog_list(ws, &c, &e)) return; /* keep the built-in message */
  lotse_buf_t b;
  lotse_buf_init(&b, 16384);
  for (size_t i = 0; i < c.n; i++)
    lotse_buf_printf(&b, "%s%s", i ? ", " : "", c.e[i].id);
  if (b.data)
    lotse_err_set(err, LOTSE_ENOTFOUND, "unbekannte Vorlage „%s“ (bekannt: %s)",
                  id, b.data);
  lotse_buf_release(&b);
  write_catalog_release(&c);
}

void write_catalog_release(write_catalog_t *c) {
  if (!c) return;
  for (size_t i = 0; c->e && i < c->n; i++) {
    free(c->e[i].id);
    free(c->e[i].error);
  }
  free(c->e);
  memset(c, 0, sizeof *c);
}

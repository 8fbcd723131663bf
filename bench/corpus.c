/* SPDX-License-Identifier: EUPL-1.2
 *
 * bench/corpus.c — the benchmark corpus under the data root: the file list
 * both engines index, the gazette titles and the law headings that the
 * queries are made from. Nothing is copied; everything is read in place.
 *
 * Contract: lists are sorted (files by absolute path, directory entries by
 * name) so every run sees the same order; a missing corpus directory is
 * LOTSE_ENOTFOUND with a message that names it.
 */
#include "bench/bench.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BENCH_MAX_FILE (64u << 20)

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir (no dot-files). */
static int list_dir(const char *dir, lotse_strv_t *names, lotse_err_t *err) {
  DIR *d = opendir(dir);
  if (!d)
    return lotse_err_set(err, LOTSE_ENOTFOUND, "unable to read '%s': %s", dir,
                         strerror(errno));
  struct dirent *e;
  int rc = 0;
  while (!rc && (e = readdir(d)))
    if (e->d_name[0] != '.') rc = lotse_strv_push(names, e->d_name);
  closedir(d);
  if (rc) return lotse_err_set(err, rc, "out of memory");
  if (names->n) qsort(names->v, names->n, sizeof *names->v, cmp_str);
  return 0;
}

static int is_file(const char *p) {
  struct stat st;
  return lstat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Push the absolute form of dir/name[/leaf] when it is a regular file. */
static int push_file(lotse_strv_t *files, const char *dir, const char *name,
                     const char *leaf) {
  lotse_buf_t p;
  lotse_buf_init(&p, 8192);
  int rc = leaf ? lotse_buf_printf(&p, "%s/%s/%s", dir, name, leaf)
                : lotse_buf_printf(&p, "%s/%s", dir, name);
  if (!rc && is_file(p.data)) {
    char *abs = lotse_path_abs(p.data);
    rc = abs ? lotse_strv_push(files, abs) : LOTSE_ENOMEM;
    free(abs);
  }
  lotse_buf_release(&p);
  return rc;
}

static int join_path(char *out, size_t n, const char *a, const char *b) {
  int k = snprintf(out, n, "%s/%s", a, b);
  return k < 0 || (size_t)k >= n ? LOTSE_ETOOBIG : 0;
}

int bench_corpus_files(const char *root, lotse_strv_t *files,
                       lotse_err_t *err) {
  char gaz[4096], laws[4096];
  if (join_path(gaz, sizeof gaz, root, BENCH_GAZETTE_DIR) ||
      join_path(laws, sizeof laws, root, BENCH_LAWS_DIR))
    return lotse_err_set(err, LOTSE_EINVAL, "data path too long");
  lotse_strv_t g = {0}, l = {0};
  int rc = list_dir(gaz, &g, err);
  if (!rc) rc = list_dir(laws, &l, err);
  for (size_t i = 0; !rc && i < g.n; i++)
    if (ends_with(g.v[i], ".txt")) rc = push_file(files, gaz, g.v[i], NULL);
  for (size_t i = 0; !rc && i < l.n; i++)
    rc = push_file(files, laws, l.v[i], "index.md");
  lotse_strv_release(&g);
  lotse_strv_release(&l);
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  if (!rc && files->n) qsort(files->v, files->n, sizeof *files->v, cmp_str);
  if (!rc && !files->n)
    rc = lotse_err_set(err, LOTSE_ENOTFOUND, "no corpus files below '%s'",
                       root);
  return rc;
}

/* ------------------------------------------------------------ CSV titles */

/* Read one CSV field starting at *p (RFC 4180 quoting); advances *p past
 * the field and its separator; *eol is set at the end of a record. */
static int csv_field(const char **p, lotse_buf_t *out, int *eol) {
  const char *s = *p;
  int rc = 0;
  lotse_buf_reset(out);
  rc = lotse_buf_append(out, "", 0);
  if (*s == '"') {
    for (s++; *s && !rc; s++) {
      if (*s == '"' && s[1] == '"') rc = lotse_buf_putc(out, *s++);
      else if (*s == '"') { s++; break; }
      else rc = lotse_buf_putc(out, *s);
    }
  }
  for (; *s && *s != ',' && *s != '\n' && !rc; s++)
    if (*s != '\r') rc = lotse_buf_putc(out, *s);
  *eol = (*s != ',');
  if (*s) s++;
  *p = s;
  return rc;
}

/* Column index of name in the header record, or -1. */
static int csv_column(const char **p, const char *name, lotse_buf_t *f) {
  int col = -1, eol = 0;
  for (int i = 0; !eol && **p; i++) {
    if (csv_field(p, f, &eol)) return -1;
    if (col < 0 && strcmp(f->data, name) == 0) col = i;
  }
  return col;
}

int bench_corpus_titles(const char *root, lotse_strv_t *titles,
                        lotse_err_t *err) {
  char path[4096];
  if (join_path(path, sizeof path, root, BENCH_GAZETTE_META))
    return lotse_err_set(err, LOTSE_EINVAL, "data path too long");
  char *data;
  size_t len;
  int rc = lotse_file_read(path, BENCH_MAX_FILE, &data, &len, err);
  if (rc) return rc;
  lotse_buf_t f;
  lotse_buf_init(&f, 1 << 20);
  const char *p = data;
  int col = csv_column(&p, "title", &f);
  if (col < 0) rc = lotse_err_set(err, LOTSE_ECORRUPT, "no title in '%s'",
                                  path);
  while (!rc && *p) {
    int eol = 0;
    for (int i = 0; !eol && *p && !rc; i++) {
      rc = csv_field(&p, &f, &eol);
      if (!rc && i == col && f.len) rc = lotse_strv_push(titles, f.data);
    }
  }
  if (rc == LOTSE_ENOMEM || rc == LOTSE_ETOOBIG)
    lotse_err_set(err, rc, "unable to read '%s'", path);
  lotse_buf_release(&f);
  free(data);
  return rc;
}

/* ------------------------------------------------------------- headings */

/* "§ 12a Text", "Teil I - Text", "Abschnitt 2 - Text" -> "Text". */
static const char *heading_text(const char *h) {
  const char *dash = strstr(h, " - ");
  if (dash) return dash + 3;
  if (!strncmp(h, "\xC2\xA7 ", 3)) {
    const char *sp = strchr(h + 3, ' ');
    return sp ? sp + 1 : "";
  }
  return h;
}

static int headings_of(const char *text, lotse_strv_t *heads) {
  int rc = 0;
  for (const char *l = text; l && *l && !rc;) {
    const char *nl = strchr(l, '\n');
    size_t n = nl ? (size_t)(nl - l) : strlen(l);
    if (n > 3 && !strncmp(l, "##", 2)) {
      char *h = lotse_strndup(l, n);
      if (!h) return LOTSE_ENOMEM;
      char *s = h;
      while (*s == '#' || *s == ' ') s++;
      const char *t = heading_text(s);
      if (*t) rc = lotse_strv_push(heads, t);
      free(h);
    }
    l = nl ? nl + 1 : NULL;
  }
  return rc;
}

int bench_corpus_headings(const lotse_strv_t *files, lotse_strv_t *heads,
                          lotse_err_t *err) {
  int rc = 0;
  for (size_t i = 0; i < files->n && !rc; i++) {
    if (!ends_with(files->v[i], ".md")) continue;
    char *data;
    size_t len;
    rc = lotse_file_read(files->v[i], BENCH_MAX_FILE, &data, &len, err);
    if (rc) break;
    rc = headings_of(data, heads);
    free(data);
    if (rc) lotse_err_set(err, rc, "out of memory");
  }
  return rc;
}

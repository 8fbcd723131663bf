/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/pipeline.c — the ingest batch: walk the given paths, skip what is
 * unchanged, extract, chunk and store each file in its own transaction.
 *
 * Crash safety comes from the store: a document's version, chunks and index
 * entries commit together, so after a kill -9 the next run finds every
 * committed document unchanged (same sha256) and stores only the rest;
 * documents.source is unique, so nothing is stored twice.
 * A bad file is reported through the progress callback and the batch goes
 * on; only a failure of the batch itself (database) stops it.
 */
#include "ingest/ingest.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void ingest_opts_default(ingest_opts_t *o) {
  memset(o, 0, sizeof *o);
  ingest_limits_default(&o->limits);
  o->data_class = STORE_CLASS_INTERN;
  o->chunk_target = 1200;
}

/* ------------------------------------------------------------- one file */

static int store_extracted(store_t *st, const char *source, const char *sha,
                           size_t len, int64_t mtime, const ingest_opts_t *o,
                           const ingest_extract_t *x, store_put_result_t *res,
                           ingest_summary_t *sum, lotse_err_t *err) {
  ingest_chunks_t ch;
  int rc = ingest_chunk(x, o->chunk_target, &ch, err);
  if (rc) return rc;
  store_doc_in_t d = {
      .source = source, .title = x->title,
      .mime = ingest_type_mime(x->type), .sha256 = sha,
      .size = (int64_t)len, .mtime = mtime, .data_class = o->data_class,
      .groups = o->groups, .ngroups = o->ngroups, .metadata = x->metadata};
  rc = store_doc_put(st, &d, ch.v, ch.n, res, err);
  if (!rc && sum) {
    sum->text_bytes += (int64_t)ch.text_len;
    sum->ocr_pages += x->ocr_pages;
    sum->hidden += x->hidden_total > 0;
  }
  ingest_chunks_release(&ch);
  return rc;
}

static void count(ingest_summary_t *sum, store_put_status_t s) {
  if (!sum) return;
  switch (s) {
  case STORE_PUT_NEW: sum->added++; break;
  case STORE_PUT_VERSION: sum->updated++; break;
  case STORE_PUT_UNCHANGED: sum->unchanged++; break;
  case STORE_PUT_ACCESS: sum->access++; break;
  }
}

int ingest_one(store_t *st, const char *source, const char *data, size_t len,
               int64_t mtime, const ingest_opts_t *o, store_put_result_t *res,
               ingest_summary_t *sum, lotse_err_t *err) {
  memset(res, 0, sizeof *res);
  if (len > o->limits.max_file_bytes)
    return lotse_err_set(err, LOTSE_ETOOBIG,
                         "file is %zu bytes, larger than the limit of %zu",
                         len, o->limits.max_file_bytes);
  char sha[65];
  lotse_sha256_hex(data, len, sha);
  store_doc_state_t state;
  int rc = store_doc_state(st, source, &state, err);
  if (rc && rc != LOTSE_ENOTFOUND) return rc;
  int same = (rc == 0 && strcmp(state.sha256, sha) == 0);
  if (rc == 0) free(state.groups);
  if (same) {
    /* Content unchanged: only access (class, groups) may need an update. */
    store_doc_in_t d = {.source = source, .sha256 = sha,
                        .size = (int64_t)len, .mtime = mtime,
                        .data_class = o->data_class, .groups = o->groups,
                        .ngroups = o->ngroups};
    rc = store_doc_put(st, &d, NULL, 0, res, err);
  } else {
    ingest_extract_t x;
    ingest_extract_init(&x, o->limits.max_text_bytes);
    rc = ingest_extract(data, len, source, &o->limits, &x, err);
    if (!rc)
      rc = store_extracted(st, source, sha, len, mtime, o, &x, res, sum, err);
    ingest_extract_release(&x);
  }
  if (!rc) count(sum, res->status);
  return rc;
}

/* ------------------------------------------------------------- walking */

static int cmp_path(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect regular files below dir; symlinks and dot-files are skipped so a
 * link cannot lead the walk out of the tree or into a loop. */
static int walk(const char *dir, int depth, lotse_strv_t *files,
                lotse_err_t *err) {
  if (depth > 64)
    return lotse_err_set(err, LOTSE_EINVAL, "directory tree too deep at '%s'",
                         dir);
  DIR *d = opendir(dir);
  if (!d)
    return lotse_err_set(err, LOTSE_EIO, "unable to read directory '%s': %s",
                         dir, strerror(errno));
  lotse_strv_t here = {0};
  int rc = 0;
  struct dirent *e;
  while (!rc && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    lotse_buf_t p;
    lotse_buf_init(&p, 8192);
    if (lotse_buf_printf(&p, "%s/%s", dir, e->d_name)) {
      lotse_buf_release(&p);
      continue;
    }
    rc = lotse_strv_push(&here, p.data);
    lotse_buf_release(&p);
  }
  closedir(d);
  if (here.n) qsort(here.v, here.n, sizeof *here.v, cmp_path);
  for (size_t i = 0; i < here.n && !rc; i++) {
    struct stat st;
    if (lstat(here.v[i], &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) rc = walk(here.v[i], depth + 1, files, err);
    else if (S_ISREG(st.st_mode)) rc = lotse_strv_push(files, here.v[i]);
  }
  lotse_strv_release(&here);
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  return rc;
}

static int collect(const char *const *paths, size_t n, lotse_strv_t *files,
                   lotse_err_t *err) {
  for (size_t i = 0; i < n; i++) {
    char *abs = lotse_path_abs(paths[i]);
    if (!abs)
      return lotse_err_set(err, LOTSE_ENOTFOUND, "'%s' does not exist",
                           paths[i]);
    int rc = lotse_path_is_dir(abs) ? walk(abs, 0, files, err)
                                    : lotse_strv_push(files, abs);
    free(abs);
    if (rc) return rc;
  }
  return 0;
}

/* ------------------------------------------------------------- the batch */

static int ingest_path(store_t *st, const char *path, const ingest_opts_t *o,
                       ingest_summary_t *sum, lotse_err_t *err) {
  char *data;
  size_t len;
  int rc = lotse_file_read(path, o->limits.max_file_bytes, &data, &len, err);
  if (rc) return rc;
  struct stat stt;
  int64_t mtime = stat(path, &stt) == 0 ? (int64_t)stt.st_mtime : 0;
  sum->bytes_in += (int64_t)len;
  store_put_result_t res;
  rc = ingest_one(st, path, data, len, mtime, o, &res, sum, err);
  free(data);
  return rc;
}

int ingest_run(store_t *st, const char *const *paths, size_t npaths,
               const ingest_opts_t *o, ingest_progress_cb cb, void *ctx,
               ingest_summary_t *sum, lotse_err_t *err) {
  memset(sum, 0, sizeof *sum);
  double t0 = lotse_now_mono();
  lotse_strv_t files = {0};
  int rc = collect(paths, npaths, &files, err);
  if (rc) {
    lotse_strv_release(&files);
    return rc;
  }
  if (cb) cb(ctx, INGEST_EV_SCAN_DONE, NULL, 0, (int)files.n, NULL);
  for (size_t i = 0; i < files.n; i++) {
    lotse_err_t ferr = {0};
    sum->files++;
    rc = ingest_path(st, files.v[i], o, sum, &ferr);
    if (rc == LOTSE_EDB || rc == LOTSE_ENOMEM) {
      /* The store itself failed: later files would fail the same way. */
      lotse_err_set(err, rc, "'%s': %s", files.v[i], ferr.msg);
      break;
    }
    if (rc) {
      sum->failed++;
      if (cb) cb(ctx, INGEST_EV_FILE_FAILED, files.v[i], (int)i + 1,
                 (int)files.n, ferr.msg[0] ? ferr.msg : lotse_strerror(rc));
      rc = 0;
    }
    if (cb) cb(ctx, INGEST_EV_FILE_DONE, files.v[i], (int)i + 1,
               (int)files.n, NULL);
  }
  sum->seconds = lotse_now_mono() - t0;
  lotse_strv_release(&files);
  return rc;
}

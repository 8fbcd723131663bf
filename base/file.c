/* SPDX-License-Identifier: EUPL-1.2
 *
 * base/file.c — whole-file reads with a size cap, directory creation and
 * path helpers.
 */
#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lotse_file_read(const char *path, size_t max, char **data, size_t *len,
                    lotse_err_t *err) {
  *data = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return lotse_err_set(err, errno == ENOENT ? LOTSE_ENOTFOUND : LOTSE_EIO,
                         "unable to open '%s': %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return lotse_err_set(err, LOTSE_EIO, "'%s' is not a regular file", path);
  }
  if ((uint64_t)st.st_size > max) {
    close(fd);
    return lotse_err_set(err, LOTSE_ETOOBIG,
                         "'%s' is %lld bytes, larger than the limit of %zu",
                         path, (long long)st.st_size, max);
  }
  size_t cap = (size_t)st.st_size;
  char *buf = malloc(cap + 1);
  if (!buf) {
    close(fd);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory reading '%s'", path);
  }
  size_t got = 0;
  while (got < cap) {
    ssize_t r = read(fd, buf + got, cap - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int e = errno;
      free(buf);
      close(fd);
      return lotse_err_set(err, LOTSE_EIO, "unable to read '%s': %s", path,
                           strerror(e));
    }
    if (r == 0) break; /* file shrank while reading: take what is there */
    got += (size_t)r;
  }
  close(fd);
  buf[got] = '\0';
  *data = buf;
  *len = got;
  return 0;
}

int lotse_file_write(const char *path, const void *p, size_t n,
                     lotse_err_t *err) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return lotse_err_set(err, LOTSE_EIO, "unable to create '%s': %s", path,
                         strerror(errno));
  size_t w = fwrite(p, 1, n, f);
  int bad = (w != n) | (fclose(f) != 0);
  if (bad)
    return lotse_err_set(err, LOTSE_EIO, "unable to write '%s'", path);
  return 0;
}

int lotse_mkdir_p(const char *path, lotse_err_t *err) {
  char tmp[PATH_MAX];
  if (strlen(path) >= sizeof tmp)
    return lotse_err_set(err, LOTSE_EINVAL, "path too long '%s'", path);
  strcpy(tmp, path);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
      return lotse_err_set(err, LOTSE_EIO, "unable to create '%s': %s", tmp,
                           strerror(errno));
    *p = '/';
  }
  if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
    return lotse_err_set(err, LOTSE_EIO, "unable to create '%s': %s", tmp,
                         strerror(errno));
  if (!lotse_path_is_dir(tmp))
    return lotse_err_set(err, LOTSE_EIO, "'%s' exists and is not a directory",
                         tmp);
  return 0;
}

int lotse_path_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *lotse_path_abs(const char *path) {
  return realpath(path, NULL);
}

const char *lotse_path_base(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

const char *lotse_path_ext(const char *path) {
  const char *b = lotse_path_base(path);
  const char *d = strrchr(b, '.');
  return (d && d != b) ? d : "";
}

int lotse_stream_read(FILE *f, size_t max, char **data, size_t *len,
                      lotse_err_t *err) {
  lotse_buf_t b;
  lotse_buf_init(&b, max);
  char chunk[65536];
  size_t n;
  *data = NULL;
  *len = 0;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (lotse_buf_append(&b, chunk, n)) {
      lotse_buf_release(&b);
      return lotse_err_set(err, LOTSE_ETOOBIG,
                           "input larger than the limit of %zu bytes", max);
    }
  if (ferror(f)) {
    lotse_buf_release(&b);
    return lotse_err_set(err, LOTSE_EIO, "unable to read the input stream");
  }
  *len = b.len;
  *data = lotse_buf_detach(&b); /* "" when nothing was read */
  return *data ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
}

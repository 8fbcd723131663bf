/* SPDX-License-Identifier: EUPL-1.2
 *
 * base/base.h — the lowest layer: error codes, bounded buffers, hashing,
 * configuration, file helpers and logging.
 *
 * Contract: nothing here prints to stdout or calls exit(); every function
 * that can fail returns 0 or a negative LOTSE_E* code and, where it takes a
 * lotse_err_t, fills a one-line message (lower-case, no full stop).
 */
#ifndef LOTSE_BASE_H
#define LOTSE_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---------------------------------------------------------------- errors */

/* Stable codes: never renumber; retire a slot with a comment instead. */
#define LOTSE_ERRNO_MAP(XX)                                          \
  XX(EINVAL, -1, "invalid argument")                                 \
  XX(ENOMEM, -2, "out of memory")                                    \
  XX(EIO, -3, "input/output error")                                  \
  XX(ECORRUPT, -4, "malformed or corrupt input")                     \
  XX(ENOTFOUND, -5, "not found")                                     \
  XX(EEXIST, -6, "already exists")                                   \
  XX(ETOOBIG, -7, "input too large")                                 \
  XX(EUNSUPPORTED, -8, "unsupported format")                         \
  XX(EENCRYPTED, -9, "encrypted content")                            \
  XX(EDB, -10, "database error")                                     \
  XX(EACCESS, -11, "access denied")                                  \
  XX(EEMPTY, -12, "no content")                                      \
  XX(ESCHEMA, -13, "database schema newer than this program")        \
  XX(EINTERNAL, -14, "internal error")                               \
  XX(EUSAGE, -15, "usage error")                                     \
  XX(ECANCELED, -16, "cancelled")                                    \
  XX(ETIMEDOUT, -17, "timed out")                                    \
  XX(ELIMIT, -18, "limit exceeded")                                  \
  XX(EREFUSED, -19, "refused by the governance gate")

enum {
  LOTSE_OK = 0,
#define XX(name, val, msg) LOTSE_##name = (val),
  LOTSE_ERRNO_MAP(XX)
#undef XX
};

#define LOTSE_ERR_MSG_MAX 512

/* Detail of the last failure; code mirrors the return value. */
typedef struct lotse_err {
  int code;
  char msg[LOTSE_ERR_MSG_MAX];
} lotse_err_t;

const char *lotse_err_name(int code);  /* "LOTSE_EINVAL" */
const char *lotse_strerror(int code);  /* "invalid argument" */

/* Fill err (may be NULL) and return code, so callers can write
 * `return lotse_err_set(err, LOTSE_EINVAL, "bad '%s'", x);` */
int lotse_err_set(lotse_err_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lotse_err_clear(lotse_err_t *err);

/* Corrupt input: records where it was detected, like SQLITE_CORRUPT_BKPT. */
#define LOTSE_CORRUPT_BKPT(err, ...) \
  lotse_err_corrupt_at((err), __FILE__, __LINE__, __VA_ARGS__)
int lotse_err_corrupt_at(lotse_err_t *err, const char *file, int line,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Defensive checks kept in release builds (SQLite ALWAYS/NEVER). */
#define ALWAYS(x) (__builtin_expect(!!(x), 1))
#define NEVER(x) (__builtin_expect(!!(x), 0))

/* --------------------------------------------------------------- buffers */

/* A growable byte buffer with a hard cap (curl dynbuf). data is always
 * NUL-terminated when len > 0 or after any successful append. */
typedef struct lotse_buf {
  char *data;
  size_t len;
  size_t cap;
  size_t max; /* appends beyond max fail with LOTSE_ETOOBIG */
} lotse_buf_t;

void lotse_buf_init(lotse_buf_t *b, size_t max);
void lotse_buf_release(lotse_buf_t *b);
void lotse_buf_reset(lotse_buf_t *b); /* len = 0, keeps memory */
int lotse_buf_append(lotse_buf_t *b, const void *p, size_t n);
int lotse_buf_puts(lotse_buf_t *b, const char *s);
int lotse_buf_putc(lotse_buf_t *b, char c);
int lotse_buf_printf(lotse_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hand the string to the caller (who frees it); b is empty afterwards. */
char *lotse_buf_detach(lotse_buf_t *b);

/* Growable array of owned strings. */
typedef struct lotse_strv {
  char **v;
  size_t n;
  size_t cap;
} lotse_strv_t;

int lotse_strv_push(lotse_strv_t *sv, const char *s); /* copies s */
void lotse_strv_release(lotse_strv_t *sv);

/* ---------------------------------------------------------------- strings */

char *lotse_strdup(const char *s);             /* NULL on OOM or NULL s */
char *lotse_strndup(const char *s, size_t n);
/* Collapse runs of whitespace to one space and trim both ends, in place. */
void lotse_str_squeeze(char *s);
/* Replace invalid UTF-8 sequences by U+FFFD; returns a new string. */
char *lotse_utf8_sanitize(const char *s, size_t n);
int lotse_utf8_valid(const char *s, size_t n);

/* ----------------------------------------------------------------- hashing */

typedef struct lotse_sha256 {
  uint32_t h[8];
  uint64_t nbytes;
  unsigned char block[64];
  size_t fill;
} lotse_sha256_t;

void lotse_sha256_init(lotse_sha256_t *s);
void lotse_sha256_update(lotse_sha256_t *s, const void *p, size_t n);
void lotse_sha256_final(lotse_sha256_t *s, unsigned char out[32]);
/* Lower-case hex of the digest of p[0..n), written to hex[65]. */
void lotse_sha256_hex(const void *p, size_t n, char hex[65]);

/* ------------------------------------------------------------------- files */

/* Read a whole file, refusing files larger than max bytes. The caller frees
 * *data (which is NUL-terminated). */
int lotse_file_read(const char *path, size_t max, char **data, size_t *len,
                    lotse_err_t *err);
/* Read a stream (stdin for "FILE|-" operands) to its end, refusing more
 * than max bytes. The caller frees *data (NUL-terminated; "" when empty). */
int lotse_stream_read(FILE *f, size_t max, char **data, size_t *len,
                      lotse_err_t *err);
int lotse_file_write(const char *path, const void *p, size_t n,
                     lotse_err_t *err);
int lotse_mkdir_p(const char *path, lotse_err_t *err);
int lotse_path_is_dir(const char *path);
/* Absolute, normalised form of path (realpath); caller frees. */
char *lotse_path_abs(const char *path);
const char *lotse_path_ext(const char *path); /* ".pdf" or "" */
const char *lotse_path_base(const char *path);

/* -------------------------------------------------------------- config */

/* lotse.conf: `key = value` lines, '#' comments, optional [section] headers
 * that prefix keys as "section.key". Unknown keys are kept (for later
 * modules) but a line without '=' is an error with its line number. */
typedef struct lotse_conf lotse_conf_t;

int lotse_conf_load(const char *path, lotse_conf_t **out, lotse_err_t *err);
lotse_conf_t *lotse_conf_new(void);
void lotse_conf_free(lotse_conf_t *c);
const char *lotse_conf_get(const lotse_conf_t *c, const char *key,
                           const char *def);
long long lotse_conf_get_int(const lotse_conf_t *c, const char *key,
                             long long def);
int lotse_conf_get_bool(const lotse_conf_t *c, const char *key, int def);
int lotse_conf_set(lotse_conf_t *c, const char *key, const char *value);

/* ---------------------------------------------------------------- time, log */

int64_t lotse_now_unix(void);
double lotse_now_mono(void); /* seconds, monotonic */

typedef enum { LOTSE_LOG_DEBUG, LOTSE_LOG_INFO, LOTSE_LOG_WARN,
               LOTSE_LOG_ERROR } lotse_log_level_t;
/* Library code logs to stderr through this hook (never stdout). */
void lotse_log(lotse_log_level_t lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void lotse_log_set_level(lotse_log_level_t lvl);

#endif

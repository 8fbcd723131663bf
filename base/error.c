/* SPDX-License-Identifier: EUPL-1.2
 *
 * base/error.c — error codes, their names and messages, and the detail
 * record that travels with a failure.
 */
#include "base/base.h"

#include <stdio.h>
#include <string.h>

const char *lotse_err_name(int code) {
  switch (code) {
  case LOTSE_OK: return "LOTSE_OK";
#define XX(name, val, msg) case LOTSE_##name: return "LOTSE_" #name;
    LOTSE_ERRNO_MAP(XX)
#undef XX
  }
  return "LOTSE_EUNKNOWN";
}

const char *lotse_strerror(int code) {
  switch (code) {
  case LOTSE_OK: return "success";
#define XX(name, val, msg) case LOTSE_##name: return msg;
    LOTSE_ERRNO_MAP(XX)
#undef XX
  }
  return "unknown error";
}

__attribute__((format(printf, 3, 0)))
static int vset(lotse_err_t *err, int code, const char *fmt, va_list ap) {
  if (!err) return code;
  err->code = code;
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  /* Messages are one line: a newline would break logs and JSON lines. */
  for (char *p = err->msg; *p; p++)
    if (*p == '\n' || *p == '\r') *p = ' ';
  return code;
}

int lotse_err_set(lotse_err_t *err, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vset(err, code, fmt, ap);
  va_end(ap);
  return code;
}

int lotse_err_corrupt_at(lotse_err_t *err, const char *file, int line,
                         const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vset(err, LOTSE_ECORRUPT, fmt, ap);
  va_end(ap);
  lotse_log(LOTSE_LOG_DEBUG, "corrupt input detected at %s:%d", file, line);
  return LOTSE_ECORRUPT;
}

void lotse_err_clear(lotse_err_t *err) {
  if (!err) return;
  err->code = 0;
  err->msg[0] = '\0';
}

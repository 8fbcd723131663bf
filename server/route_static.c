/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_static.c — GET / and GET /web/{file}: the staff web
 * application (plain HTML, CSS and ES modules from the web/ folder, no
 * build step).
 *
 * Where web/ is found (first that exists, resolved once per process):
 *   1. $LOTSE_WEB_DIR;
 *   2. ../web beside the binary (build/lotse in a checkout → web/);
 *   3. ../share/lotse/web beside the binary (an installed lotse).
 * Contract: only regular files directly below that folder or its
 * sub-folders are served; a path with "..", a hidden segment, a character
 * outside [A-Za-z0-9._-/] or a symbolic link leading outside the folder is
 * 404, exactly like a missing file; so is a request target with a query
 * or percent-encoding (a %00 would otherwise cut the decoded path). Types come from the extension (an
 * unknown one is 404, so nothing is served as something it is not).
 * Invariants: every page reply carries the page CSP (scripts, styles and
 * connections from this origin only, no inline script, no framing) besides
 * nosniff and no-store; files are read whole, at most STATIC_MAX bytes.
 * Specs: server/api/web-index.json, server/api/web.json.
 */
#include "server/server_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATIC_MAX (4u << 20)
#define STATIC_PREFIX "/web/"

#define PAGE_CSP                                                            \
  "default-src 'none'; script-src 'self'; style-src 'self'; "               \
  "img-src 'self' data:; connect-src 'self'; font-src 'self'; "             \
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

static const struct {
  const char *ext, *ctype;
} TYPES[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json; charset=utf-8"},
    {".txt", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
};

static pthread_once_t web_once = PTHREAD_ONCE_INIT;
static char web_dir[PATH_MAX]; /* "" when none was found */

static int dir_real(const char *path, char out[PATH_MAX]) {
  struct stat sb;
  if (!realpath(path, out)) return -1;
  return stat(out, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -1;
}

static void web_dir_find(void) {
  const char *env = getenv("LOTSE_WEB_DIR");
  if (env && *env && dir_real(env, web_dir) == 0) return;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    static const char *const rel[] = {"/../web", "/../share/lotse/web"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
      char cand[PATH_MAX + 32];
      snprintf(cand, sizeof cand, "%s%s", exe, rel[i]);
      if (dir_real(cand, web_dir) == 0) return;
    }
  }
  web_dir[0] = '\0';
}

/* Whether rel (below web/) is a name we serve: safe characters, no empty,
 * hidden or ".." segment. */
static int rel_ok(const char *rel) {
  size_t n = strlen(rel);
  if (n == 0 || n > 200) return 0;
  const char *seg = rel;
  for (size_t i = 0; i <= n; i++) {
    char c = rel[i];
    if (c == '/' || c == '\0') {
      if (rel + i == seg || *seg == '.') return 0; /* empty, hidden, .. */
      seg = rel + i + 1;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

static const char *type_of(const char *rel) {
  const char *dot = strrchr(rel, '.');
  if (!dot) return NULL;
  for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
    if (strcmp(dot, TYPES[i].ext) == 0) return TYPES[i].ctype;
  return NULL;
}

/* Read web/rel whole into *out (malloc'ed). -1: not servable. */
static int file_read(const char *rel, char **out, size_t *len) {
  char path[PATH_MAX + 256], real[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", web_dir, rel);
  if (!realpath(path, real)) return -1;
  size_t dl = strlen(web_dir);
  if (strncmp(real, web_dir, dl) != 0 || real[dl] != '/') return -1;
  int fd = open(real, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat sb;
  int rc = -1;
  char *buf = NULL;
  if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < 0 ||
      (unsigned long long)sb.st_size > STATIC_MAX)
    goto out;
  size_t want = (size_t)sb.st_size, got = 0;
  buf = malloc(want ? want : 1);
  if (!buf) goto out;
  while (got < want) {
    ssize_t k = read(fd, buf + got, want - got);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) goto out;
    got += (size_t)k;
  }
  *out = buf;
  *len = got;
  buf = NULL;
  rc = 0;
out:
  free(buf);
  close(fd);
  return rc;
}

static enum MHD_Result serve(http_req_t *r, const char *rel) {
  pthread_once(&web_once, web_dir_find);
  if (!web_dir[0])
    return server_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                              "Die Weboberfläche ist nicht installiert "
                              "(Ordner web/ nicht gefunden; LOTSE_WEB_DIR "
                              "setzen)");
  const char *ctype = rel_ok(rel) ? type_of(rel) : NULL;
  char *body = NULL;
  size_t len = 0;
  if (!ctype || file_read(rel, &body, &len))
    return server_reply_error(r, MHD_HTTP_NOT_FOUND, "Datei nicht gefunden");
  return server_reply_page(r, MHD_HTTP_OK, ctype, PAGE_CSP, body, len);
}

enum MHD_Result route_index(http_req_t *r) { return serve(r, "index.html"); }

enum MHD_Result route_static(http_req_t *r) {
  /* File names never need percent-encoding or a query; the decoded path
   * would hide a %00 (MHD's path ends at the first NUL). */
  if (r->uri_len != strlen(r->path))
    return server_reply_error(r, MHD_HTTP_NOT_FOUND, "Datei nicht gefunden");
  return serve(r, r->path + strlen(STATIC_PREFIX));
}

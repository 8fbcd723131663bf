/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/server.c — starting and stopping the libmicrohttpd daemon and the
 * life of one request: size limits first, then the route table.
 *
 * Contract: server_start() returns once the socket is bound (port 0 picks
 * a free one, read back with server_port()); server_stop() waits for the
 * running requests, then closes every worker's store.
 * Invariants: (1) a request target longer than url_max is 414 and a
 * request larger than max_request_bytes (target + headers + body) is 413,
 * both before any routing or database work; (2) a request whose header
 * block does not fit the connection's memory is refused by MHD itself
 * (431 or 414, without our JSON body); (3) every request struct is freed
 * in on_completed.
 */
#include "server/server_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONN_LIMIT 256
#define CONN_TIMEOUT_S 30
#define HEADER_ROOM (32u << 10) /* room for header lines beyond the URL */

void server_opts_default(server_opts_t *o) {
  memset(o, 0, sizeof *o);
  o->db_path = "lotse.db";
  o->bind = "127.0.0.1";
  o->port = 8080;
  o->dev_tokens = 0;
  o->max_request_bytes = 64u << 10;
  o->threads = 2;
}

int server_port(const server_t *s) { return s ? s->port : 0; }

/* ------------------------------------------------------------ requests */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  http_req_t *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->srv = cls;
  r->conn = c;
  r->uri_len = uri ? strlen(uri) : 0;
  r->route = ROUTE_ID_OTHER;
  r->t0 = lotse_now_mono();
  return r;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)c;
  http_req_t *r = *con_cls;
  if (r && r->v1) server_v1_request_done(r, (int)toe);
  if (r) lotse_buf_release(&r->body);
  free(r);
  *con_cls = NULL;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind,
                                    const char *key, const char *value) {
  (void)kind;
  size_t *sum = cls;
  *sum += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " CRLF */
  return MHD_YES;
}

/* Content-Length as a number; -1 when absent or not a plain number. */
static long long content_length(struct MHD_Connection *c) {
  const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                              MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (!v || !*v) return -1;
  char *end;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  return (*end || errno || n < 0) ? -1 : n;
}

static enum MHD_Result reply_too_large(http_req_t *r) {
  return server_reply_error(r, MHD_HTTP_CONTENT_TOO_LARGE,
                            "Anfrage zu groß (höchstens %zu Bytes)",
                            server_route_body_max(r->srv, r->route));
}

/* First call for a request: headers are in, the body (if any) not yet. */
static enum MHD_Result request_begin(http_req_t *r, const char *url,
                                     const char *method) {
  const server_t *s = r->srv;
  r->started = 1;
  r->method = method;
  r->path = url;
  r->route = server_route_classify(url);
  if (r->uri_len > s->url_max)
    return server_reply_error(r, MHD_HTTP_URI_TOO_LONG,
                              "Anfrage-URL zu lang (höchstens %zu Bytes)",
                              s->url_max);
  r->head_bytes = r->uri_len;
  MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_header,
                            &r->head_bytes);
  size_t max = server_route_body_max(s, r->route);
  if (r->head_bytes > max) return reply_too_large(r);
  long long cl = content_length(r->conn);
  if (cl >= 0 && (unsigned long long)cl > max - r->head_bytes) {
    /* Refuse now when the client waits for "100 Continue" or the body is
     * too big to drop; MHD then closes the connection after the reply. */
    if (MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                    MHD_HTTP_HEADER_EXPECT) ||
        (unsigned long long)cl > (unsigned long long)max * SERVER_DISCARD_FACTOR)
      return reply_too_large(r);
    r->too_large = 1;
  }
  return MHD_YES;
}

/* A piece of body: counted, and kept for the routes that read one (/v1),
 * dropped for all others. */
static enum MHD_Result request_body(http_req_t *r, const char *data,
                                    size_t *n) {
  size_t max = server_route_body_max(r->srv, r->route);
  r->body_bytes += *n;
  if (r->head_bytes + r->body_bytes > max) {
    r->too_large = 1;
  } else if (server_route_takes_body(r->route)) {
    if (!r->body.max) lotse_buf_init(&r->body, max);
    if (lotse_buf_append(&r->body, data, *n)) r->too_large = 1;
  }
  *n = 0;
  if (r->body_bytes > max * SERVER_DISCARD_FACTOR) return MHD_NO;
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *data_size, void **con_cls) {
  (void)cls;
  (void)c;
  (void)version;
  http_req_t *r = *con_cls;
  if (!r) return MHD_NO; /* out of memory in on_uri */
  if (!r->started) return request_begin(r, url, method);
  if (r->replied) {
    *data_size = 0;
    return MHD_YES;
  }
  if (*data_size) return request_body(r, data, data_size);
  if (r->too_large) return reply_too_large(r);
  return server_route_dispatch(r);
}

/* ------------------------------------------------------------ lifecycle */

static int parse_bind(const char *bind, int port, struct sockaddr_storage *ss,
                      int *v6, lotse_err_t *err) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  char host[64];
  size_t n = strlen(bind);
  if (n >= 2 && bind[0] == '[' && bind[n - 1] == ']') {
    bind++;
    n -= 2;
  }
  if (n >= sizeof host)
    return lotse_err_set(err, LOTSE_EINVAL, "invalid bind address '%s'", bind);
  memcpy(host, bind, n);
  host[n] = '\0';
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    *v6 = 0;
    return 0;
  }
  if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    *v6 = 1;
    return 0;
  }
  return lotse_err_set(err, LOTSE_EINVAL,
                       "invalid bind address '%s' (numeric IPv4 or IPv6)",
                       host);
}

static int opts_check(server_t *s, const server_opts_t *o, lotse_err_t *err) {
  s->o = *o;
  if (!o->db_path || !o->bind)
    return lotse_err_set(err, LOTSE_EINVAL, "server needs db_path and bind");
  if (o->port < 0 || o->port > 65535)
    return lotse_err_set(err, LOTSE_EINVAL, "invalid port %d", o->port);
  if (s->o.max_request_bytes < 1024) s->o.max_request_bytes = 1024;
  if (s->o.threads < 1) s->o.threads = 1;
  if (s->o.threads > 64) s->o.threads = 64;
  s->url_max = s->o.max_request_bytes < SERVER_URL_MAX
                   ? s->o.max_request_bytes
                   : SERVER_URL_MAX;
  s->db_path = lotse_strdup(o->db_path);
  s->bind = lotse_strdup(o->bind);
  if (!s->db_path || !s->bind)
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  s->o.db_path = s->db_path;
  s->o.bind = s->bind;
  return 0;
}

/* Fail early with the store's own message when the database is unusable. */
static int db_check(const char *path, lotse_err_t *err) {
  store_t *st;
  int rc = store_open(path, &st, err);
  store_close(st);
  return rc;
}

/* libmicrohttpd does not say why it could not listen: bind a probe socket
 * to the same address to learn the reason (in use, no permission …). */
static const char *bind_reason(const struct sockaddr_storage *ss, int v6) {
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return strerror(errno);
  int one = 1, e = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  socklen_t len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
  if (bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, 1) != 0)
    e = errno;
  close(fd);
  return e ? strerror(e) : "unknown reason";
}

static int daemon_start(server_t *s, lotse_err_t *err) {
  struct sockaddr_storage ss;
  int v6 = 0;
  int rc = parse_bind(s->o.bind, s->o.port, &ss, &v6, err);
  if (rc) return rc;
  /* Suspend/resume: a /v1 request waits for the model without holding a
   * pool thread (server/route_v1.c). */
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
                   MHD_ALLOW_SUSPEND_RESUME;
  if (v6) flags |= MHD_USE_IPv6;
  size_t mem = s->url_max + HEADER_ROOM;
  struct MHD_OptionItem pool[] = {
      {MHD_OPTION_THREAD_POOL_SIZE, s->o.threads, NULL},
      {MHD_OPTION_END, 0, NULL}};
  s->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
      (struct sockaddr *)&ss, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, mem, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned)CONN_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned)CONN_TIMEOUT_S, MHD_OPTION_ARRAY,
      s->o.threads > 1 ? pool : pool + 1, MHD_OPTION_END);
  if (!s->daemon)
    return lotse_err_set(err, LOTSE_EIO, "unable to listen on %s port %d: %s",
                         s->o.bind, s->o.port, bind_reason(&ss, v6));
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info && info->port ? (int)info->port : s->o.port;
  return 0;
}

int server_start(const server_opts_t *o, server_t **out, lotse_err_t *err) {
  *out = NULL;
  server_t *s = calloc(1, sizeof *s);
  if (!s) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = opts_check(s, o, err);
  if (!rc && server_metrics_init(&s->metrics))
    rc = lotse_err_set(err, LOTSE_EINTERNAL, "unable to set up metrics");
  else if (!rc)
    s->metrics_ok = 1;
  if (!rc && pthread_mutex_init(&s->wlock, NULL))
    rc = lotse_err_set(err, LOTSE_EINTERNAL, "unable to set up workers");
  else if (!rc)
    s->wlock_ok = 1;
  if (!rc && pthread_key_create(&s->key, NULL))
    rc = lotse_err_set(err, LOTSE_EINTERNAL, "unable to set up workers");
  else if (!rc)
    s->key_ok = 1;
  if (!rc) rc = db_check(s->db_path, err);
  if (!rc) rc = server_v1_start(s, err);
  if (!rc) rc = daemon_start(s, err);
  if (rc) {
    server_stop(s);
    return rc;
  }
  *out = s;
  return 0;
}

void server_stop(server_t *s) {
  if (!s) return;
  server_v1_stop(s); /* resumes every suspended connection first */
  if (s->daemon) MHD_stop_daemon(s->daemon); /* joins the worker threads */
  server_v1_free(s);
  server_workers_free(s);
  if (s->key_ok) pthread_key_delete(s->key);
  if (s->wlock_ok) pthread_mutex_destroy(&s->wlock);
  if (s->metrics_ok) server_metrics_release(&s->metrics);
  free(s->db_path);
  free(s->bind);
  free(s);
}

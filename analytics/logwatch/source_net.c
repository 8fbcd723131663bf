/* SPDX-License-Identifier: EUPL-1.2
 *
 * analytics/logwatch/source_net.c — syslog listeners: UDP (one message per
 * datagram, RFC 5426) and TCP (RFC 6587: octet counting "LEN SP MSG" or
 * newline framing, decided per frame), bound to the configured address
 * (loopback unless the operator says otherwise).
 *
 * Contract: lw_net_serve runs one poll loop in the calling thread until
 * lw_run_done (max_events, or *stop set by a signal handler — poll wakes
 * up on EINTR); it commits a batch every LW_INGEST_BATCH records or
 * second and once more at the end.
 * Invariants: (1) every buffer is capped (datagram 64 KiB, TCP frame
 * LW_NET_MAX_FRAME; a longer frame is cut there and the rest of it
 * dropped); (2) at most LW_NET_MAX_CONNS connections, later ones are
 * closed at once; (3) every socket is closed on every exit path.
 */
#include "analytics/logwatch/ingest_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LW_NET_MAX_FRAME (64u * 1024u)
#define LW_NET_MAX_CONNS 64
#define LW_NET_MAX_LISTEN 16

typedef struct conn {
  int fd;
  lw_src *src;
  char *buf;
  size_t len;
  int skip; /* dropping the rest of an over-long frame */
} conn_t;

typedef struct net {
  lw_run *r;
  struct pollfd pfd[LW_NET_MAX_LISTEN + LW_NET_MAX_CONNS];
  int proto[LW_NET_MAX_LISTEN];
  lw_src *lsrc[LW_NET_MAX_LISTEN];
  size_t nl;
  conn_t conn[LW_NET_MAX_CONNS];
  char dgram[LW_NET_MAX_FRAME + 1];
} net_t;

int lw_listen_parse(const char *spec, int *proto, int *port,
                        lotse_err_t *err) {
  const char *p = NULL;
  if (!strncmp(spec, "udp:", 4)) *proto = 'u', p = spec + 4;
  else if (!strncmp(spec, "tcp:", 4)) *proto = 't', p = spec + 4;
  char *end = NULL;
  long v = p && *p ? strtol(p, &end, 10) : -1;
  if (!p || !end || *end || v < 0 || v > 65535)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "'%s' ist keine gültige Empfangsangabe (udp:PORT "
                         "oder tcp:PORT, Port 0 bis 65535)", spec);
  *port = (int)v;
  return 0;
}

static int bind_one(net_t *nt, const char *spec, lw_src *src,
                    const char *addr, lotse_err_t *err) {
  int proto, port;
  if (lw_listen_parse(spec, &proto, &port, err)) return LOTSE_EINVAL;
  char ports[8];
  snprintf(ports, sizeof ports, "%d", port);
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_flags = AI_PASSIVE,
                           .ai_socktype = proto == 'u' ? SOCK_DGRAM
                                                       : SOCK_STREAM};
  struct addrinfo *ai = NULL;
  int g = getaddrinfo(addr, ports, &hints, &ai);
  if (g)
    return lotse_err_set(err, LOTSE_EINVAL, "Adresse '%s' unbekannt: %s",
                         addr, gai_strerror(g));
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
                                     SOCK_NONBLOCK, 0);
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int bad = fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) ||
            (proto == 't' && listen(fd, 16));
  int e = errno;
  freeaddrinfo(ai);
  if (bad) {
    if (fd >= 0) close(fd);
    return lotse_err_set(err, LOTSE_EIO, "%s auf %s nicht möglich: %s", spec,
                         addr, strerror(e));
  }
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  int actual = port;
  if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
    actual = ntohs(ss.ss_family == AF_INET6
                       ? ((struct sockaddr_in6 *)&ss)->sin6_port
                       : ((struct sockaddr_in *)&ss)->sin_port);
  nt->pfd[nt->nl] = (struct pollfd){.fd = fd, .events = POLLIN};
  nt->proto[nt->nl] = proto;
  nt->lsrc[nt->nl++] = src;
  if (nt->r->o->on_listening)
    nt->r->o->on_listening(nt->r->o->ud, spec, actual);
  return 0;
}

static void conn_close(net_t *nt, size_t i) {
  conn_t *c = &nt->conn[i];
  if (c->fd >= 0) close(c->fd);
  free(c->buf);
  *c = (conn_t){.fd = -1};
  nt->pfd[nt->nl + i].fd = -1;
}

/* ----------------------------------------------------------- receiving */

static int on_udp(net_t *nt, size_t li) {
  for (int k = 0; k < 256 && !lw_run_done(nt->r); k++) {
    ssize_t n = recv(nt->pfd[li].fd, nt->dgram, LW_NET_MAX_FRAME, 0);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
                          ? 0
                          : lotse_err_set(nt->r->err, LOTSE_EIO,
                                          "UDP-Empfang: %s", strerror(errno));
    int rc = lw_run_record(nt->r, nt->lsrc[li], nt->dgram, (size_t)n);
    if (rc) return rc;
  }
  return 0;
}

static void on_accept(net_t *nt, size_t li) {
  int fd = accept4(nt->pfd[li].fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;
  for (size_t i = 0; i < LW_NET_MAX_CONNS; i++) {
    if (nt->conn[i].fd >= 0) continue;
    char *buf = malloc(LW_NET_MAX_FRAME + 16);
    if (!buf) break;
    nt->conn[i] = (conn_t){.fd = fd, .src = nt->lsrc[li], .buf = buf};
    nt->pfd[nt->nl + i] = (struct pollfd){.fd = fd, .events = POLLIN};
    return;
  }
  close(fd); /* too many connections */
}

/* Length of an octet-counting prefix "LEN " at p: 0 when p is not one,
 * (size_t)-1 when more bytes are needed. *msg = the announced length. */
static size_t octet_prefix(const char *p, size_t n, size_t *msg) {
  if (!n || p[0] < '1' || p[0] > '9') return 0;
  size_t k = 0, v = 0;
  while (k < n && k < 6 && p[k] >= '0' && p[k] <= '9') v = v * 10 + (size_t)(p[k++] - '0');
  if (k == n) return (size_t)-1;
  if (p[k] != ' ' || v > LW_NET_MAX_FRAME) return 0;
  *msg = v;
  return k + 1;
}

/* Take the complete frames out of c->buf. */
static int frames(net_t *nt, conn_t *c, int eof) {
  size_t off = 0;
  int rc = 0;
  while (!rc && off < c->len && !lw_run_done(nt->r)) {
    const char *p = c->buf + off;
    size_t n = c->len - off, msg = 0, pre = c->skip ? 0 : octet_prefix(p, n, &msg);
    if (pre == (size_t)-1) break;
    if (pre) {
      if (n - pre < msg) break;
      rc = lw_run_record(nt->r, c->src, p + pre, msg);
      off += pre + msg;
      continue;
    }
    const char *nl = memchr(p, '\n', n);
    if (!nl && !eof) break;
    size_t fl = nl ? (size_t)(nl - p) : n;
    if (!c->skip) rc = lw_run_record(nt->r, c->src, p, fl);
    c->skip = 0;
    off += nl ? fl + 1 : fl;
  }
  memmove(c->buf, c->buf + off, c->len - off);
  c->len -= off;
  if (!rc && c->len >= LW_NET_MAX_FRAME) { /* over-long frame: cut it */
    rc = lw_run_record(nt->r, c->src, c->buf, c->len);
    c->len = 0, c->skip = 1;
  }
  return rc;
}

static int on_conn(net_t *nt, size_t i) {
  conn_t *c = &nt->conn[i];
  ssize_t n = read(c->fd, c->buf + c->len, LW_NET_MAX_FRAME + 8 - c->len);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
  if (n > 0) c->len += (size_t)n;
  int rc = frames(nt, c, n <= 0);
  if (n <= 0) conn_close(nt, i);
  return rc;
}

/* --------------------------------------------------------------- loop */

static int poll_once(net_t *nt) {
  int k = poll(nt->pfd, nt->nl + LW_NET_MAX_CONNS, 200);
  if (k < 0)
    return errno == EINTR ? 0 : lotse_err_set(nt->r->err, LOTSE_EIO,
                                              "poll: %s", strerror(errno));
  int rc = 0;
  for (size_t i = 0; !rc && i < nt->nl; i++) {
    if (!(nt->pfd[i].revents & POLLIN)) continue;
    if (nt->proto[i] == 'u') rc = on_udp(nt, i);
    else on_accept(nt, i);
  }
  for (size_t i = 0; !rc && i < LW_NET_MAX_CONNS; i++)
    if (nt->conn[i].fd >= 0 &&
        (nt->pfd[nt->nl + i].revents & (POLLIN | POLLHUP | POLLERR)))
      rc = on_conn(nt, i);
  return rc;
}

int lw_net_serve(lw_run *r, const lw_source_spec *const *specs,
                 lw_src *const *srcs, size_t n, lw_src *const *all,
                 size_t n_all) {
  if (n > LW_NET_MAX_LISTEN)
    return lotse_err_set(r->err, LOTSE_EINVAL, "höchstens %d Empfänger",
                         LW_NET_MAX_LISTEN);
  net_t *nt = calloc(1, sizeof *nt);
  if (!nt) return lotse_err_set(r->err, LOTSE_ENOMEM, "out of memory");
  nt->r = r;
  for (size_t i = 0; i < LW_NET_MAX_CONNS; i++) {
    nt->conn[i].fd = -1;
    nt->pfd[LW_NET_MAX_LISTEN + i].fd = -1;
  }
  const char *addr = r->o->bind_addr ? r->o->bind_addr : "127.0.0.1";
  int rc = 0;
  for (size_t i = 0; !rc && i < n; i++)
    rc = bind_one(nt, specs[i]->listen, srcs[i], addr, r->err);
  /* connection slots follow the listeners directly */
  for (size_t i = 0; i < LW_NET_MAX_CONNS; i++) nt->pfd[nt->nl + i].fd = -1;
  uint64_t committed = 0; /* commit what the files read at once */
  double last = lotse_now_mono();
  while (!rc && !lw_run_done(r)) {
    rc = poll_once(nt);
    double now = lotse_now_mono();
    if (!rc && r->records > committed &&
        (r->records - committed >= LW_INGEST_BATCH || now - last >= 1.0)) {
      rc = lw_run_commit(r, all, n_all, 1);
      committed = r->records, last = now;
    }
  }
  if (!rc) rc = lw_run_commit(r, all, n_all, 0);
  for (size_t i = 0; i < LW_NET_MAX_CONNS; i++)
    if (nt->conn[i].fd >= 0) conn_close(nt, i);
  for (size_t i = 0; i < nt->nl; i++) close(nt->pfd[i].fd);
  free(nt);
  return rc;
}

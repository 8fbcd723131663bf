/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/worker.c — one store connection and searcher per worker thread.
 *
 * Contract: store.h allows one store_t per thread, so each thread of the
 * MHD pool opens its own on first use and finds it again through a
 * pthread key. The server owns all of them (a list under a mutex) and
 * closes them in server_stop() after the daemon's threads have ended, so
 * nothing depends on thread-exit destructors.
 */
#include "server/server_internal.h"

#include <stdlib.h>

static void worker_free(server_worker_t *w) {
  if (!w) return;
  search_free(w->search);
  store_close(w->st);
  free(w);
}

void server_workers_free(server_t *s) {
  for (size_t i = 0; i < s->nworkers; i++) worker_free(s->workers[i]);
  free(s->workers);
  s->workers = NULL;
  s->nworkers = s->capworkers = 0;
}

static int worker_register(server_t *s, server_worker_t *w) {
  int rc = 0;
  pthread_mutex_lock(&s->wlock);
  if (s->nworkers == s->capworkers) {
    size_t cap = s->capworkers ? s->capworkers * 2 : 8;
    server_worker_t **v = realloc(s->workers, cap * sizeof *v);
    if (v) {
      s->workers = v;
      s->capworkers = cap;
    } else {
      rc = LOTSE_ENOMEM;
    }
  }
  if (!rc) s->workers[s->nworkers++] = w;
  pthread_mutex_unlock(&s->wlock);
  return rc;
}

static int worker_open(server_t *s, server_worker_t **out, lotse_err_t *err) {
  server_worker_t *w = calloc(1, sizeof *w);
  if (!w) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = store_open(s->db_path, &w->st, err);
  if (!rc) rc = search_new(w->st, &w->search, err);
  if (!rc && worker_register(s, w))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (rc) {
    worker_free(w);
    return rc;
  }
  *out = w;
  return 0;
}

int server_worker_get_or_reply(http_req_t *r) {
  server_t *s = r->srv;
  server_worker_t *w = pthread_getspecific(s->key);
  if (!w) {
    lotse_err_t err = {0};
    if (worker_open(s, &w, &err)) {
      lotse_log(LOTSE_LOG_ERROR, "server: %s", err.msg);
      server_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                         "Datenbank nicht erreichbar");
      return -1;
    }
    pthread_setspecific(s->key, w);
  }
  r->w = w;
  return 0;
}

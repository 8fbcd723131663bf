/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/metrics.c — request counters and latency histograms of the HTTP
 * interface, rendered in Prometheus text format 0.0.4.
 *
 * Contract: server_metrics_record() may be called from any worker thread;
 * one mutex guards the registry (a handful of integer updates per request).
 * Invariants: (1) label values come from fixed sets (route names, the
 * status codes below or "other"), so the number of series is bounded no
 * matter what clients send; (2) bucket counts are cumulative ("le").
 */
#include "server/server_internal.h"

#include <stdio.h>
#include <string.h>

static const unsigned STATUSES[METRICS_NSTATUS - 1] = {
    200, 400, 401, 404, 405, 413, 414, 500, 503};

static const double BOUNDS[METRICS_NBUCKETS] = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

int server_metrics_init(server_metrics_t *m) {
  memset(m, 0, sizeof *m);
  return pthread_mutex_init(&m->lock, NULL) ? LOTSE_EINTERNAL : 0;
}

void server_metrics_release(server_metrics_t *m) {
  pthread_mutex_destroy(&m->lock);
}

static size_t status_index(unsigned status) {
  for (size_t i = 0; i < METRICS_NSTATUS - 1; i++)
    if (STATUSES[i] == status) return i;
  return METRICS_NSTATUS - 1;
}

void server_metrics_record(server_metrics_t *m, route_id_t route,
                           unsigned status, double seconds) {
  if (NEVER(route < 0 || route >= ROUTE_ID_COUNT)) route = ROUTE_ID_OTHER;
  if (!(seconds >= 0)) seconds = 0;
  size_t si = status_index(status);
  pthread_mutex_lock(&m->lock);
  m->requests[route][si]++;
  for (size_t b = 0; b < METRICS_NBUCKETS; b++)
    if (seconds <= BOUNDS[b]) m->buckets[route][b]++;
  m->count[route]++;
  m->sum[route] += seconds;
  pthread_mutex_unlock(&m->lock);
}

void server_metrics_llm_record(server_metrics_t *m, int prompt_tokens,
                               int completion_tokens, int cancelled) {
  pthread_mutex_lock(&m->lock);
  m->llm_generations++;
  if (cancelled) m->llm_cancelled++;
  if (prompt_tokens > 0) m->llm_prompt_tokens += (uint64_t)prompt_tokens;
  if (completion_tokens > 0)
    m->llm_completion_tokens += (uint64_t)completion_tokens;
  pthread_mutex_unlock(&m->lock);
}

void server_metrics_llm_embedding(server_metrics_t *m) {
  pthread_mutex_lock(&m->lock);
  m->llm_embeddings++;
  pthread_mutex_unlock(&m->lock);
}

static int render_counter(lotse_buf_t *b, const char *name, const char *help,
                          uint64_t v) {
  return lotse_buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n",
                          name, help, name, name, (unsigned long long)v);
}

/* The language-model counters of the /v1 endpoints. */
static int render_llm(const server_metrics_t *m, lotse_buf_t *out) {
  int rc = render_counter(out, "lotse_llm_generations_total",
                          "Generations finished by /v1 requests (cancelled "
                          "ones included).",
                          m->llm_generations);
  if (!rc)
    rc = render_counter(out, "lotse_llm_generations_cancelled_total",
                        "Generations stopped because the client went away "
                        "or the server stopped.",
                        m->llm_cancelled);
  if (!rc)
    rc = render_counter(out, "lotse_llm_prompt_tokens_total",
                        "Prompt tokens of /v1 generations.",
                        m->llm_prompt_tokens);
  if (!rc)
    rc = render_counter(out, "lotse_llm_completion_tokens_total",
                        "Tokens generated for /v1 requests.",
                        m->llm_completion_tokens);
  if (!rc)
    rc = render_counter(out, "lotse_llm_embeddings_total",
                        "Texts embedded for /v1/embeddings.",
                        m->llm_embeddings);
  return rc;
}

static int render_counters(const server_metrics_t *m, lotse_buf_t *out) {
  int rc = lotse_buf_puts(out,
                          "# HELP lotse_http_requests_total HTTP requests "
                          "answered, by route and status.\n"
                          "# TYPE lotse_http_requests_total counter\n");
  for (int r = 0; r < ROUTE_ID_COUNT && !rc; r++)
    for (size_t s = 0; s < METRICS_NSTATUS && !rc; s++) {
      if (!m->requests[r][s]) continue;
      char status[16];
      if (s < METRICS_NSTATUS - 1)
        snprintf(status, sizeof status, "%u", STATUSES[s]);
      else
        snprintf(status, sizeof status, "other");
      rc = lotse_buf_printf(
          out, "lotse_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
          server_route_name((route_id_t)r), status,
          (unsigned long long)m->requests[r][s]);
    }
  return rc;
}

static int render_histograms(const server_metrics_t *m, lotse_buf_t *out) {
  int rc = lotse_buf_puts(out,
                          "# HELP lotse_http_request_duration_seconds Time "
                          "from request line to queued reply, by route.\n"
                          "# TYPE lotse_http_request_duration_seconds "
                          "histogram\n");
  for (int r = 0; r < ROUTE_ID_COUNT && !rc; r++) {
    if (!m->count[r]) continue;
    const char *name = server_route_name((route_id_t)r);
    for (size_t b = 0; b < METRICS_NBUCKETS && !rc; b++)
      rc = lotse_buf_printf(out,
                            "lotse_http_request_duration_seconds_bucket{"
                            "route=\"%s\",le=\"%g\"} %llu\n",
                            name, BOUNDS[b],
                            (unsigned long long)m->buckets[r][b]);
    if (!rc)
      rc = lotse_buf_printf(
          out,
          "lotse_http_request_duration_seconds_bucket{route=\"%s\","
          "le=\"+Inf\"} %llu\n"
          "lotse_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
          "lotse_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
          name, (unsigned long long)m->count[r], name, m->sum[r], name,
          (unsigned long long)m->count[r]);
  }
  return rc;
}

int server_metrics_render(server_metrics_t *m, lotse_buf_t *out) {
  server_metrics_t snap;
  pthread_mutex_lock(&m->lock);
  memcpy(snap.requests, m->requests, sizeof snap.requests);
  memcpy(snap.buckets, m->buckets, sizeof snap.buckets);
  memcpy(snap.count, m->count, sizeof snap.count);
  memcpy(snap.sum, m->sum, sizeof snap.sum);
  snap.llm_generations = m->llm_generations;
  snap.llm_cancelled = m->llm_cancelled;
  snap.llm_prompt_tokens = m->llm_prompt_tokens;
  snap.llm_completion_tokens = m->llm_completion_tokens;
  snap.llm_embeddings = m->llm_embeddings;
  pthread_mutex_unlock(&m->lock);
  int rc = render_counters(&snap, out);
  if (!rc) rc = render_histograms(&snap, out);
  if (!rc) rc = render_llm(&snap, out);
  return rc;
}

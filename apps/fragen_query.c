/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/fragen_query.c — from a question as staff type it to a search
 * query, and the cut between relevant and merely matching passages.
 *
 * Contract: fragen_query_from_question() never produces a query the
 * search parser rejects (no quotes, no operators); it keeps every word.
 * See also: apps/fragen.h, search/search.h (the query language).
 */
#include "apps/fragen.h"

#include <stdlib.h>
#include <string.h>

char *fragen_query_from_question(const char *question) {
  char *q = lotse_strdup(question);
  if (!q) return NULL;
  for (char *p = q; *p; p++) {
    int word_start = p == q || p[-1] == ' ';
    if (*p == '"' || *p == '*' || *p == '\t' || *p == '\n' || *p == '\r' ||
        ((*p == '+' || *p == '-') && word_start))
      *p = ' ';
  }
  return q;
}

size_t fragen_relevant(const search_hit_t *hits, size_t n, double ratio,
                       size_t max) {
  if (n == 0) return 0;
  double best = hits[0].score;
  size_t k = 0;
  while (k < n && k < max && (best <= 0 || hits[k].score >= ratio * best))
    k++;
  return k;
}

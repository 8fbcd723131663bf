/* SPDX-License-Identifier: EUPL-1.2
 *
 * search/search_internal.h — shared between search/query.c and
 * search/search.c.
 */
#ifndef LOTSE_SEARCH_INTERNAL_H
#define LOTSE_SEARCH_INTERNAL_H

#include "search/search.h"
#include "text/text.h"

struct search {
  store_t *st;
  text_analyzer_t *an;
};

#endif

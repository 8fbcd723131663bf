/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/easy_version_internal.h — what apps/easy_version*.c share.
 */
#ifndef LOTSE_APPS_EASY_VERSION_INTERNAL_H
#define LOTSE_APPS_EASY_VERSION_INTERNAL_H

#include "apps/easy_version.h"

/* The current (newest) revision of a version, as changes need it. */
typedef struct easy_cur {
  int data_class;
  int withdrawn;
  int rev;
  int published_rev; /* 0: never published */
  char status[24];
  char author[64];
  char reviewer[64]; /* "" when not checked */
  char *text;        /* malloc'ed */
} easy_cur_t;

/* Whether a named principal is cleared for data_class (anonymous: never). */
int easy_version_visible(const store_principal_t *who, int data_class);
/* 0 when text is acceptable as a revision: content, UTF-8, size. */
int easy_version_check_text(const char *text, lotse_err_t *err);

#endif

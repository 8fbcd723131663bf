/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/init.c — process-wide set-up of the text module: the folded stop
 * word table and the compound lexicon, built exactly once (pthread_once)
 * on first use by any thread.
 *
 * Contract: after text_global_init() returns, text_lexicon_get() and the
 * stop word table are immutable and safe to read from any thread. The
 * lexicon is never freed (one per process, like a loaded shared library).
 */
#include "text/text_internal.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static text_lexicon_t *g_lexicon;

static void init_once(void) {
  if (text_stopwords_build() != 0)
    lotse_log(LOTSE_LOG_ERROR, "text: stop word table could not be built");
  g_lexicon = text_lexicon_load(text_lexicon_path());
}

void text_global_init(void) { pthread_once(&g_once, init_once); }

const text_lexicon_t *text_lexicon_get(void) {
  text_global_init();
  return g_lexicon;
}

const char *text_lexicon_path(void) {
  const char *p = getenv("LOTSE_LEXICON");
  return p && *p ? p : "/usr/share/hunspell/de_DE.dic";
}

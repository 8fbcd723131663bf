/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/stopwords.c — the built-in German stop word list (function words:
 * articles, pronouns, prepositions, conjunctions, auxiliary and modal verb
 * forms, frequent particles) and its lookup.
 *
 * Contract: text_is_stopword() takes a folded word (text_fold_word()
 * output). The list below is written in plain spelling and folded the same
 * way once at start-up, so "für"/"fuer" and "daß"/"dass" both match.
 * Invariants: the table is built once under pthread_once (init.c) and is
 * read-only afterwards; it lives in static storage (no allocation).
 */
#include "text/text_internal.h"

#include <string.h>

static const char *const k_words[] = {
    /* articles and determiners */
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines",
    "einem", "einen", "kein", "keine", "keiner", "keines", "keinem", "keinen",
    "dieser", "diese", "dieses", "diesem", "diesen", "jener", "jene", "jenes",
    "jenem", "jenen", "welcher", "welche", "welches", "welchem", "welchen",
    "derselbe", "dieselbe", "dasselbe", "denselben", "demselben",
    "desselben", "derjenige", "diejenige", "dasjenige", "diejenigen",
    "jeder", "jede", "jedes", "jedem", "jeden", "alle", "alles", "allem",
    "allen", "aller", "manche", "mancher", "manches", "manchen", "einige",
    "einiger", "einiges", "einigen", "solche", "solcher", "solches",
    "solchen",
    /* personal, possessive, reflexive and indefinite pronouns */
    "ich", "du", "er", "sie", "es", "wir", "ihr", "mich", "dich", "sich",
    "uns", "euch", "mir", "dir", "ihm", "ihn", "ihnen", "mein", "meine",
    "meiner", "meines", "meinem", "meinen", "dein", "deine", "deiner",
    "deines", "deinem", "deinen", "sein", "seine", "seiner", "seines",
    "seinem", "seinen", "ihre", "ihrer", "ihres", "ihrem", "ihren", "unser",
    "unsere", "unserer", "unseres", "unserem", "unseren", "euer", "eure",
    "eurer", "eures", "eurem", "euren", "man", "jemand", "niemand", "etwas",
    "nichts", "selbst", "selber",
    /* interrogatives and relative adverbs */
    "wer", "wen", "wem", "wessen", "was", "wo", "wie", "wann", "warum",
    "wieso", "weshalb", "woher", "wohin", "womit", "wodurch", "wovon",
    "worauf", "worin", "wobei",
    /* conjunctions and subjunctions */
    "und", "oder", "aber", "denn", "sondern", "doch", "sowie", "sowohl",
    "als", "auch", "weder", "noch", "entweder", "dass", "ob", "weil", "wenn",
    "falls", "da", "damit", "obwohl", "obgleich", "während", "bevor",
    "nachdem", "sobald", "solange", "seit", "seitdem", "indem", "ehe",
    "sofern", "soweit",
    /* prepositions and their contractions */
    "an", "am", "ans", "auf", "aufs", "aus", "bei", "beim", "bis", "durch",
    "für", "gegen", "hinter", "in", "im", "ins", "mit", "nach", "neben",
    "ohne", "über", "um", "unter", "von", "vom", "vor", "zu", "zum", "zur",
    "zwischen", "wegen", "trotz", "statt", "anstatt", "gemäß", "bezüglich",
    "innerhalb", "außerhalb", "oberhalb", "unterhalb", "mittels", "ab",
    "samt", "nebst", "seitens",
    /* auxiliary and modal verb forms */
    "bin", "bist", "ist", "sind", "seid", "war", "warst", "waren", "wart",
    "gewesen", "wäre", "wären", "haben", "habe", "hast", "hat", "habt",
    "hatte", "hatten", "hätte", "hätten", "gehabt", "werden", "werde",
    "wirst", "wird", "werdet", "wurde", "wurden", "würde", "würden",
    "geworden", "worden", "können", "kann", "kannst", "könnt", "konnte",
    "konnten", "könnte", "könnten", "müssen", "muss", "musst", "müsst",
    "musste", "mussten", "müsste", "sollen", "soll", "sollst", "sollt",
    "sollte", "sollten", "dürfen", "darf", "durfte", "dürfte", "wollen",
    "will", "willst", "wollte", "wollten", "mag", "möchte", "möchten",
    /* particles and frequent adverbs */
    "nicht", "nur", "schon", "sehr", "so", "ja", "nein", "nun", "dann",
    "dort", "hier", "dabei", "dafür", "dagegen", "daher", "darauf", "darin",
    "darüber", "davon", "dazu", "deshalb", "deswegen", "jedoch", "zudem",
    "ferner", "also", "sonst", "bereits", "ebenfalls", "ebenso", "etwa",
    "immer", "nie", "wieder", "mehr", "sowieso", "hin", "her", "zwar", "eben",
    "jeweils", "insbesondere", "hierzu", "hierbei", "hierfür", "hiervon",
    "hierüber", "dies", "sodass", "soweit",
};

#define STOP_SLOTS 1024 /* power of two, > 2 x the list */
#define STOP_POOL 8192

static char g_pool[STOP_POOL];
static const char *g_slot[STOP_SLOTS];
static uint8_t g_len[STOP_SLOTS];

static const char **find_slot(const char *w, size_t n, size_t *idx) {
  size_t i = text_hash(w, n) & (STOP_SLOTS - 1);
  while (g_slot[i] && !(g_len[i] == n && memcmp(g_slot[i], w, n) == 0))
    i = (i + 1) & (STOP_SLOTS - 1);
  *idx = i;
  return &g_slot[i];
}

int text_stopwords_build(void) {
  _Static_assert(sizeof k_words / sizeof *k_words < STOP_SLOTS / 2,
                 "stop word table too small");
  size_t used = 0;
  for (size_t k = 0; k < sizeof k_words / sizeof *k_words; k++) {
    char buf[64];
    int len = text_fold_word(k_words[k], strlen(k_words[k]), buf, sizeof buf);
    if (NEVER(len <= 0) || NEVER(used + (size_t)len > STOP_POOL))
      return LOTSE_EINTERNAL;
    size_t idx;
    const char **slot = find_slot(buf, (size_t)len, &idx);
    if (*slot) continue; /* listed twice */
    memcpy(g_pool + used, buf, (size_t)len);
    *slot = g_pool + used;
    g_len[idx] = (uint8_t)len;
    used += (size_t)len;
  }
  return 0;
}

int text_is_stopword(const char *folded, size_t n) {
  if (!folded || n == 0 || n > 64) return 0;
  text_global_init();
  size_t idx;
  return *find_slot(folded, n, &idx) != NULL;
}

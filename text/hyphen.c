/* SPDX-License-Identifier: EUPL-1.2
 *
 * text/hyphen.c — libhyphen wrapper (contract in text/hyphen.h). The
 * patterns are ISO-8859-1, so a word is lower-cased into Latin-1 with a
 * map from each Latin-1 byte back to its UTF-8 offset.
 */
#include "text/hyphen.h"

#include <hyphen.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* libhyphen's hnj_hyphen_load() leaks ~900 bytes per load that
 * hnj_hyphen_free() does not return (reproduced with a bare load/free);
 * we load once per process, so tell LeakSanitizer in sanitizer builds.
 * The hook is one per program, so it also names fontconfig, which keeps
 * 288 bytes of its configuration per process once Pango has used it
 * (apps/minutes_pdf.c; the same for any number of PDFs). */
#if defined(__SANITIZE_ADDRESS__)
#define LOTSE_HYPHEN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOTSE_HYPHEN_ASAN 1
#endif
#endif
#ifdef LOTSE_HYPHEN_ASAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) {
  return "leak:libhyphen.so\nleak:libfontconfig.so\n";
}
#endif

struct text_hyphen {
  HyphenDict *dict;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct text_hyphen shared;
static int loaded; /* 1 ok, -1 failed */
static char load_path[512];

const text_hyphen_t *text_hyphen_get(lotse_err_t *err) {
  pthread_mutex_lock(&mu);
  if (!loaded) {
    const char *p = getenv("LOTSE_HYPHEN_DIC");
    if (!p || !*p) p = TEXT_HYPHEN_DEFAULT;
    snprintf(load_path, sizeof load_path, "%s", p);
    shared.dict = hnj_hyphen_load(load_path);
    loaded = shared.dict ? 1 : -1;
  }
  int ok = loaded == 1;
  pthread_mutex_unlock(&mu);
  if (ok) return &shared;
  lotse_err_set(err, LOTSE_ENOTFOUND,
                "hyphenation patterns '%s' not readable (Debian package "
                "hyphen-de, or set LOTSE_HYPHEN_DIC)", load_path);
  return NULL;
}

/* Lower-cased Latin-1 copy of word into l1 (nul-terminated), off[i] the
 * UTF-8 byte offset of l1[i]; returns its length or -1 when a character
 * is outside Latin-1 or the word is too long. */
static int to_latin1(const char *w, size_t n, char *l1, size_t *off) {
  size_t k = 0;
  for (size_t i = 0; i < n; k++) {
    if (k + 1 >= TEXT_HYPHEN_WORD_MAX) return -1;
    unsigned char c = (unsigned char)w[i];
    off[k] = i;
    if (c < 0x80) {
      l1[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      i++;
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < n &&
               ((unsigned char)w[i + 1] & 0xC0) == 0x80) {
      unsigned v = ((c & 0x1Fu) << 6) | ((unsigned char)w[i + 1] & 0x3Fu);
      if (v >= 0xC0 && v <= 0xDE && v != 0xD7) v += 0x20; /* Ä → ä */
      l1[k] = (char)v;
      i += 2;
    } else {
      return -1;
    }
  }
  l1[k] = 0;
  off[k] = n;
  return (int)k;
}

static int is_vowel_l1(unsigned char c) {
  return strchr("aeiouy", c) != NULL || c == 0xE4 || c == 0xF6 ||
         c == 0xFC || c == 0xE9 || c == 0xE8 || c == 0xE0 || c == 0xE2;
}

/* Raw hyphenation of a Latin-1 word with the given minimum distances;
 * hy[i] odd = split after l1[i]. Returns 0, or -1 on failure. */
static int hyphenate(const text_hyphen_t *h, const char *l1, int len,
                     char *hy, int minlr) {
  char **rep = NULL;
  int *pos = NULL, *cut = NULL;
  memset(hy, 0, (size_t)len + 5);
  int rc = hnj_hyphen_hyphenate3(h->dict, l1, len, hy, NULL, &rep, &pos,
                                 &cut, minlr, minlr, minlr, minlr);
  if (rep) {
    for (int i = 0; i < len; i++) free(rep[i]);
    free(rep);
  }
  free(pos);
  free(cut);
  return rc ? -1 : 0;
}

int text_hyphen_points(const text_hyphen_t *h, const char *word, size_t n,
                       size_t *pts, size_t max) {
  char l1[TEXT_HYPHEN_WORD_MAX];
  size_t off[TEXT_HYPHEN_WORD_MAX];
  char hy[TEXT_HYPHEN_WORD_MAX + 5];
  if (!h) return 0;
  int len = to_latin1(word, n, l1, off);
  if (len < 4 || hyphenate(h, l1, len, hy, 2) < 0) return 0;
  int cnt = 0;
  for (int i = 1; i + 2 < len; i++) {
    if (!(hy[i] & 1)) continue;
    if ((size_t)cnt < max) pts[cnt] = off[i + 1];
    cnt++;
  }
  return cnt < (int)max ? cnt : (int)max;
}

static int vowel_groups(const char *l1, int len) {
  int groups = 0, in = 0;
  for (int i = 0; i < len; i++) {
    int v = is_vowel_l1((unsigned char)l1[i]);
    if (v && !in) groups++;
    in = v;
  }
  return groups;
}

int text_hyphen_syllables(const text_hyphen_t *h, const char *word,
                          size_t n) {
  char l1[TEXT_HYPHEN_WORD_MAX];
  size_t off[TEXT_HYPHEN_WORD_MAX];
  char hy[TEXT_HYPHEN_WORD_MAX + 5];
  int len = to_latin1(word, n, l1, off);
  if (len < 0) {
    /* Fallback on the raw bytes: ASCII vowels and UTF-8 umlauts. */
    int groups = 0, in = 0;
    for (size_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)word[i] | 0x20;
      int v = strchr("aeiouy", c) != NULL ||
              ((unsigned char)word[i] == 0xC3 && i + 1 < n);
      if ((unsigned char)word[i] == 0xC3) i++;
      if (v && !in) groups++;
      in = v;
    }
    return groups;
  }
  int groups = vowel_groups(l1, len);
  if (groups == 0 || !h || hyphenate(h, l1, len, hy, 1) < 0) return groups;
  /* Vowel groups again, but a split point between two vowels ("The-a-ter")
   * starts a new group: the patterns separate hiatus from diphthongs. */
  int cnt = 0, in = 0;
  for (int i = 0; i < len; i++) {
    int v = is_vowel_l1((unsigned char)l1[i]);
    if (v && !in) cnt++;
    in = v && !(hy[i] & 1);
  }
  return cnt;
}

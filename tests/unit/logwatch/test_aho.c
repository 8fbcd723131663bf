/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/logwatch/test_aho.c — Aho-Corasick automaton: every
 * occurrence (overlapping, nested, suffix patterns) against a naive search
 * on pseudo-random texts; stop from the callback; refusal of bad use.
 */
#include "testutil.h"

#include "analytics/logwatch/aho.h"

typedef struct hitlist {
  uint32_t id[4096];
  size_t end[4096];
  size_t n;
  size_t stop_after;
} hitlist;

static int collect(void *ud, uint32_t id, size_t end) {
  hitlist *h = ud;
  if (h->n < 4096) h->id[h->n] = id, h->end[h->n] = end, h->n++;
  return h->stop_after && h->n >= h->stop_after;
}

static int has_hit(const hitlist *h, uint32_t id, size_t end) {
  for (size_t i = 0; i < h->n; i++)
    if (h->id[i] == id && h->end[i] == end) return 1;
  return 0;
}

static void test_classic(void **state) {
  (void)state;
  lw_aho *a = lw_aho_new();
  const char *pats[] = {"he", "she", "his", "hers"};
  for (uint32_t i = 0; i < 4; i++)
    assert_int_equal(lw_aho_add(a, pats[i], strlen(pats[i]), i), 0);
  lotse_err_t err = {0};
  assert_int_equal(lw_aho_build(a, &err), 0);
  hitlist h = {0};
  assert_int_equal(lw_aho_scan(a, "ushers", 6, collect, &h), 0);
  assert_int_equal(h.n, 3);
  assert_true(has_hit(&h, 1, 4)); /* she */
  assert_true(has_hit(&h, 0, 4)); /* he (suffix of she) */
  assert_true(has_hit(&h, 3, 6)); /* hers */
  assert_false(has_hit(&h, 2, 6));
  /* adding after build is refused */
  assert_int_equal(lw_aho_add(a, "x", 1, 9), LOTSE_EINVAL);
  assert_int_equal(lw_aho_add(NULL, "x", 1, 9), LOTSE_EINVAL);
  lw_aho_free(a);
  lw_aho_free(NULL);
}

static void test_against_naive(void **state) {
  (void)state;
  unsigned seed = 12345;
  for (int round = 0; round < 20; round++) {
    lw_aho *a = lw_aho_new();
    char pats[30][6];
    size_t plen[30];
    for (uint32_t i = 0; i < 30; i++) {
      plen[i] = 1 + (seed = seed * 1103515245u + 12345u) % 5;
      for (size_t j = 0; j < plen[i]; j++)
        pats[i][j] = (char)('a' + (seed = seed * 1103515245u + 12345u) % 3);
      assert_int_equal(lw_aho_add(a, pats[i], plen[i], i), 0);
    }
    assert_int_equal(lw_aho_build(a, NULL), 0);
    char text[200];
    for (size_t j = 0; j < sizeof text; j++)
      text[j] = (char)('a' + (seed = seed * 1103515245u + 12345u) % 4);
    hitlist h = {0};
    lw_aho_scan(a, text, sizeof text, collect, &h);
    size_t naive = 0;
    for (uint32_t i = 0; i < 30; i++)
      for (size_t e = plen[i]; e <= sizeof text; e++)
        if (!memcmp(text + e - plen[i], pats[i], plen[i])) {
          naive++;
          assert_true(has_hit(&h, i, e));
        }
    assert_int_equal(h.n, naive);
    lw_aho_free(a);
  }
}

static void test_stop_and_binary(void **state) {
  (void)state;
  lw_aho *a = lw_aho_new();
  assert_int_equal(lw_aho_add(a, "\x00\xff", 2, 7), 0);
  assert_int_equal(lw_aho_add(a, "ab", 2, 8), 0);
  assert_int_equal(lw_aho_build(a, NULL), 0);
  assert_true(lw_aho_states(a) >= 5);
  hitlist h = {0};
  h.stop_after = 1;
  assert_int_equal(lw_aho_scan(a, "ab\x00\xff" "ab", 6, collect, &h), 1);
  assert_int_equal(h.n, 1);
  h.n = 0, h.stop_after = 0;
  assert_int_equal(lw_aho_scan(a, "ab\x00\xff" "ab", 6, collect, &h), 0);
  assert_int_equal(h.n, 3);
  assert_true(has_hit(&h, 7, 4));
  lw_aho_free(a);
  /* an empty automaton finds nothing */
  a = lw_aho_new();
  assert_int_equal(lw_aho_build(a, NULL), 0);
  h.n = 0;
  assert_int_equal(lw_aho_scan(a, "abc", 3, collect, &h), 0);
  assert_int_equal(h.n, 0);
  lw_aho_free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_classic),
      cmocka_unit_test(test_against_naive),
      cmocka_unit_test(test_stop_and_binary),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

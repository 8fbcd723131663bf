/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/logwatch/test_drain.c — the template miner: merging at the
 * similarity threshold, routing of tokens with digits, masks, short
 * messages, seeding, max_children, refusals, and on pseudo-random logs the
 * invariant that every message fits its cluster's final template.
 */
#include "testutil.h"

#include "analytics/logwatch/drain.h"
#include "analytics/logwatch/drain_parse.h"
#include "analytics/logwatch/mask.h"

static uint32_t add(lw_drain *d, const char *msg, int *is_new) {
  uint32_t id = 0;
  int nw = -1;
  assert_int_equal(lw_drain_add(d, msg, strlen(msg), &id, &nw), 0);
  assert_true(id >= 1 && id <= lw_drain_count(d));
  if (is_new) *is_new = nw;
  return id;
}

static void test_merge(void **state) {
  (void)state;
  lw_drain_opts o = {4, 0.5, NULL, 0, 100, 0};
  lw_drain *d = lw_drain_new(&o, NULL);
  int nw;
  uint32_t a = add(d, "user alice logged in", &nw);
  assert_int_equal(nw, 1);
  uint32_t b = add(d, "user bob logged in", &nw);
  assert_int_equal(nw, 0);
  assert_int_equal(a, b);
  assert_string_equal(lw_drain_template(d, a), "user <*> logged in");
  assert_int_equal(lw_drain_size(d, a), 2);
  /* other length: other cluster */
  uint32_t c = add(d, "user bob logged out now", &nw);
  assert_int_equal(nw, 1);
  assert_int_not_equal(c, a);
  /* same length, too different (1/4 < 0.5) */
  uint32_t e = add(d, "user x y z", &nw);
  assert_int_not_equal(e, a);
  assert_int_equal(lw_drain_count(d), 3);
  assert_null(lw_drain_template(d, 0));
  assert_null(lw_drain_template(d, 99));
  assert_int_equal(lw_drain_size(d, 99), 0);
  lw_drain_free(d);
}

static void test_digits_and_masks(void **state) {
  (void)state;
  const char *masks[] = {"(\\d+\\.){3}\\d+", "blk_-?\\d+"};
  lw_drain_opts o = {4, 0.5, masks, 2, 100, 0};
  lw_drain *d = lw_drain_new(&o, NULL);
  uint32_t a = add(d, "10.0.0.1 served blk_-42 in 12 ms", NULL);
  uint32_t b = add(d, "10.0.0.7 served blk_99 in 15 ms", NULL);
  assert_int_equal(a, b);
  assert_string_equal(lw_drain_template(d, a), "<*> served <*> in <*> ms");
  /* first token with digits goes to the wildcard branch */
  uint32_t c = add(d, "42 apples eaten today", NULL);
  uint32_t e = add(d, "7 apples eaten today", NULL);
  assert_int_equal(c, e);
  assert_string_equal(lw_drain_template(d, c), "<*> apples eaten today");
  lw_drain_free(d);
}

static void test_short_and_empty(void **state) {
  (void)state;
  lw_drain_opts o = {6, 0.39, NULL, 0, 100, 0};
  lw_drain *d = lw_drain_new(&o, NULL);
  uint32_t a = add(d, "reboot", NULL), b = add(d, "  reboot\t", NULL);
  assert_int_equal(a, b);
  uint32_t c = add(d, "session opened 123", NULL);
  uint32_t e = add(d, "session opened 456", NULL);
  assert_int_equal(c, e);
  assert_string_equal(lw_drain_template(d, c), "session opened <*>");
  /* NUL separates tokens: templates are C strings */
  uint32_t id;
  int nw;
  assert_int_equal(lw_drain_add(d, "nul\0inside x", 12, &id, &nw), 0);
  assert_string_equal(lw_drain_template(d, id), "nul inside x");
  uint32_t z = add(d, "", NULL), z2 = add(d, "   ", NULL);
  assert_int_equal(z, z2);
  assert_string_equal(lw_drain_template(d, z), "");
  assert_int_equal(lw_drain_size(d, z), 2);
  lw_drain_free(d);
}

static void test_seed(void **state) {
  (void)state;
  lw_drain *d = lw_drain_new(NULL, NULL);
  uint32_t s, s2;
  assert_int_equal(lw_drain_seed(d, "disk <*> is full", 10, &s), 0);
  assert_int_equal(lw_drain_seed(d, "disk  <*> is full", 5, &s2), 0);
  assert_int_equal(s, s2);
  assert_int_equal(lw_drain_size(d, s), 15);
  uint32_t a = add(d, "disk sda1 is full", NULL);
  assert_int_equal(a, s);
  assert_int_equal(lw_drain_size(d, s), 16);
  assert_string_equal(lw_drain_template(d, s), "disk <*> is full");
  assert_int_equal(lw_drain_seed(d, "disk sda1 was added", 1, &s2), 0);
  assert_int_not_equal(s2, s);
  assert_int_equal(lw_drain_count(d), 2);
  /* a seeded template with a variable-and-punctuation token is found */
  uint32_t s3;
  assert_int_equal(lw_drain_seed(d, "peer <*>: closed (<*>)", 1, &s3), 0);
  assert_int_equal(add(d, "peer 10.1.1.1: closed (7)", NULL), s3);
  assert_string_equal(lw_drain_template(d, s3), "peer <*>: closed (<*>)");
  lw_drain_free(d);
}

static void test_max_children(void **state) {
  (void)state;
  lw_drain_opts o = {4, 0.5, NULL, 0, 3, 0};
  lw_drain *d = lw_drain_new(&o, NULL);
  /* first two distinct first tokens get nodes; the third child slot is the
   * wildcard, so later first tokens share it and may merge */
  add(d, "alpha x y", NULL);
  add(d, "beta x y", NULL);
  uint32_t g = add(d, "gamma x y", NULL);
  uint32_t h = add(d, "delta x y", NULL);
  assert_int_equal(g, h);
  assert_string_equal(lw_drain_template(d, g), "<*> x y");
  lw_drain_free(d);
}

static void test_refusals(void **state) {
  (void)state;
  lotse_err_t err = {0};
  lw_drain_opts o = {2, 0.5, NULL, 0, 100, 0};
  assert_null(lw_drain_new(&o, &err));
  assert_int_equal(err.code, LOTSE_EINVAL);
  o = (lw_drain_opts){4, 1.5, NULL, 0, 100, 0};
  assert_null(lw_drain_new(&o, &err));
  const char *bad[] = {"ok", "(unclosed"};
  o = (lw_drain_opts){4, 0.5, bad, 2, 100, 0};
  assert_null(lw_drain_new(&o, &err));
  assert_non_null(strstr(err.msg, "(unclosed"));
  lw_drain *d = lw_drain_new(NULL, NULL);
  size_t n = LW_DRAIN_MAX_MSG + 1;
  char *big = malloc(n);
  memset(big, 'a', n);
  uint32_t id;
  int nw;
  assert_int_equal(lw_drain_add(d, big, n, &id, &nw), LOTSE_ETOOBIG);
  memset(big, ' ', n);
  for (size_t i = 0; i < n; i += 2) big[i] = 'x';
  assert_int_equal(lw_drain_add(d, big, n - 1, &id, &nw), LOTSE_ETOOBIG);
  assert_int_equal(lw_drain_count(d), 0);
  free(big);
  lw_drain_free(d);
  lw_drain_free(NULL);
}

/* Every message fits its cluster's final template token by token (after
 * the built-in masking and joining of adjacent variables). */
static void test_invariant_random(void **state) {
  (void)state;
  const char *words[] = {"open", "close", "read", "file", "user", "error",
                         "ok", "42", "7x", "node3", "port", "done"};
  const char *masks[] = {"\\b\\d+\\b"};
  lw_drain_opts o = {4, 0.4, masks, 1, 4, 0};
  lw_drain *d = lw_drain_new(&o, NULL);
  enum { N = 3000 };
  static char msgs[N][96];
  static uint32_t ids[N];
  uint64_t seed = 12345;
  for (int i = 0; i < N; i++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    int ntok = 1 + (int)((seed >> 33) % 6);
    msgs[i][0] = 0;
    for (int t = 0; t < ntok; t++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      strcat(msgs[i], words[(seed >> 35) % 12]);
      if (t + 1 < ntok) strcat(msgs[i], " ");
    }
    ids[i] = add(d, msgs[i], NULL);
  }
  uint64_t total = 0;
  for (uint32_t id = 1; id <= lw_drain_count(d); id++) total += lw_drain_size(d, id);
  assert_int_equal(total, N);
  for (int i = 0; i < N; i++) {
    char tmpl[512], msg[96];
    snprintf(tmpl, sizeof tmpl, "%s", lw_drain_template(d, ids[i]));
    memcpy(msg, msgs[i], sizeof msg);
    /* expected tokens: numbers are "<*>", a run of "<*>" is one */
    const char *want[8];
    size_t nw = 0;
    char *sp1, *sp2;
    for (char *b = strtok_r(msg, " ", &sp2); b; b = strtok_r(NULL, " ", &sp2)) {
      int num = strspn(b, "0123456789") == strlen(b);
      if (num && nw && !strcmp(want[nw - 1], "<*>")) continue;
      want[nw++] = num ? "<*>" : b;
    }
    size_t k = 0;
    for (char *a = strtok_r(tmpl, " ", &sp1); a; a = strtok_r(NULL, " ", &sp1)) {
      assert_true(k < nw);
      assert_true(!strcmp(a, "<*>") || !strcmp(a, want[k]));
      k++;
    }
    assert_int_equal(k, nw);
  }
  lw_drain_free(d);
}

static void test_parse_csv(void **state) {
  (void)state;
  lw_format *f = NULL;
  assert_int_equal(lw_format_compile("<L>: <Content>", &f, NULL), 0);
  lw_drain *d = lw_drain_new(NULL, NULL);
  const char *log = "I: a \"b\", c 1\nbroken line\nI: a \"b\", c 2\n\nI: x";
  lw_parse_out po = {0};
  assert_int_equal(lw_drain_parse(d, f, log, strlen(log), &po, NULL), 0);
  assert_int_equal(po.total_lines, 5);
  assert_int_equal(po.malformed, 2);
  assert_int_equal(po.n, 3);
  char *buf = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&buf, &len);
  assert_int_equal(lw_drain_write_csv(d, &po, fp, NULL), 0);
  fclose(fp);
  char id[10], id2[10], want[512];
  lw_drain_event_id("a \"b\", c <*>", id);
  lw_drain_event_id("x", id2);
  snprintf(want, sizeof want,
           "LineId,EventId,EventTemplate\n1,%s,\"a \"\"b\"\", c <*>\"\n"
           "3,%s,\"a \"\"b\"\", c <*>\"\n5,%s,x\n", id, id, id2);
  assert_string_equal(buf, want);
  free(buf);
  lw_parse_out_release(&po);
  lw_drain_free(d);
  lw_format_free(f);
}

static void check_mask(const char *tok, const char *want) {
  char out[256];
  size_t n = lw_mask_token(tok, strlen(tok), out);
  out[n] = 0;
  assert_string_equal(out, want);
}

static void test_mask_rules(void **state) {
  (void)state;
  check_mask("uid=0", "uid=<*>");
  check_mask("node-12", "node-<*>");
  check_mask("-1", "<*>");
  check_mask("vCores:-1>", "vCores:<*>>");
  check_mask("2.6.9", "<*>");
  check_mask("12:30:01", "<*>:<*>:<*>");
  check_mask("(TID", "(TID");
  check_mask("42),", "<*>),");
  check_mask("0x0100000e", "<*>");
  check_mask("id[0x08]", "id[<*>]");
  check_mask("deadbeef12", "<*>");
  check_mask("cafe12", "cafe12"); /* short hex-looking word stays */
  check_mask("eth0", "eth0");
  check_mask("jk2_init()", "jk2_init()");
  check_mask("10ms", "10ms");
  check_mask("blk_-42", "blk_<*>");
  check_mask("attempt_1445144423722_0020_m_000004_0", "<*>");
  check_mask("rdd_2_3", "<*>");
  check_mask("(rdd_2_3),", "(<*>),");
  check_mask("a/rdd_2_3", "a/rdd_<*>_<*>"); /* a path, not an identifier */
  check_mask("1:2", "<*>:<*>");
  check_mask("PendingReds:1", "PendingReds:<*>");
  check_mask("<*>:", "<*>:");
  check_mask("", "");
  assert_true(lw_mask_is_var("<*>", 3));
  assert_true(lw_mask_is_var("(<*>),", 6));
  assert_true(lw_mask_is_var("<*>:<*>", 7));
  assert_false(lw_mask_is_var("uid=<*>", 7));
  assert_false(lw_mask_is_var("--", 2));
  assert_false(lw_mask_is_var("<*", 2));
}

/* Built-in rules vs LW_DRAIN_CLASSIC on the same lines. */
static void test_classic_vs_rules(void **state) {
  (void)state;
  const char *a = "Received disconnect from 1.2.3.4: 11: Bye Bye [preauth]";
  const char *b = "Received disconnect from 5.6.7.8: 11: disconnected by user";
  const char *masks[] = {"(\\d+\\.){3}\\d+"};
  lw_drain_opts o = {5, 0.6, masks, 1, 100, LW_DRAIN_CLASSIC};
  lw_drain *d = lw_drain_new(&o, NULL);
  /* classic: 5 of 8 tokens equal (the masked address counts) → joined */
  assert_int_equal(add(d, a, NULL), add(d, b, NULL));
  lw_drain_free(d);
  o.flags = 0;
  d = lw_drain_new(&o, NULL);
  /* rules: the two variable positions are left out, 3 of 6 < 0.6 */
  uint32_t x = add(d, a, NULL), y = add(d, b, NULL);
  assert_int_not_equal(x, y);
  assert_string_equal(lw_drain_template(d, x),
                      "Received disconnect from <*>: <*>: Bye Bye [preauth]");
  assert_int_equal(add(d, "Received disconnect from 9.9.9.9: 12: Bye Bye "
                          "[preauth]", NULL), x);
  lw_drain_free(d);
}

/* Adjacent variables are one slot; the share must exceed st. */
static void test_lists_and_threshold(void **state) {
  (void)state;
  lw_drain_opts o = {4, 0.5, NULL, 0, 100, 0};
  lw_drain *d = lw_drain_new(&o, NULL);
  uint32_t a = add(d, "delete 12 34 56 77 now", NULL);
  uint32_t b = add(d, "delete 9 now", NULL);
  assert_int_equal(a, b);
  assert_string_equal(lw_drain_template(d, a), "delete <*> now");
  uint32_t g = add(d, "got none from [A8] to ntp1, now", NULL);
  assert_int_equal(add(d, "got none from [Bx] to ntp2, now", NULL), g);
  assert_int_equal(add(d, "got none from [Cy] to /a/b. now", NULL), g);
  /* brackets and the comma stay; a path's '/' or '.' does not */
  assert_string_equal(lw_drain_template(d, g), "got none from [<*>] to <*> now");
  uint32_t kv = add(d, "login failed user=root rhost=a.example tty=ssh", NULL);
  assert_int_equal(add(d, "login failed user=guest rhost=b.example tty=ssh",
                       NULL), kv);
  assert_string_equal(lw_drain_template(d, kv),
                      "login failed user=<*> rhost=<*> tty=ssh");
  uint32_t ok = add(d, "Link ok", NULL), err = add(d, "Link error", NULL);
  assert_int_not_equal(ok, err); /* 1 of 2 equal: not above 0.5 */
  lw_drain_free(d);
  o.flags = LW_DRAIN_CLASSIC;
  d = lw_drain_new(&o, NULL);
  assert_int_equal(add(d, "Link ok", NULL), add(d, "Link error", NULL));
  g = add(d, "got none from [A8] x", NULL);
  assert_int_equal(add(d, "got none from [Bx] x", NULL), g);
  assert_string_equal(lw_drain_template(d, g), "got none from <*> x");
  assert_int_not_equal(add(d, "delete 12 34 now", NULL),
                       add(d, "delete 9 now", NULL));
  lw_drain_free(d);
}

/* The two-thread pipeline gives exactly the one-thread result (several
 * batches, malformed and over-long lines, no final newline). */
static void test_pipeline_equals_sequential(void **state) {
  (void)state;
  lotse_buf_t b;
  lotse_buf_init(&b, (size_t)64 << 20);
  uint64_t seed = 7;
  const char *verbs[] = {"opened", "closed", "failed", "sent", "got"};
  for (int i = 0; i < 30000; i++) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    unsigned r = (unsigned)(seed >> 33);
    if (r % 97 == 0) {
      lotse_buf_puts(&b, "no header here\n");
    } else if (i == 12345) {
      lotse_buf_puts(&b, "I: ");
      for (int k = 0; k < 9000; k++) lotse_buf_puts(&b, "long ");
      lotse_buf_putc(&b, '\n');
    } else {
      lotse_buf_printf(&b, "%s: conn %u %s to 10.0.%u.%u port %u%s\n",
                       r % 3 ? "I" : "W", r % 50, verbs[r % 5], r % 7,
                       r % 200, r % 65536, r % 11 ? "" : " retry");
    }
  }
  lotse_buf_puts(&b, "I: last line without newline");
  const char *masks[] = {"(\\d+\\.){3}\\d+"};
  lw_drain_opts o = {4, 0.5, masks, 1, 100, 0};
  lw_parse_out out[2] = {{0}, {0}};
  lw_drain *d[2];
  for (int t = 0; t < 2; t++) {
    lw_format *f = NULL;
    assert_int_equal(lw_format_compile("<Level>: <Content>", &f, NULL), 0);
    d[t] = lw_drain_new(&o, NULL);
    assert_int_equal(lw_drain_parse_threads(d[t], f, b.data, b.len, t + 1,
                                            &out[t], NULL), 0);
    lw_format_free(f);
  }
  assert_int_equal(out[0].total_lines, 30001);
  assert_int_equal(out[1].total_lines, out[0].total_lines);
  assert_int_equal(out[1].malformed, out[0].malformed);
  assert_true(out[0].malformed > 200);
  assert_int_equal(out[1].n, out[0].n);
  assert_int_equal(lw_drain_count(d[1]), lw_drain_count(d[0]));
  for (size_t i = 0; i < out[0].n; i++) {
    assert_int_equal(out[1].lines[i], out[0].lines[i]);
    assert_int_equal(out[1].ids[i], out[0].ids[i]);
  }
  for (uint32_t id = 1; id <= lw_drain_count(d[0]); id++)
    assert_string_equal(lw_drain_template(d[1], id), lw_drain_template(d[0], id));
  for (int t = 0; t < 2; t++) {
    lw_parse_out_release(&out[t]);
    lw_drain_free(d[t]);
  }
  lotse_buf_release(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_merge),
      cmocka_unit_test(test_digits_and_masks),
      cmocka_unit_test(test_short_and_empty),
      cmocka_unit_test(test_seed),
      cmocka_unit_test(test_max_children),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_invariant_random),
      cmocka_unit_test(test_parse_csv),
      cmocka_unit_test(test_mask_rules),
      cmocka_unit_test(test_classic_vs_rules),
      cmocka_unit_test(test_lists_and_threshold),
      cmocka_unit_test(test_pipeline_equals_sequential),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

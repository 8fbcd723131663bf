/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/base/test_base.c — buffers, SHA-256 vectors, UTF-8, config.
 */
#include "testutil.h"

static void test_sha256_vectors(void **state) {
  (void)state;
  char hex[65];
  lotse_sha256_hex("", 0, hex);
  assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  lotse_sha256_hex("abc", 3, hex);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  lotse_sha256_hex(two, strlen(two), hex);
  assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  /* One million 'a' in uneven pieces exercises the block boundary. */
  lotse_sha256_t s;
  lotse_sha256_init(&s);
  char a[997];
  memset(a, 'a', sizeof a);
  size_t left = 1000000;
  while (left) {
    size_t n = left < sizeof a ? left : sizeof a;
    lotse_sha256_update(&s, a, n);
    left -= n;
  }
  unsigned char d[32];
  lotse_sha256_final(&s, d);
  assert_int_equal(d[0], 0xcd);
  assert_int_equal(d[31], 0xd0);
}

static void test_buf_cap(void **state) {
  (void)state;
  lotse_buf_t b;
  lotse_buf_init(&b, 8);
  assert_int_equal(lotse_buf_puts(&b, "12345678"), 0);
  assert_int_equal(lotse_buf_putc(&b, 'x'), LOTSE_ETOOBIG);
  assert_int_equal(b.len, 8); /* a failed append changes nothing */
  assert_string_equal(b.data, "12345678");
  lotse_buf_reset(&b);
  assert_int_equal(lotse_buf_printf(&b, "%d-%s", 42, "ab"), 0);
  assert_string_equal(b.data, "42-ab");
  lotse_buf_release(&b);
}

static void test_utf8(void **state) {
  (void)state;
  assert_true(lotse_utf8_valid("Gr\xC3\xBC\xC3\x9F" "e", 6));
  assert_false(lotse_utf8_valid("\xC3", 1));
  assert_false(lotse_utf8_valid("\xED\xA0\x80", 3));   /* surrogate */
  assert_false(lotse_utf8_valid("\xC0\xAF", 2));       /* overlong */
  char *s = lotse_utf8_sanitize("a\xFF" "b", 3);
  assert_string_equal(s, "a\xEF\xBF\xBD" "b");
  free(s);
  char sq[] = "  Antrag \n\t auf   Urlaub  ";
  lotse_str_squeeze(sq);
  assert_string_equal(sq, "Antrag auf Urlaub");
}

static void test_conf(void **state) {
  (void)state;
  char *dir = test_dir("conf");
  char *p = test_path(dir, "lotse.conf");
  const char *txt = "# c\nname = a\n[server]\nport = 9090\ndev_tokens = off\n"
                    "[ingest]\nocr = yes\n";
  lotse_err_t err;
  assert_int_equal(lotse_file_write(p, txt, strlen(txt), &err), 0);
  lotse_conf_t *c;
  assert_int_equal(lotse_conf_load(p, &c, &err), 0);
  assert_string_equal(lotse_conf_get(c, "name", ""), "a");
  assert_int_equal(lotse_conf_get_int(c, "server.port", 1), 9090);
  assert_int_equal(lotse_conf_get_bool(c, "server.dev_tokens", 1), 0);
  assert_int_equal(lotse_conf_get_bool(c, "ingest.ocr", 0), 1);
  assert_int_equal(lotse_conf_get_int(c, "missing", 7), 7);
  lotse_conf_free(c);
  const char *bad = "ok = 1\nthis line is wrong\n";
  assert_int_equal(lotse_file_write(p, bad, strlen(bad), &err), 0);
  assert_int_equal(lotse_conf_load(p, &c, &err), LOTSE_ECORRUPT);
  assert_non_null(strstr(err.msg, ":2:"));
  free(p);
  free(dir);
}

static void test_file_limits(void **state) {
  (void)state;
  char *dir = test_dir("file");
  char *p = test_path(dir, "f.txt");
  lotse_err_t err;
  assert_int_equal(lotse_file_write(p, "0123456789", 10, &err), 0);
  char *data;
  size_t len;
  assert_int_equal(lotse_file_read(p, 9, &data, &len, &err), LOTSE_ETOOBIG);
  assert_int_equal(lotse_file_read(p, 10, &data, &len, &err), 0);
  assert_int_equal(len, 10);
  free(data);
  assert_int_equal(lotse_file_read(dir, 10, &data, &len, &err), LOTSE_EIO);
  assert_string_equal(lotse_path_ext("/a/b.tar.PDF"), ".PDF");
  assert_string_equal(lotse_path_ext("/a/.hidden"), "");
  free(p);
  free(dir);
}

static void test_errors(void **state) {
  (void)state;
  assert_string_equal(lotse_err_name(LOTSE_EENCRYPTED), "LOTSE_EENCRYPTED");
  assert_string_equal(lotse_strerror(LOTSE_ETOOBIG), "input too large");
  lotse_err_t err;
  assert_int_equal(lotse_err_set(&err, LOTSE_EINVAL, "bad\nline '%s'", "x"),
                   LOTSE_EINVAL);
  assert_string_equal(err.msg, "bad line 'x'");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sha256_vectors), cmocka_unit_test(test_buf_cap),
      cmocka_unit_test(test_utf8),           cmocka_unit_test(test_conf),
      cmocka_unit_test(test_file_limits),    cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

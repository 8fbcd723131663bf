/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/apps/test_easy_qr.c — URL checks, QR structure (size, finder
 * patterns), SVG and PNG re-read module by module against the matrix,
 * the permanent address, review states, all-or-nothing writing.
 */
#include "testutil.h"

#include "apps/easy_qr.h"

#include <dirent.h>
#include <png.h>

static int url_ok(const char *url) {
  lotse_err_t err = {0};
  int rc = easy_qr_url_check(url, &err);
  if (rc) assert_true(err.msg[0] != '\0');
  return rc == 0;
}

static char *repeat_url(size_t total) {
  const char *head = "https://amt.example/";
  char *s = malloc(total + 1);
  assert_non_null(s);
  memcpy(s, head, strlen(head));
  memset(s + strlen(head), 'a', total - strlen(head));
  s[total] = '\0';
  return s;
}

static void test_url_check(void **state) {
  (void)state;
  assert_true(url_ok("https://www.kreis.example/leicht/2026-0042"));
  assert_true(url_ok("http://intranet/leicht/a"));
  assert_true(url_ok("HTTPS://Kreis.Example/"));
  assert_true(url_ok("https://kreis.example/M%C3%BCll?x=1#teil"));
  assert_false(url_ok(NULL));
  assert_false(url_ok(""));
  assert_false(url_ok("ftp://kreis.example/datei"));
  assert_false(url_ok("javascript:alert(1)"));
  assert_false(url_ok("kreis.example/leicht"));
  assert_false(url_ok("https://"));
  assert_false(url_ok("https:///pfad"));
  assert_false(url_ok("https://kreis.example/Müll"));
  assert_false(url_ok("https://kreis.example/zwei wörter"));
  assert_false(url_ok("https://kreis.example/\t"));
  char *s = repeat_url(EASY_QR_URL_MAX);
  assert_true(url_ok(s));
  free(s);
  s = repeat_url(EASY_QR_URL_MAX + 1);
  lotse_err_t err;
  assert_int_equal(easy_qr_url_check(s, &err), LOTSE_ETOOBIG);
  free(s);
}

/* The 7x7 finder pattern with its top-left corner at (x, y). */
static void finder_at(const easy_qr_t *q, int x0, int y0) {
  for (int y = 0; y < 7; y++)
    for (int x = 0; x < 7; x++) {
      int ring = x == 0 || y == 0 || x == 6 || y == 6;
      int core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
      assert_int_equal(q->mod[(y0 + y) * q->width + x0 + x], ring || core);
    }
}

static void test_encode_structure(void **state) {
  (void)state;
  easy_qr_t a, b, c;
  lotse_err_t err;
  assert_int_equal(easy_qr_encode("https://kreis.example/leicht/1", &a, &err),
                   0);
  assert_true(a.width >= 21 && (a.width - 17) % 4 == 0);
  finder_at(&a, 0, 0);
  finder_at(&a, a.width - 7, 0);
  finder_at(&a, 0, a.width - 7);
  /* Deterministic, and a longer URL needs at least as many modules. */
  assert_int_equal(easy_qr_encode("https://kreis.example/leicht/1", &b, &err),
                   0);
  assert_int_equal(a.width, b.width);
  assert_memory_equal(a.mod, b.mod, (size_t)a.width * (size_t)a.width);
  char *s = repeat_url(600);
  assert_int_equal(easy_qr_encode(s, &c, &err), 0);
  assert_true(c.width > a.width);
  finder_at(&c, c.width - 7, 0);
  free(s);
  easy_qr_free(&a);
  easy_qr_free(&b);
  easy_qr_free(&c);
  easy_qr_t d = {0};
  assert_int_equal(easy_qr_encode("mailto:amt@kreis.example", &d, &err),
                   LOTSE_EINVAL);
  assert_null(d.mod);
  easy_qr_free(&d);
}

/* Re-read the SVG path ("Mx yhNv1h-Nz" runs) into a module grid. */
static void svg_grid(const char *svg, int full, unsigned char *grid) {
  memset(grid, 0, (size_t)full * (size_t)full);
  const char *p = strstr(svg, " d=\"");
  assert_non_null(p);
  p += 4;
  int x, y, n, m, used;
  while (sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &used) == 4) {
    assert_int_equal(n, m);
    assert_true(n > 0 && x >= 0 && y >= 0 && x + n <= full && y < full);
    for (int i = 0; i < n; i++) grid[y * full + x + i] = 1;
    p += used;
  }
  assert_int_equal(*p, '"');
}

static void test_svg_matches_modules(void **state) {
  (void)state;
  easy_qr_t q;
  lotse_err_t err;
  assert_int_equal(
      easy_qr_encode("https://kreis.example/leicht/Bescheid-17", &q, &err), 0);
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 20);
  assert_int_equal(easy_qr_svg(&q, 3, &b, &err), 0);
  int full = q.width + 2 * EASY_QR_QUIET;
  char want[128];
  snprintf(want, sizeof want, "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\"",
           full * 3, full * 3, full, full);
  assert_non_null(strstr(b.data, want));
  assert_non_null(strstr(b.data, "crispEdges"));
  unsigned char *grid = malloc((size_t)full * (size_t)full);
  svg_grid(b.data, full, grid);
  for (int y = 0; y < full; y++)
    for (int x = 0; x < full; x++) {
      int my = y - EASY_QR_QUIET, mx = x - EASY_QR_QUIET;
      int dark = my >= 0 && my < q.width && mx >= 0 && mx < q.width &&
                 q.mod[my * q.width + mx];
      assert_int_equal(grid[y * full + x], dark);
    }
  free(grid);
  assert_int_equal(easy_qr_svg(&q, 0, &b, &err), LOTSE_EINVAL);
  assert_int_equal(easy_qr_svg(&q, EASY_QR_SIZE_MAX + 1, &b, &err),
                   LOTSE_EINVAL);
  lotse_buf_release(&b);
  easy_qr_free(&q);
}

static void test_png_matches_modules(void **state) {
  (void)state;
  easy_qr_t q;
  lotse_err_t err;
  assert_int_equal(easy_qr_encode("http://kreis.example/l/9", &q, &err), 0);
  lotse_buf_t b;
  lotse_buf_init(&b, 1 << 22);
  const int px = 5;
  assert_int_equal(easy_qr_png(&q, px, &b, &err), 0);
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  assert_true(png_image_begin_read_from_memory(&img, b.data, b.len));
  int full = (q.width + 2 * EASY_QR_QUIET) * px;
  assert_int_equal(img.width, full);
  assert_int_equal(img.height, full);
  img.format = PNG_FORMAT_GRAY;
  unsigned char *pix = malloc(PNG_IMAGE_SIZE(img));
  assert_true(png_image_finish_read(&img, NULL, pix, 0, NULL));
  for (int y = 0; y < full; y++)
    for (int x = 0; x < full; x++) {
      int my = y / px - EASY_QR_QUIET, mx = x / px - EASY_QR_QUIET;
      int dark = my >= 0 && my < q.width && mx >= 0 && mx < q.width &&
                 q.mod[my * q.width + mx];
      assert_int_equal(pix[y * full + x], dark ? 0 : 255);
    }
  free(pix);
  lotse_buf_release(&b);
  easy_qr_free(&q);
}

static void link_is(const char *base, const char *id, const char *want) {
  char *url = (char *)"x";
  lotse_err_t err = {0};
  int rc = easy_qr_permalink(base, id, &url, &err);
  if (!want) {
    assert_int_not_equal(rc, 0);
    assert_null(url);
    assert_true(err.msg[0] != '\0');
    return;
  }
  assert_int_equal(rc, 0);
  assert_string_equal(url, want);
  free(url);
}

static void test_permalink(void **state) {
  (void)state;
  link_is("https://www.kreis.example", "2026-0042",
          "https://www.kreis.example/leicht/2026-0042");
  link_is("https://www.kreis.example///", "a",
          "https://www.kreis.example/leicht/a");
  link_is("https://kreis.example/buerger/", "Bauamt_v2.1",
          "https://kreis.example/buerger/leicht/Bauamt_v2.1");
  link_is("ftp://kreis.example", "a", NULL);
  link_is("https://kreis.example?x=1", "a", NULL);
  link_is("https://kreis.example", "", NULL);
  link_is("https://kreis.example", "-a", NULL);
  link_is("https://kreis.example", "../geheim", NULL);
  link_is("https://kreis.example", "a/b", NULL);
  link_is("https://kreis.example", "Bürger", NULL);
  char id[EASY_QR_ID_MAX + 2];
  memset(id, 'x', sizeof id - 1);
  id[sizeof id - 1] = '\0';
  link_is("https://kreis.example", id, NULL);
  id[EASY_QR_ID_MAX] = '\0';
  char *url;
  lotse_err_t err;
  assert_int_equal(easy_qr_permalink("https://kreis.example", id, &url, &err),
                   0);
  free(url);
  /* A base that leaves no room for the identifier. */
  char *base = repeat_url(EASY_QR_URL_MAX - 4);
  link_is(base, "abcdef", NULL);
  free(base);
}

static void test_review_states(void **state) {
  (void)state;
  for (int s = EASY_REVIEW_DRAFT; s <= EASY_REVIEW_WITHDRAWN; s++) {
    const char *name = easy_review_name((easy_review_t)s);
    assert_non_null(name);
    easy_review_t back;
    assert_int_equal(easy_review_parse(name, &back), 0);
    assert_int_equal(back, s);
  }
  assert_null(easy_review_name((easy_review_t)99));
  easy_review_t x;
  assert_int_equal(easy_review_parse("fertig", &x), LOTSE_EINVAL);
  assert_int_equal(easy_review_parse(NULL, &x), LOTSE_EINVAL);
  assert_non_null(strstr(EASY_NOTICE_DE, "nicht rechtlich verbindlich"));
}

static int entries(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

static void test_write_files(void **state) {
  (void)state;
  char *dir = test_dir("easy_qr_write");
  char *a = test_path(dir, "a.png"), *b = test_path(dir, "b.svg");
  char *bad = test_path(dir, "fehlt/c.svg");
  lotse_buf_t x, y;
  lotse_buf_init(&x, 1024);
  lotse_buf_init(&y, 1024);
  lotse_buf_puts(&x, "eins");
  lotse_buf_puts(&y, "zwei");
  lotse_err_t err;
  const char *p1[] = {a, b};
  const lotse_buf_t *d1[] = {&x, &y};
  assert_int_equal(easy_qr_write_files(2, p1, d1, &err), 0);
  char *got;
  size_t len;
  assert_int_equal(lotse_file_read(b, 100, &got, &len, &err), 0);
  assert_string_equal(got, "zwei");
  free(got);
  /* The second target is unwritable: the first keeps its old content and
   * no temporary file stays behind. */
  const char *p2[] = {a, bad};
  const lotse_buf_t *d2[] = {&y, &x};
  assert_int_equal(easy_qr_write_files(2, p2, d2, &err), LOTSE_EIO);
  assert_non_null(strstr(err.msg, "fehlt/c.svg"));
  assert_int_equal(lotse_file_read(a, 100, &got, &len, &err), 0);
  assert_string_equal(got, "eins");
  free(got);
  assert_int_equal(entries(dir), 2);
  lotse_buf_release(&x);
  lotse_buf_release(&y);
  free(a), free(b), free(bad), free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_url_check),
      cmocka_unit_test(test_encode_structure),
      cmocka_unit_test(test_svg_matches_modules),
      cmocka_unit_test(test_png_matches_modules),
      cmocka_unit_test(test_permalink),
      cmocka_unit_test(test_review_states),
      cmocka_unit_test(test_write_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

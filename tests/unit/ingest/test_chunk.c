/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/ingest/test_chunk.c — passages follow headings, pages and the
 * target size; offsets point into the document text.
 */
#include "testutil.h"

#include "ingest/ingest.h"

static void add(ingest_extract_t *x, ingest_block_kind_t k, int level,
                int page, const char *t) {
  assert_int_equal(ingest_extract_add(x, k, level, page, t, strlen(t)), 0);
}

static void check_offsets(const ingest_chunks_t *c) {
  int64_t prev = 0;
  for (size_t i = 0; i < c->n; i++) {
    const store_chunk_t *k = &c->v[i];
    assert_true(k->start >= prev);
    assert_true(k->end > k->start);
    assert_true((size_t)k->end <= c->text_len);
    assert_int_equal(strlen(k->text), (size_t)(k->end - k->start));
    assert_memory_equal(c->text + k->start, k->text, strlen(k->text));
    assert_int_equal(k->ord, (int)i);
    prev = k->end;
  }
}

static void test_headings_and_pages(void **state) {
  (void)state;
  ingest_extract_t x;
  ingest_extract_init(&x, 1 << 20);
  add(&x, INGEST_BLOCK_HEADING, 1, 1, "Dienstvereinbarung");
  add(&x, INGEST_BLOCK_PARA, 0, 1, "Einleitung des Textes.");
  add(&x, INGEST_BLOCK_HEADING, 2, 1, "§ 1 Geltungsbereich");
  add(&x, INGEST_BLOCK_PARA, 0, 1, "Gilt für alle Beschäftigten.");
  add(&x, INGEST_BLOCK_PARA, 0, 2, "Fortsetzung auf Seite zwei.");
  add(&x, INGEST_BLOCK_HEADING, 2, 2, "§ 2 Arbeitszeit");
  add(&x, INGEST_BLOCK_PARA, 0, 2, "Gleitzeit von 6 bis 20 Uhr.");
  ingest_chunks_t c;
  lotse_err_t err;
  assert_int_equal(ingest_chunk(&x, 1200, &c, &err), 0);
  assert_int_equal(c.n, 4);
  assert_string_equal(c.v[0].heading, "Dienstvereinbarung");
  assert_string_equal(c.v[1].heading, "Dienstvereinbarung \xE2\x80\xBA § 1 Geltungsbereich");
  assert_int_equal(c.v[1].page, 1);
  /* A page change starts a new passage so the citation page is right. */
  assert_string_equal(c.v[2].text, "Fortsetzung auf Seite zwei.");
  assert_int_equal(c.v[2].page, 2);
  assert_string_equal(c.v[3].heading, "Dienstvereinbarung \xE2\x80\xBA § 2 Arbeitszeit");
  check_offsets(&c);
  /* Headings are part of the document text. */
  assert_non_null(strstr(c.text, "§ 2 Arbeitszeit"));
  ingest_chunks_release(&c);
  ingest_extract_release(&x);
}

static void test_packing_and_long_paragraphs(void **state) {
  (void)state;
  ingest_extract_t x;
  ingest_extract_init(&x, 1 << 22);
  for (int i = 0; i < 20; i++)
    add(&x, INGEST_BLOCK_PARA, 0, 0, "Ein kurzer Absatz mit etwa sechzig Bytes Text darin.");
  lotse_buf_t big;
  lotse_buf_init(&big, 1 << 20);
  for (int i = 0; i < 300; i++) lotse_buf_printf(&big, "Satz Nummer %d endet hier. ", i);
  add(&x, INGEST_BLOCK_PARA, 0, 0, big.data);
  ingest_chunks_t c;
  lotse_err_t err;
  assert_int_equal(ingest_chunk(&x, 400, &c, &err), 0);
  size_t total = 0;
  for (size_t i = 0; i < c.n; i++) {
    size_t n = strlen(c.v[i].text);
    assert_true(n <= 2 * 400 + 64);
    total += n;
  }
  assert_true(c.n > 10);
  /* Long paragraphs are cut after a sentence end. */
  int sentence_cuts = 0;
  for (size_t i = 0; i < c.n; i++) {
    size_t n = strlen(c.v[i].text);
    if (n > 2 && c.v[i].text[n - 1] == '.') sentence_cuts++;
  }
  assert_true(sentence_cuts >= (int)c.n - 1);
  assert_true(total >= big.len - 400);
  check_offsets(&c);
  lotse_buf_release(&big);
  ingest_chunks_release(&c);
  ingest_extract_release(&x);
}

static void test_headings_only(void **state) {
  (void)state;
  ingest_extract_t x;
  ingest_extract_init(&x, 1 << 20);
  add(&x, INGEST_BLOCK_HEADING, 1, 0, "Nur eine Überschrift");
  ingest_chunks_t c;
  lotse_err_t err;
  assert_int_equal(ingest_chunk(&x, 1200, &c, &err), 0);
  assert_int_equal(c.n, 1);
  assert_string_equal(c.v[0].text, "Nur eine Überschrift");
  ingest_chunks_release(&c);
  ingest_extract_release(&x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_headings_and_pages),
      cmocka_unit_test(test_packing_and_long_paragraphs),
      cmocka_unit_test(test_headings_only),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/apps/test_write_catalog.c — the county's template files in
 * WORKSPACE/vorlagen beside the built-in examples: a file overrides the
 * example of its id, a broken file is reported by name and never replaced
 * by the example, ids never become paths outside the directory.
 */
#include "testutil.h"

#include "apps/write.h"

#include <sys/stat.h>

static void put(const char *ws, const char *name, const char *text) {
  char *dir = test_path(ws, WRITE_TEMPLATE_DIR);
  mkdir(dir, 0700);
  char *p = test_path(dir, name);
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  free(p);
  free(dir);
}

#define OWN_VERMERK "id: vermerk\ntitle: Aktenvermerk des Kreises\n" \
                    "placeholders: inhalt\n---\nVermerk: {{inhalt}}\n"
#define ANHOERUNG "id: anhoerung\ntitle: Anhörung\nregister: buergernah\n" \
                  "placeholders: name\n---\nAnhörung von {{name}}.\n"

static const write_catalog_entry_t *entry(const write_catalog_t *c,
                                          const char *id) {
  for (size_t i = 0; i < c->n; i++)
    if (!strcmp(c->e[i].id, id)) return &c->e[i];
  return NULL;
}

static void test_without_directory_only_examples(void **state) {
  (void)state;
  char *ws = test_dir("catalog-none");
  write_catalog_t c;
  lotse_err_t err = {0};
  assert_int_equal(write_catalog_list(ws, &c, &err), 0);
  assert_int_equal(c.n, write_template_count());
  for (size_t i = 0; i < c.n; i++) {
    assert_int_equal(c.e[i].from_file, 0);
    if (i) assert_true(strcmp(c.e[i - 1].id, c.e[i].id) < 0);
  }
  write_catalog_release(&c);
  write_template_t t;
  int from_file = -1;
  assert_int_equal(write_template_find(ws, "vermerk", &t, &from_file, &err), 0);
  assert_int_equal(from_file, 0);
  write_template_release(&t);
  free(ws);
}

static void test_file_overrides_and_adds(void **state) {
  (void)state;
  char *ws = test_dir("catalog-own");
  put(ws, "vermerk.txt", OWN_VERMERK);
  put(ws, "anhoerung.txt", ANHOERUNG);
  put(ws, "notizen.md", "not a template");  /* other suffix: ignored */
  put(ws, "Gross.txt", ANHOERUNG);          /* not an id: ignored */
  write_catalog_t c;
  lotse_err_t err = {0};
  assert_int_equal(write_catalog_list(ws, &c, &err), 0);
  assert_int_equal(c.n, write_template_count() + 1);
  assert_int_equal(entry(&c, "vermerk")->from_file, 1);
  assert_int_equal(entry(&c, "anhoerung")->from_file, 1);
  assert_null(entry(&c, "anhoerung")->error);
  assert_int_equal(entry(&c, "email")->from_file, 0);
  assert_null(entry(&c, "Gross"));
  write_catalog_release(&c);

  write_template_t t;
  int from_file = 0;
  assert_int_equal(write_template_find(ws, "vermerk", &t, &from_file, &err), 0);
  assert_int_equal(from_file, 1);
  assert_string_equal(t.title, "Aktenvermerk des Kreises");
  write_template_release(&t);
  assert_int_equal(write_template_find(NULL, "vermerk", &t, &from_file, &err),
                   0);
  assert_int_equal(from_file, 0); /* no workspace: the example */
  assert_string_equal(t.title, "Vermerk");
  write_template_release(&t);
  free(ws);
}

static void test_broken_file_named_not_replaced(void **state) {
  (void)state;
  char *ws = test_dir("catalog-broken");
  put(ws, "email.txt", "id: email\ntitle: E-Mail\n---\nAn {{wer}}\n");
  put(ws, "falsch.txt", ANHOERUNG); /* id in the header differs */
  write_catalog_t c;
  lotse_err_t err = {0};
  assert_int_equal(write_catalog_list(ws, &c, &err), 0);
  const write_catalog_entry_t *e = entry(&c, "email");
  assert_int_equal(e->from_file, 1);
  assert_non_null(e->error);
  assert_non_null(strstr(e->error, "vorlagen/email.txt"));
  assert_non_null(strstr(e->error, "wer"));
  assert_non_null(strstr(entry(&c, "falsch")->error, "Dateinamen"));
  write_catalog_release(&c);
  write_template_t t;
  assert_int_equal(write_template_find(ws, "email", &t, NULL, &err),
                   LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "vorlagen/email.txt"));
  assert_null(t.id);
  free(ws);
}

static void test_ids_never_leave_the_directory(void **state) {
  (void)state;
  char *ws = test_dir("catalog-path");
  put(ws, "anhoerung.txt", ANHOERUNG);
  const char *bad[] = {"../anhoerung", "vorlagen/anhoerung", "", "a b",
                       "ANHOERUNG", "x.txt",
                       "abcdefghijabcdefghijabcdefghijabcdefghijk"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    write_template_t t;
    lotse_err_t err = {0};
    assert_int_equal(write_template_find(ws, bad[i], &t, NULL, &err),
                     LOTSE_EINVAL);
    assert_non_null(strstr(err.msg, "ungültig"));
  }
  write_template_t t;
  lotse_err_t err = {0};
  assert_int_equal(write_template_find(ws, "gibtsnicht", &t, NULL, &err),
                   LOTSE_ENOTFOUND);
  free(ws);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_without_directory_only_examples),
      cmocka_unit_test(test_file_overrides_and_adds),
      cmocka_unit_test(test_broken_file_named_not_replaced),
      cmocka_unit_test(test_ids_never_leave_the_directory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/apps/test_minutes_pdf.c — minutes as PDF (apps/minutes_pdf.c),
 * read back with poppler: every field of the county layout is in the text
 * (umlauts and ß included), dates as TT.MM.JJJJ, "Seite X von Y" on every
 * page, title and creator in the metadata; 100 agenda items and 100 tasks
 * make more pages, each TOP appears once, the task table's header repeats
 * on every page it continues on; no text runs into the footer or off the
 * page (long words, a head table taller than a page); invalid minutes
 * leave the output buffer unchanged; equal input gives equal bytes apart
 * from the creation date; the PDF is tagged (headings, tables with header
 * cells, lists), and each page's part of the task table starts with the
 * header row; the catalog names the language (an incremental update whose
 * startxref points at its xref table).
 */
#include "testutil.h"

#include "apps/minutes.h"

#include <poppler.h>

#define PAGE_W 595.276
#define PAGE_H 841.890
#define FOOT_TOP (PAGE_H - 70.87) /* the body ends here, the footer below */

/* fontconfig keeps its configuration for the process (not our leak). */
const char *__lsan_default_suppressions(void);
__attribute__((used)) const char *__lsan_default_suppressions(void) {
  return "leak:libfontconfig.so\n";
}

static json_t *good_doc(void) {
  json_error_t je;
  json_t *d = json_loads(
      "{\"meeting\":\"Dienstbesprechung Straßenbauamt\",\"date\":"
      "\"2026-02-28\",\"place\":\"Raum 2.14 Gießerei\",\"attendees\":"
      "[\"A. Meier\",\"Ö. Weiß\"],\"items\":[{\"title\":\"Digitale Bauakte "
      "<b>\",\"statements\":[\"Frau Meier berichtet über Größen.\"],"
      "\"decisions\":[\"Pilot ab März\"]},{\"title\":\"Verschiedenes\","
      "\"statements\":[],\"decisions\":[]}],\"tasks\":[{\"task\":"
      "\"Zeitplan erstellen\",\"owner\":\"Ö. Weiß\",\"due\":\"2024-02-29\"}]"
      "}",
      0, &je);
  assert_non_null(d);
  return d;
}

static PopplerDocument *open_pdf(const lotse_buf_t *b, size_t from) {
  assert_true(b->len > from + 5);
  assert_memory_equal(b->data + from, "%PDF-", 5);
  GBytes *bytes = g_bytes_new(b->data + from, b->len - from);
  GError *ge = NULL;
  PopplerDocument *pd = poppler_document_new_from_bytes(bytes, NULL, &ge);
  g_bytes_unref(bytes);
  if (!pd) fail_msg("poppler: %s", ge ? ge->message : "?");
  return pd;
}

static PopplerDocument *render(const json_t *doc) {
  lotse_buf_t b;
  lotse_err_t err = {0};
  lotse_buf_init(&b, 0);
  int rc = minutes_render(doc, MINUTES_PDF, &b, &err);
  if (rc) fail_msg("render: %s", err.msg);
  PopplerDocument *pd = open_pdf(&b, 0);
  lotse_buf_release(&b);
  return pd;
}

/* Drop all white space from s (in place): poppler does not put spaces
 * between table cells, so the tests compare texts without it. */
static char *squeeze(char *s) {
  char *w = s;
  for (char *r = s; *r; r++)
    if (!strchr(" \n\r\t", *r)) *w++ = *r;
  *w = '\0';
  return s;
}

/* The text of page i without white space (caller g_free). */
static char *page_text(PopplerDocument *pd, int i) {
  PopplerPage *pg = poppler_document_get_page(pd, i);
  assert_non_null(pg);
  char *t = poppler_page_get_text(pg);
  g_object_unref(pg);
  return squeeze(t);
}

/* All pages' text joined, without white space. */
static char *all_text(PopplerDocument *pd) {
  GString *s = g_string_new("");
  for (int i = 0; i < poppler_document_get_n_pages(pd); i++) {
    char *t = page_text(pd, i);
    g_string_append(s, t);
    g_free(t);
  }
  return g_string_free(s, FALSE);
}

/* How often needle (white space ignored) occurs in hay. */
static int count(const char *hay, const char *needle) {
  char n[512];
  snprintf(n, sizeof n, "%s", needle);
  squeeze(n);
  int c = 0;
  for (const char *p = strstr(hay, n); p; p = strstr(p + 1, n)) c++;
  return c;
}

/* The kinds of the Document's children, at most max, into kinds; the
 * element texts without white space (caller g_free each) into texts when
 * not NULL. Returns how many children there are. */
static int structure(PopplerDocument *pd, PopplerStructureElementKind *kinds,
                     char **texts, int max) {
  PopplerStructureElementIter *root = poppler_structure_element_iter_new(pd);
  assert_non_null(root); /* NULL: not a tagged PDF */
  PopplerStructureElement *doc = poppler_structure_element_iter_get_element(
      root);
  assert_int_equal(poppler_structure_element_get_kind(doc),
                   POPPLER_STRUCTURE_ELEMENT_DOCUMENT);
  g_object_unref(doc);
  PopplerStructureElementIter *it = poppler_structure_element_iter_get_child(
      root);
  int n = 0;
  do {
    PopplerStructureElement *e = poppler_structure_element_iter_get_element(
        it);
    if (n < max) {
      kinds[n] = poppler_structure_element_get_kind(e);
      char *t = poppler_structure_element_get_text(
          e, POPPLER_STRUCTURE_GET_TEXT_RECURSIVE);
      if (texts) texts[n] = squeeze(t ? t : g_strdup(""));
      else g_free(t);
    }
    n++;
    g_object_unref(e);
  } while (poppler_structure_element_iter_next(it));
  poppler_structure_element_iter_free(it);
  poppler_structure_element_iter_free(root);
  return n;
}

static void test_fields(void **state) {
  (void)state;
  json_t *doc = good_doc();
  PopplerDocument *pd = render(doc);
  assert_int_equal(poppler_document_get_n_pages(pd), 1);
  char *t = all_text(pd);
  const char *want[] = {
      "Niederschrift", "Sitzung Dienstbesprechung Straßenbauamt",
      "Datum 28.02.2026", "Ort Raum 2.14 Gießerei",
      "Anwesend A. Meier, Ö. Weiß", "TOP 1: Digitale Bauakte <b>",
      "Wortbeiträge", "Frau Meier berichtet über Größen.", "Beschlüsse",
      "Pilot ab März", "TOP 2: Verschiedenes", "Keine Wortbeiträge.",
      "Kein Beschluss.", "Aufgaben", "Nr. Aufgabe Zuständig Frist",
      "1 Zeitplan erstellen Ö. Weiß 29.02.2024", "Seite 1 von 1"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    if (count(t, want[i]) < 1) fail_msg("'%s' not in: %s", want[i], t);
  g_free(t);
  char *title = poppler_document_get_title(pd);
  char *creator = poppler_document_get_creator(pd);
  assert_string_equal(title, "Niederschrift: Dienstbesprechung Straßenbauamt");
  assert_string_equal(creator, "lotse");
  g_free(title);
  g_free(creator);

  enum { H1 = POPPLER_STRUCTURE_ELEMENT_HEADING_1,
         H2 = POPPLER_STRUCTURE_ELEMENT_HEADING_2,
         H3 = POPPLER_STRUCTURE_ELEMENT_HEADING_3,
         TABLE = POPPLER_STRUCTURE_ELEMENT_TABLE,
         LIST = POPPLER_STRUCTURE_ELEMENT_LIST,
         P = POPPLER_STRUCTURE_ELEMENT_PARAGRAPH };
  const int kinds[] = {H1, TABLE, H2, H3, LIST, H3, LIST, H2, H3, P, H3, P,
                       H2, TABLE};
  PopplerStructureElementKind got[20];
  char *texts[20];
  int n = structure(pd, got, texts, 20);
  assert_int_equal(n, (int)(sizeof kinds / sizeof kinds[0]));
  for (int i = 0; i < n; i++) {
    if ((int)got[i] != kinds[i])
      fail_msg("element %d: kind %d, want %d", i, got[i], kinds[i]);
  }
  assert_int_equal(count(texts[0], "Niederschrift"), 1);
  assert_int_equal(count(texts[2], "TOP 1: Digitale Bauakte <b>"), 1);
  /* ASCII only: poppler-glib 22.12 mis-encodes non-ASCII structure text
   * (pdfinfo -struct-text of the same file shows it right) */
  assert_int_equal(count(texts[9], "Keine Wortbeitr"), 1);
  assert_int_equal(count(texts[13], "Nr.Aufgabe"), 1);
  for (int i = 0; i < n; i++) g_free(texts[i]);
  g_object_unref(pd);

  /* no tasks, no place: the same words as the HTML */
  json_object_set_new(doc, "tasks", json_array());
  json_object_del(doc, "place");
  pd = render(doc);
  t = all_text(pd);
  assert_int_equal(count(t, "Keine Aufgaben."), 1);
  assert_int_equal(count(t, "Zuständig"), 0);
  assert_int_equal(count(t, "Gießerei"), 0);
  g_free(t);
  g_object_unref(pd);
  json_decref(doc);
}

/* n agenda items with growing statements, n tasks. */
static json_t *long_doc(int n) {
  json_t *doc = good_doc();
  json_t *items = json_array(), *tasks = json_array();
  for (int i = 1; i <= n; i++) {
    GString *s = g_string_new("");
    g_string_append_printf(s, "Beitrag %d:", i);
    for (int k = 0; k < i % 37; k++) g_string_append(s, " Wortbeitrag");
    char title[64], task[128], owner[64];
    snprintf(title, sizeof title, "Punkt %d Übersicht", i);
    json_array_append_new(
        items, json_pack("{s:s, s:[s], s:[]}", "title", title,
                         "statements", s->str, "decisions"));
    g_string_free(s, TRUE);
    snprintf(task, sizeof task, "Aufgabe %d mit einer längeren Beschreibung "
             "über zwei Zeilen der Tabelle, Ende %d.", i, i);
    snprintf(owner, sizeof owner, "Person %d", i);
    json_array_append_new(tasks, json_pack("{s:s, s:s, s:s}", "task", task,
                                           "owner", owner, "due",
                                           "2026-04-01"));
  }
  json_object_set_new(doc, "items", items);
  json_object_set_new(doc, "tasks", tasks);
  return doc;
}

static void test_many_pages(void **state) {
  (void)state;
  json_t *small = long_doc(10), *big = long_doc(100);
  PopplerDocument *ps = render(small), *pb = render(big);
  int ns = poppler_document_get_n_pages(ps);
  int nb = poppler_document_get_n_pages(pb);
  assert_true(nb > ns);
  assert_true(nb >= 10);
  char *t = all_text(pb);
  for (int i = 1; i <= 100; i++) {
    char top[64], row[64];
    snprintf(top, sizeof top, "TOP %d: Punkt %d Übersicht", i, i);
    snprintf(row, sizeof row, "Person %d 01.04.2026", i);
    if (count(t, top) != 1) fail_msg("'%s' %d times", top, count(t, top));
    if (count(t, row) != 1) fail_msg("'%s' %d times", row, count(t, row));
  }
  g_free(t);
  int task_pages = 0;
  for (int i = 0; i < nb; i++) {
    char *pt = page_text(pb, i), foot[64];
    snprintf(foot, sizeof foot, "Seite %d von %d", i + 1, nb);
    if (count(pt, foot) != 1) fail_msg("page %d lacks '%s'", i + 1, foot);
    for (int k = 1; k <= 100; k++) { /* a table row is never split */
      char a[32], e[32];
      snprintf(a, sizeof a, "Aufgabe%dmit", k);
      snprintf(e, sizeof e, "Ende%d.", k);
      if (!strstr(pt, a) != !strstr(pt, e))
        fail_msg("page %d: task %d split across pages", i + 1, k);
    }
    if (strstr(pt, "Person")) {
      task_pages++;
      if (!strstr(pt, "Zuständig"))
        fail_msg("page %d: task rows without the header row", i + 1);
    }
    g_free(pt);
  }
  assert_true(task_pages >= 2);
  /* tagged: the head table, then one table per page of tasks, each
   * starting with the header row */
  PopplerStructureElementKind kinds[512];
  char *texts[512];
  int n = structure(pb, kinds, texts, 512), tables = 0;
  assert_true(n <= 512);
  for (int i = 0; i < n; i++) {
    if (kinds[i] == POPPLER_STRUCTURE_ELEMENT_TABLE && tables++ > 0 &&
        strncmp(texts[i], "Nr.", 3))
      fail_msg("task table part %d starts with '%.20s'", tables, texts[i]);
    g_free(texts[i]);
  }
  assert_int_equal(tables, 1 + task_pages);
  g_object_unref(ps);
  g_object_unref(pb);
  json_decref(small);
  json_decref(big);
}

/* Every character inside the page, and either in the body or (the page
 * number) in the footer: nothing runs off the edge or into the foot. */
static void check_boxes(PopplerDocument *pd) {
  for (int i = 0; i < poppler_document_get_n_pages(pd); i++) {
    PopplerPage *pg = poppler_document_get_page(pd, i);
    PopplerRectangle *r = NULL;
    guint n = 0;
    assert_true(poppler_page_get_text_layout(pg, &r, &n));
    for (guint k = 0; k < n; k++) {
      if (r[k].x1 == r[k].x2) continue; /* line breaks poppler adds */
      if (r[k].x1 < 0 || r[k].x2 > PAGE_W - 50 || r[k].y1 < 40)
        fail_msg("page %d: character %u off the page (%.1f,%.1f)", i + 1,
                 k, r[k].x2, r[k].y1);
      if (r[k].y2 > FOOT_TOP + 1 && r[k].y1 < FOOT_TOP + 15)
        fail_msg("page %d: character %u in the footer gap (%.1f)", i + 1, k,
                 r[k].y2);
    }
    g_free(r);
    g_object_unref(pg);
  }
}

static void test_wrap_and_split(void **state) {
  (void)state;
  json_t *doc = good_doc();
  /* a 2,000-byte word, 100 attendees of ~190 bytes: the head table row is
   * taller than a page and must be split between lines */
  char word[2001];
  memset(word, 'x', 2000);
  word[2000] = '\0';
  json_t *items = json_object_get(doc, "items");
  json_array_append_new(json_object_get(json_array_get(items, 0),
                                        "statements"), json_string(word));
  json_t *att = json_array();
  for (int i = 0; i < 100; i++) {
    char name[200];
    snprintf(name, sizeof name, "Teilnehmerin %03d %s", i,
             "mit einem sehr langen Namen und Zusatz der Dienststelle für "
             "Straßenverkehr und Öffentliche Ordnung, Abteilung Genehmigungen "
             "und Überwachung, Sachgebiet ");
    json_array_append_new(att, json_string(name));
  }
  json_object_set_new(doc, "attendees", att);
  PopplerDocument *pd = render(doc);
  assert_true(poppler_document_get_n_pages(pd) >= 3);
  check_boxes(pd);
  char *t = all_text(pd);
  for (int i = 0; i < 100; i++) {
    char name[32];
    snprintf(name, sizeof name, "Teilnehmerin %03d", i);
    if (count(t, name) != 1) fail_msg("'%s' %d times", name, count(t, name));
  }
  /* the long word is all there (possibly broken across lines) */
  size_t xs = 0;
  for (const char *p = t; *p; p++) xs += *p == 'x';
  assert_true(xs >= 2000);
  g_free(t);
  g_object_unref(pd);
  json_decref(doc);

  json_t *big = long_doc(100);
  pd = render(big);
  check_boxes(pd);
  g_object_unref(pd);
  json_decref(big);

  /* right-to-left, CJK, emoji, combining marks, zero-width spaces */
  doc = good_doc();
  json_object_set_new(
      doc, "attendees",
      json_pack("[s,s,s,s]", "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf "
                "\xd8\xb9\xd9\x84\xd9\x8a", "\xe6\x9d\x8e\xe5\xb0\x8f",
                "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbc Dr. A",
                "Zoe\xcc\x88 a\xcc\x81\xcc\x82"));
  lotse_buf_t mixed;
  lotse_buf_init(&mixed, 0);
  for (int i = 0; i < 40; i++)
    lotse_buf_puts(&mixed, "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d und "
                           "Deutsch \xe2\x80\x8b");
  items = json_object_get(doc, "items");
  json_array_append_new(json_object_get(json_array_get(items, 0),
                                        "statements"),
                        json_string(mixed.data));
  lotse_buf_release(&mixed);
  pd = render(doc);
  check_boxes(pd);
  t = all_text(pd);
  assert_int_equal(count(t, "Deutsch"), 40);
  g_free(t);
  g_object_unref(pd);
  json_decref(doc);
}

static void test_invalid_and_append(void **state) {
  (void)state;
  lotse_buf_t b;
  lotse_err_t err = {0};
  lotse_buf_init(&b, 0);
  assert_int_equal(lotse_buf_puts(&b, "vorher"), 0);
  json_t *doc = good_doc();
  json_object_set_new(doc, "date", json_string("2026-02-30"));
  assert_int_equal(minutes_render(doc, MINUTES_PDF, &b, &err), LOTSE_EINVAL);
  assert_non_null(strstr(err.msg, "date"));
  assert_int_equal(b.len, 6);
  json_object_set_new(doc, "date", json_string("2026-02-28"));
  assert_int_equal(minutes_render(doc, MINUTES_PDF, &b, &err), 0);
  assert_memory_equal(b.data, "vorher%PDF-", 11);
  PopplerDocument *pd = open_pdf(&b, 6);
  assert_int_equal(poppler_document_get_n_pages(pd), 1);
  g_object_unref(pd);
  /* a capped buffer: too big is an error and leaves it as it was */
  lotse_buf_t small;
  lotse_buf_init(&small, 1000);
  assert_int_equal(minutes_render(doc, MINUTES_PDF, &small, &err),
                   LOTSE_ETOOBIG);
  assert_int_equal(small.len, 0);
  lotse_buf_release(&small);
  lotse_buf_release(&b);
  json_decref(doc);
}

/* Blank the value of /CreationDate (same length each time). */
static void blank_date(lotse_buf_t *b) {
  for (size_t i = 0; i + 14 < b->len; i++)
    if (!memcmp(b->data + i, "/CreationDate (", 15))
      for (size_t k = i + 15; k < b->len && b->data[k] != ')'; k++)
        b->data[k] = '0';
}

static void test_deterministic(void **state) {
  (void)state;
  json_t *doc = long_doc(20);
  lotse_buf_t a, b;
  lotse_err_t err = {0};
  lotse_buf_init(&a, 0);
  lotse_buf_init(&b, 0);
  assert_int_equal(minutes_render(doc, MINUTES_PDF, &a, &err), 0);
  assert_int_equal(minutes_render(doc, MINUTES_PDF, &b, &err), 0);
  blank_date(&a);
  blank_date(&b);
  assert_int_equal(a.len, b.len);
  assert_memory_equal(a.data, b.data, a.len);
  lotse_buf_release(&a);
  lotse_buf_release(&b);
  json_decref(doc);
}

static void test_language(void **state) {
  (void)state;
  json_t *doc = good_doc();
  lotse_buf_t b;
  lotse_err_t err = {0};
  lotse_buf_init(&b, 0);
  assert_int_equal(minutes_render(doc, MINUTES_PDF, &b, &err), 0);
  const char *cat = NULL, *lang = NULL, *sx = NULL;
  for (const char *q = b.data; (q = memmem(q, b.len - (size_t)(q - b.data),
                                           "/Type /Catalog", 14));
       q++)
    cat = q;
  assert_non_null(cat);
  lang = strstr(cat, "/Lang (de-DE)");
  assert_non_null(lang);
  assert_true(lang < strstr(cat, "endobj"));
  for (const char *q = b.data; (q = memmem(q, b.len - (size_t)(q - b.data),
                                           "startxref\n", 10));
       q++)
    sx = q;
  assert_non_null(sx);
  long off = strtol(sx + 10, NULL, 10);
  assert_true(off > lang - b.data && (size_t)off + 5 < b.len);
  assert_memory_equal(b.data + off, "xref\n", 5);
  assert_memory_equal(b.data + b.len - 6, "%%EOF\n", 6);
  PopplerDocument *pd = open_pdf(&b, 0); /* still readable */
  assert_int_equal(poppler_document_get_n_pages(pd), 1);
  g_object_unref(pd);
  lotse_buf_release(&b);
  json_decref(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fields),
      cmocka_unit_test(test_many_pages),
      cmocka_unit_test(test_wrap_and_split),
      cmocka_unit_test(test_invalid_and_append),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_language),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/minutes_render.c — minutes as Markdown or HTML in the county's
 * fixed layout (apps/minutes.h): heading "Niederschrift" (Markdown: with
 * the meeting's name, which becomes a stored document's title), a head table
 * (Sitzung, Datum, Ort, Anwesend), one section per agenda item ("TOP n")
 * with Wortbeiträge and Beschlüsse, then the task table (Aufgabe,
 * Zuständig, Frist). Every text is escaped: Markdown punctuation with a
 * backslash, HTML with entities; line breaks inside a text become spaces.
 */
#include "apps/minutes.h"

#include <string.h>

typedef struct out {
  lotse_buf_t *b;
  minutes_format_t f;
  int rc;
  int in_list; /* Markdown: the text starts a list item's content */
} out_t;

static void raw(out_t *o, const char *s) {
  if (!o->rc) o->rc = lotse_buf_puts(o->b, s);
}

/* Markdown: punctuation that forms inline markup always gets a backslash;
 * '+' '-' and the '.' or ')' after leading digits only at the start of a
 * list item's text, where they would open a nested list. */
static int md_special(const char *start, const char *p, int in_list) {
  if (strchr("\\`*_{}[]<>#|~&!", *p)) return 1;
  if (!in_list) return 0;
  if (p == start) return *p == '+' || *p == '-';
  if (*p != '.' && *p != ')') return 0;
  for (const char *q = start; q < p; q++)
    if (*q < '0' || *q > '9') return 0;
  return 1;
}

static void put_escaped(out_t *o, const char *s) {
  const char *start = s;
  for (; *s && !o->rc; s++) {
    char c = *s;
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (o->f == MINUTES_HTML) {
      switch (c) {
      case '&': raw(o, "&amp;"); continue;
      case '<': raw(o, "&lt;"); continue;
      case '>': raw(o, "&gt;"); continue;
      case '"': raw(o, "&quot;"); continue;
      case '\'': raw(o, "&#39;"); continue;
      default: break;
      }
    } else if (md_special(start, s, o->in_list)) {
      o->rc = lotse_buf_putc(o->b, '\\');
    }
    if (!o->rc) o->rc = lotse_buf_putc(o->b, c);
  }
}

static void text(out_t *o, const json_t *obj, const char *key) {
  const char *s = json_string_value(json_object_get(obj, key));
  put_escaped(o, s ? s : "");
}

/* YYYY-MM-DD (validated) as TT.MM.JJJJ. */
static void date(out_t *o, const json_t *obj, const char *key) {
  const char *s = json_string_value(json_object_get(obj, key));
  char d[11];
  if (!s || strlen(s) != 10) {
    put_escaped(o, s ? s : "");
    return;
  }
  memcpy(d, s + 8, 2);
  d[2] = '.';
  memcpy(d + 3, s + 5, 2);
  d[5] = '.';
  memcpy(d + 6, s, 4);
  d[10] = '\0';
  put_escaped(o, d);
}

static void attendees(out_t *o, const json_t *doc) {
  const json_t *a = json_object_get(doc, "attendees");
  for (size_t i = 0; i < json_array_size(a); i++) {
    if (i) raw(o, ", ");
    const char *s = json_string_value(json_array_get(a, i));
    put_escaped(o, s ? s : "");
  }
}

/* ---------------------------------------------------------------- Markdown */

static void md_list(out_t *o, const json_t *it, const char *key,
                    const char *heading, const char *none) {
  const json_t *a = json_object_get(it, key);
  raw(o, "**");
  raw(o, heading);
  raw(o, "**\n\n");
  if (json_array_size(a) == 0) {
    raw(o, none);
    raw(o, "\n\n");
    return;
  }
  for (size_t i = 0; i < json_array_size(a); i++) {
    raw(o, "- ");
    o->in_list = 1;
    put_escaped(o, json_string_value(json_array_get(a, i)));
    o->in_list = 0;
    raw(o, "\n");
  }
  raw(o, "\n");
}

static void md(out_t *o, const json_t *doc) {
  raw(o, "# Niederschrift: ");
  text(o, doc, "meeting");
  raw(o, "\n\n| | |\n|---|---|\n| Sitzung | ");
  text(o, doc, "meeting");
  raw(o, " |\n| Datum | ");
  date(o, doc, "date");
  raw(o, " |\n");
  if (json_object_get(doc, "place")) {
    raw(o, "| Ort | ");
    text(o, doc, "place");
    raw(o, " |\n");
  }
  raw(o, "| Anwesend | ");
  attendees(o, doc);
  raw(o, " |\n\n");
  const json_t *items = json_object_get(doc, "items");
  for (size_t i = 0; i < json_array_size(items) && !o->rc; i++) {
    const json_t *it = json_array_get(items, i);
    o->rc = lotse_buf_printf(o->b, "## TOP %zu: ", i + 1);
    text(o, it, "title");
    raw(o, "\n\n");
    md_list(o, it, "statements", "Wortbeiträge", "Keine Wortbeiträge.");
    md_list(o, it, "decisions", "Beschlüsse", "Kein Beschluss.");
  }
  raw(o, "## Aufgaben\n\n");
  const json_t *tasks = json_object_get(doc, "tasks");
  if (json_array_size(tasks) == 0) {
    raw(o, "Keine Aufgaben.\n");
    return;
  }
  raw(o, "| Nr. | Aufgabe | Zuständig | Frist |\n|---|---|---|---|\n");
  for (size_t i = 0; i < json_array_size(tasks) && !o->rc; i++) {
    const json_t *t = json_array_get(tasks, i);
    o->rc = lotse_buf_printf(o->b, "| %zu | ", i + 1);
    text(o, t, "task");
    raw(o, " | ");
    text(o, t, "owner");
    raw(o, " | ");
    date(o, t, "due");
    raw(o, " |\n");
  }
}

/* -------------------------------------------------------------------- HTML */

static void html_list(out_t *o, const json_t *it, const char *key,
                      const char *heading, const char *none) {
  const json_t *a = json_object_get(it, key);
  raw(o, "<h3>");
  raw(o, heading);
  raw(o, "</h3>\n");
  if (json_array_size(a) == 0) {
    raw(o, "<p>");
    raw(o, none);
    raw(o, "</p>\n");
    return;
  }
  raw(o, "<ul>\n");
  for (size_t i = 0; i < json_array_size(a); i++) {
    raw(o, "<li>");
    put_escaped(o, json_string_value(json_array_get(a, i)));
    raw(o, "</li>\n");
  }
  raw(o, "</ul>\n");
}

static void html_head(out_t *o, const json_t *doc) {
  raw(o, "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8"
         "\">\n<title>Niederschrift: ");
  text(o, doc, "meeting");
  raw(o, "</title>\n</head>\n<body>\n<main>\n<h1>Niederschrift</h1>\n"
         "<table class=\"kopf\">\n<tr><th scope=\"row\">Sitzung</th><td>");
  text(o, doc, "meeting");
  raw(o, "</td></tr>\n<tr><th scope=\"row\">Datum</th><td>");
  date(o, doc, "date");
  raw(o, "</td></tr>\n");
  if (json_object_get(doc, "place")) {
    raw(o, "<tr><th scope=\"row\">Ort</th><td>");
    text(o, doc, "place");
    raw(o, "</td></tr>\n");
  }
  raw(o, "<tr><th scope=\"row\">Anwesend</th><td>");
  attendees(o, doc);
  raw(o, "</td></tr>\n</table>\n");
}

static void html(out_t *o, const json_t *doc) {
  html_head(o, doc);
  const json_t *items = json_object_get(doc, "items");
  for (size_t i = 0; i < json_array_size(items) && !o->rc; i++) {
    const json_t *it = json_array_get(items, i);
    o->rc = lotse_buf_printf(o->b, "<section>\n<h2>TOP %zu: ", i + 1);
    text(o, it, "title");
    raw(o, "</h2>\n");
    html_list(o, it, "statements", "Wortbeiträge", "Keine Wortbeiträge.");
    html_list(o, it, "decisions", "Beschlüsse", "Kein Beschluss.");
    raw(o, "</section>\n");
  }
  raw(o, "<section>\n<h2>Aufgaben</h2>\n");
  const json_t *tasks = json_object_get(doc, "tasks");
  if (json_array_size(tasks) == 0) raw(o, "<p>Keine Aufgaben.</p>\n");
  else
    raw(o, "<table class=\"aufgaben\">\n<tr><th scope=\"col\">Nr.</th>"
           "<th scope=\"col\">Aufgabe</th><th scope=\"col\">Zuständig</th>"
           "<th scope=\"col\">Frist</th></tr>\n");
  for (size_t i = 0; i < json_array_size(tasks) && !o->rc; i++) {
    const json_t *t = json_array_get(tasks, i);
    o->rc = lotse_buf_printf(o->b, "<tr><td>%zu</td><td>", i + 1);
    text(o, t, "task");
    raw(o, "</td><td>");
    text(o, t, "owner");
    raw(o, "</td><td>");
    date(o, t, "due");
    raw(o, "</td></tr>\n");
  }
  if (json_array_size(tasks)) raw(o, "</table>\n");
  raw(o, "</section>\n</main>\n</body>\n</html>\n");
}

int minutes_render(const json_t *doc, minutes_format_t f, lotse_buf_t *out,
                   lotse_err_t *err) {
  int rc = minutes_validate(doc, err);
  if (rc) return rc;
  if (f == MINUTES_PDF) return minutes_render_pdf(doc, out, err);
  out_t o = {out, f, 0, 0};
  if (f == MINUTES_HTML) html(&o, doc);
  else md(&o, doc);
  if (o.rc)
    return lotse_err_set(err, o.rc, "Protokoll zu groß für die Ausgabe");
  return 0;
}

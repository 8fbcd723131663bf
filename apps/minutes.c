/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/minutes.c — the minutes structure: JSON Schema and validator
 * (apps/minutes.h). Rendering: apps/minutes_render.c.
 */
#include "apps/minutes.h"

#include <stdio.h>
#include <string.h>

/* Keys in schema order; the constrained decoder emits them in this order. */
static const char schema[] =
    "{\"type\":\"object\",\"required\":[\"meeting\",\"date\",\"attendees\","
    "\"items\",\"tasks\"],\"properties\":{"
    "\"meeting\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
    "\"date\":{\"type\":\"string\",\"minLength\":10,\"maxLength\":10},"
    "\"place\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
    "\"attendees\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":100,"
    "\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200}},"
    "\"items\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":100,"
    "\"items\":{\"type\":\"object\",\"required\":[\"title\",\"statements\","
    "\"decisions\"],\"properties\":{"
    "\"title\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
    "\"statements\":{\"type\":\"array\",\"maxItems\":100,\"items\":"
    "{\"type\":\"string\",\"minLength\":1,\"maxLength\":2000}},"
    "\"decisions\":{\"type\":\"array\",\"maxItems\":100,\"items\":"
    "{\"type\":\"string\",\"minLength\":1,\"maxLength\":2000}}}}},"
    "\"tasks\":{\"type\":\"array\",\"maxItems\":100,\"items\":{"
    "\"type\":\"object\",\"required\":[\"task\",\"owner\",\"due\"],"
    "\"properties\":{"
    "\"task\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":2000},"
    "\"owner\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":200},"
    "\"due\":{\"type\":\"string\",\"minLength\":10,\"maxLength\":10}}}}}}";

const char *minutes_schema(void) { return schema; }

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* YYYY-MM-DD, a real calendar date from 1900 to 2999. */
static int date_ok(const char *s) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
          (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return 0;
  int max = mdays[m - 1] + (m == 2 && leap(y));
  return d <= max;
}

static int blank(const char *s) {
  for (; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return 0;
  return 1;
}

static size_t code_points(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xc0) != 0x80;
  return k;
}

/* A text field. strict: not blank, at most max bytes, no control
 * characters other than newline and tab. Otherwise only what the schema
 * says: 1 to max code points. */
static int check_text(const json_t *v, const char *path, size_t max,
                      int strict, lotse_err_t *err) {
  if (!v)
    return lotse_err_set(err, LOTSE_EINVAL, "%s: Angabe fehlt", path);
  if (!json_is_string(v))
    return lotse_err_set(err, LOTSE_EINVAL, "%s: Text erwartet", path);
  const char *s = json_string_value(v);
  size_t n = json_string_length(v);
  if (!strict) {
    size_t k = code_points(s, n);
    if (k == 0 || k > max)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "%s: 1 bis %zu Zeichen erwartet", path, max);
    return 0;
  }
  if (n == 0 || blank(s))
    return lotse_err_set(err, LOTSE_EINVAL, "%s: Text fehlt", path);
  if (n > max)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "%s: Text zu lang (%zu Bytes, höchstens %zu)", path,
                         n, max);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "%s: unzulässiges Steuerzeichen", path);
  }
  return 0;
}

static int check_date(const json_t *v, const char *path, int strict,
                      lotse_err_t *err) {
  int rc = check_text(v, path, 10, strict, err);
  if (rc) return rc;
  if (!strict)
    return code_points(json_string_value(v), json_string_length(v)) == 10
               ? 0
               : lotse_err_set(err, LOTSE_EINVAL, "%s: 10 Zeichen erwartet",
                               path);
  if (!date_ok(json_string_value(v)))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "%s: Datum als JJJJ-MM-TT erwartet, nicht '%s'",
                         path, json_string_value(v));
  return 0;
}

/* Only the listed keys may appear. */
static int check_keys(const json_t *o, const char *path,
                      const char *const *keys, lotse_err_t *err) {
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)o, k, v) {
    (void)v;
    int known = 0;
    for (size_t i = 0; keys[i] && !known; i++) known = !strcmp(k, keys[i]);
    if (!known)
      return lotse_err_set(err, LOTSE_EINVAL, "%s: unbekanntes Feld '%s'",
                           path, k);
  }
  return 0;
}

static int check_list(const json_t *v, const char *path, size_t min,
                      lotse_err_t *err) {
  if (!v)
    return lotse_err_set(err, LOTSE_EINVAL, "%s: Angabe fehlt", path);
  if (!json_is_array(v))
    return lotse_err_set(err, LOTSE_EINVAL, "%s: Liste erwartet", path);
  size_t n = json_array_size(v);
  if (n < min)
    return lotse_err_set(err, LOTSE_EINVAL, "%s: mindestens %zu Eintrag",
                         path, min);
  if (n > MINUTES_LIST_MAX)
    return lotse_err_set(err, LOTSE_EINVAL,
                         "%s: zu viele Einträge (%zu, höchstens %d)", path, n,
                         MINUTES_LIST_MAX);
  return 0;
}

static int check_texts(const json_t *v, const char *path, size_t min,
                       size_t max, int strict, lotse_err_t *err) {
  int rc = check_list(v, path, min, err);
  char p[128];
  for (size_t i = 0; !rc && i < json_array_size(v); i++) {
    snprintf(p, sizeof p, "%s[%zu]", path, i + 1);
    rc = check_text(json_array_get(v, i), p, max, strict, err);
  }
  return rc;
}

static int check_item(const json_t *it, size_t i, int strict,
                      lotse_err_t *err) {
  static const char *const keys[] = {"title", "statements", "decisions",
                                     NULL};
  char p[64], q[96];
  snprintf(p, sizeof p, "items[%zu]", i + 1);
  if (!json_is_object(it))
    return lotse_err_set(err, LOTSE_EINVAL, "%s: Objekt erwartet", p);
  int rc = check_keys(it, p, keys, err);
  snprintf(q, sizeof q, "%s.title", p);
  if (!rc) rc = check_text(json_object_get(it, "title"), q, 200, strict, err);
  snprintf(q, sizeof q, "%s.statements", p);
  if (!rc)
    rc = check_texts(json_object_get(it, "statements"), q, 0,
                     MINUTES_TEXT_MAX, strict, err);
  snprintf(q, sizeof q, "%s.decisions", p);
  if (!rc)
    rc = check_texts(json_object_get(it, "decisions"), q, 0,
                     MINUTES_TEXT_MAX, strict, err);
  return rc;
}

static int check_task(const json_t *t, size_t i, int strict,
                      lotse_err_t *err) {
  static const char *const keys[] = {"task", "owner", "due", NULL};
  char p[64], q[96];
  snprintf(p, sizeof p, "tasks[%zu]", i + 1);
  if (!json_is_object(t))
    return lotse_err_set(err, LOTSE_EINVAL, "%s: Objekt erwartet", p);
  int rc = check_keys(t, p, keys, err);
  snprintf(q, sizeof q, "%s.task", p);
  if (!rc)
    rc = check_text(json_object_get(t, "task"), q, MINUTES_TEXT_MAX, strict, err);
  snprintf(q, sizeof q, "%s.owner", p);
  if (!rc) rc = check_text(json_object_get(t, "owner"), q, 200, strict, err);
  snprintf(q, sizeof q, "%s.due", p);
  if (!rc) rc = check_date(json_object_get(t, "due"), q, strict, err);
  return rc;
}

static int validate(const json_t *doc, int strict, lotse_err_t *err) {
  static const char *const keys[] = {"meeting", "date", "place", "attendees",
                                     "items", "tasks", NULL};
  if (!json_is_object(doc))
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Protokoll: JSON-Objekt erwartet");
  int rc = check_keys(doc, "Protokoll", keys, err);
  if (!rc) rc = check_text(json_object_get(doc, "meeting"), "meeting", 200,
                           strict, err);
  if (!rc) rc = check_date(json_object_get(doc, "date"), "date", strict, err);
  const json_t *place = json_object_get(doc, "place");
  if (!rc && place) rc = check_text(place, "place", 200, strict, err);
  if (!rc)
    rc = check_texts(json_object_get(doc, "attendees"), "attendees", 1, 200,
                     strict, err);
  const json_t *items = json_object_get(doc, "items");
  if (!rc) rc = check_list(items, "items", 1, err);
  for (size_t i = 0; !rc && i < json_array_size(items); i++)
    rc = check_item(json_array_get(items, i), i, strict, err);
  const json_t *tasks = json_object_get(doc, "tasks");
  if (!rc) rc = check_list(tasks, "tasks", 0, err);
  for (size_t i = 0; !rc && i < json_array_size(tasks); i++)
    rc = check_task(json_array_get(tasks, i), i, strict, err);
  return rc;
}

int minutes_validate(const json_t *doc, lotse_err_t *err) {
  return validate(doc, 1, err);
}

int minutes_validate_schema(const json_t *doc, lotse_err_t *err) {
  return validate(doc, 0, err);
}

int minutes_parse(const char *text, size_t len, json_t **out,
                  lotse_err_t *err) {
  *out = NULL;
  if (len > MINUTES_INPUT_MAX)
    return lotse_err_set(err, LOTSE_ETOOBIG,
                         "Protokoll zu groß (%zu Bytes, höchstens %zu)", len,
                         MINUTES_INPUT_MAX);
  json_error_t je;
  json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if (!j)
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "kein gültiges JSON (Zeile %d, Spalte %d): %s",
                         je.line, je.column, je.text);
  int rc = minutes_validate(j, err);
  if (rc) {
    json_decref(j);
    return rc;
  }
  *out = j;
  return 0;
}

int minutes_format_parse(const char *name, minutes_format_t *f,
                         lotse_err_t *err) {
  if (name && !strcmp(name, "md")) *f = MINUTES_MD;
  else if (name && !strcmp(name, "html")) *f = MINUTES_HTML;
  else if (name && !strcmp(name, "pdf")) *f = MINUTES_PDF;
  else
    return lotse_err_set(err, LOTSE_EINVAL,
                         "Format md, html oder pdf erwartet, nicht '%s'",
                         name ? name : "");
  return 0;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * apps/write_template.c — template parsing, filling and the writing rules
 * of the system prompt (format: apps/write.h, apps/templates/README.md).
 */
#include "apps/write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_MAX 40
#define NAME_MAX_LEN 40

static int name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

static int name_ok(const char *s, size_t n) {
  if (n == 0 || n > NAME_MAX_LEN) return 0;
  for (size_t i = 0; i < n; i++)
    if (!name_char(s[i])) return 0;
  return 1;
}

static char *trim_dup(const char *s, size_t n) {
  while (n && *s && strchr(" \t\r\n", *s)) s++, n--;
  while (n && s[n - 1] && strchr(" \t\r\n", s[n - 1])) n--;
  return lotse_strndup(s, n);
}

void write_template_release(write_template_t *t) {
  if (!t) return;
  free(t->id), free(t->title), free(t->reg), free(t->tone), free(t->body);
  for (size_t i = 0; i < t->n_keys; i++) free(t->keys[i]);
  free(t->keys);
  memset(t, 0, sizeof *t);
}

int write_register_ok(const char *reg) {
  return reg && (strcmp(reg, "fachlich") == 0 || strcmp(reg, "buergernah") == 0);
}

static int key_index(const write_template_t *t, const char *s, size_t n) {
  for (size_t i = 0; i < t->n_keys; i++)
    if (strlen(t->keys[i]) == n && memcmp(t->keys[i], s, n) == 0) return (int)i;
  return -1;
}

static int parse_keys(write_template_t *t, const char *v, lotse_err_t *err) {
  const char *p = v;
  while (*p) {
    const char *e = strchr(p, ',');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char *k = trim_dup(p, n);
    if (!k) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    int bad = !name_ok(k, strlen(k)), dup = key_index(t, k, strlen(k)) >= 0;
    if (bad || dup || t->n_keys >= WRITE_KEYS_MAX) {
      int rc = lotse_err_set(err, LOTSE_EINVAL,
                             bad ? "Vorlage: ungültiger Platzhaltername „%s“"
                             : dup ? "Vorlage: Platzhalter „%s“ doppelt"
                                   : "Vorlage: zu viele Platzhalter (%s)",
                             k);
      free(k);
      return rc;
    }
    t->keys[t->n_keys++] = k;
    p = e ? e + 1 : p + n;
  }
  return 0;
}

static int set_str(char **dst, const char *key, const char *v,
                   lotse_err_t *err) {
  if (*dst)
    return lotse_err_set(err, LOTSE_EINVAL, "Vorlage: Feld „%s“ doppelt", key);
  if (!(*dst = lotse_strdup(v)))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  return 0;
}

static int header_field(write_template_t *t, const char *key, const char *v,
                        lotse_err_t *err) {
  if (strcmp(key, "id") == 0) {
    if (!name_ok(v, strlen(v)) || strlen(v) > ID_MAX)
      return lotse_err_set(err, LOTSE_EINVAL, "Vorlage: ungültige id „%s“", v);
    return set_str(&t->id, key, v, err);
  }
  if (strcmp(key, "title") == 0) return set_str(&t->title, key, v, err);
  if (strcmp(key, "tone") == 0) return set_str(&t->tone, key, v, err);
  if (strcmp(key, "register") == 0) {
    if (!write_register_ok(v))
      return lotse_err_set(err, LOTSE_EINVAL,
                           "Vorlage: register muss „fachlich“ oder "
                           "„buergernah“ sein, nicht „%s“", v);
    return set_str(&t->reg, key, v, err);
  }
  if (strcmp(key, "length") == 0) {
    char *end;
    long x = strtol(v, &end, 10);
    if (!*v || *end || x < 20 || x > 2000)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "Vorlage: length muss eine Zahl von 20 bis 2000 sein");
    t->length = (int)x;
    return 0;
  }
  if (strcmp(key, "placeholders") == 0) return parse_keys(t, v, err);
  return lotse_err_set(err, LOTSE_EINVAL, "Vorlage: unbekanntes Feld „%s“", key);
}

/* One header line (without its newline). */
static int header_line(write_template_t *t, const char *s, size_t n,
                       lotse_err_t *err) {
  char *line = trim_dup(s, n);
  if (!line) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  int rc = 0;
  char *colon = strchr(line, ':');
  if (line[0] == '\0' || line[0] == '#') {
    rc = 0;
  } else if (!colon) {
    rc = lotse_err_set(err, LOTSE_EINVAL,
                       "Vorlage: Kopfzeile ohne „:“: „%s“", line);
  } else {
    *colon = '\0';
    char *k = trim_dup(line, strlen(line)), *v = trim_dup(colon + 1, strlen(colon + 1));
    rc = k && v ? header_field(t, k, v, err)
                : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    free(k), free(v);
  }
  free(line);
  return rc;
}

/* Every {{name}} of the body is declared and every declared one used. */
static int check_body(const write_template_t *t, lotse_err_t *err) {
  unsigned char used[WRITE_KEYS_MAX] = {0};
  for (const char *p = strstr(t->body, "{{"); p; p = strstr(p, "{{")) {
    const char *e = strstr(p + 2, "}}");
    if (!e)
      return lotse_err_set(err, LOTSE_EINVAL, "Vorlage: „{{“ ohne „}}“");
    int k = key_index(t, p + 2, (size_t)(e - p - 2));
    if (k < 0)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "Vorlage: unbekannter Platzhalter „%.*s“",
                           (int)(e - p - 2 > 60 ? 60 : e - p - 2), p + 2);
    used[k] = 1;
    p = e + 2;
  }
  for (size_t i = 0; i < t->n_keys; i++)
    if (!used[i])
      return lotse_err_set(err, LOTSE_EINVAL,
                           "Vorlage: Platzhalter „%s“ kommt im Text nicht vor",
                           t->keys[i]);
  return 0;
}

static int finish(write_template_t *t, const char *body, size_t n,
                  lotse_err_t *err) {
  if (!t->id) return lotse_err_set(err, LOTSE_EINVAL, "Vorlage: id fehlt");
  if (!t->title) return lotse_err_set(err, LOTSE_EINVAL, "Vorlage: title fehlt");
  if (!t->reg && !(t->reg = lotse_strdup("fachlich")))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!t->tone && !(t->tone = lotse_strdup("sachlich, freundlich")))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!t->length) t->length = 200;
  if (!(t->body = trim_dup(body, n)))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!t->body[0]) return lotse_err_set(err, LOTSE_EINVAL, "Vorlage: Text fehlt");
  return check_body(t, err);
}

int write_template_parse(const char *text, size_t n, write_template_t *t,
                         lotse_err_t *err) {
  memset(t, 0, sizeof *t);
  if (!text || n > WRITE_TEMPLATE_MAX)
    return lotse_err_set(err, LOTSE_ETOOBIG, "Vorlage: zu groß");
  if (!lotse_utf8_valid(text, n) || memchr(text, '\0', n))
    return lotse_err_set(err, LOTSE_EINVAL, "Vorlage: kein gültiger UTF-8-Text");
  if (!(t->keys = calloc(WRITE_KEYS_MAX, sizeof *t->keys)))
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  size_t at = 0;
  int rc = 0, body = 0;
  while (!rc && at < n && !body) {
    const char *nl = memchr(text + at, '\n', n - at);
    size_t len = nl ? (size_t)(nl - text - at) : n - at;
    if (len >= 3 && strncmp(text + at, "---", 3) == 0 &&
        (len == 3 || (len == 4 && text[at + 3] == '\r')))
      body = 1;
    else
      rc = header_line(t, text + at, len, err);
    at += len + (nl ? 1 : 0);
  }
  if (!rc && !body)
    rc = lotse_err_set(err, LOTSE_EINVAL, "Vorlage: Zeile „---“ vor dem Text fehlt");
  if (!rc) rc = finish(t, text + at, n - at, err);
  if (rc) write_template_release(t);
  return rc;
}

static const char *value_of(const write_kv_t *kv, size_t n, const char *k,
                            size_t klen) {
  for (size_t i = 0; i < n; i++)
    if (strlen(kv[i].key) == klen && memcmp(kv[i].key, k, klen) == 0)
      return kv[i].value;
  return NULL;
}

static int check_values(const write_template_t *t, const write_kv_t *kv,
                        size_t n, lotse_err_t *err) {
  for (size_t i = 0; i < n; i++) {
    if (!kv[i].key || !kv[i].value)
      return lotse_err_set(err, LOTSE_EINVAL, "Wert ohne Namen");
    if (key_index(t, kv[i].key, strlen(kv[i].key)) < 0)
      return lotse_err_set(err, LOTSE_EINVAL,
                           "Vorlage „%s“ kennt keinen Platzhalter „%s“",
                           t->id, kv[i].key);
    for (size_t j = 0; j < i; j++)
      if (strcmp(kv[i].key, kv[j].key) == 0)
        return lotse_err_set(err, LOTSE_EINVAL, "Wert für „%s“ doppelt",
                             kv[i].key);
    size_t vl = strlen(kv[i].value);
    if (vl > WRITE_VALUE_MAX || !lotse_utf8_valid(kv[i].value, vl))
      return lotse_err_set(err, LOTSE_EINVAL,
                           "Wert für „%s“: zu lang oder kein UTF-8", kv[i].key);
  }
  for (size_t i = 0; i < t->n_keys; i++)
    if (!value_of(kv, n, t->keys[i], strlen(t->keys[i])))
      return lotse_err_set(err, LOTSE_EINVAL,
                           "Wert für Platzhalter „%s“ fehlt (--set %s=…)",
                           t->keys[i], t->keys[i]);
  return 0;
}

int write_template_fill(const write_template_t *t, const write_kv_t *kv,
                        size_t n, char **out, lotse_err_t *err) {
  *out = NULL;
  int rc = check_values(t, kv, n, err);
  if (rc) return rc;
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  const char *p = t->body;
  for (const char *q = strstr(p, "{{"); q && !rc; q = strstr(p, "{{")) {
    const char *e = strstr(q + 2, "}}"); /* present: checked at parse */
    rc = lotse_buf_append(&b, p, (size_t)(q - p));
    if (!rc) rc = lotse_buf_puts(&b, value_of(kv, n, q + 2, (size_t)(e - q - 2)));
    p = e + 2;
  }
  if (!rc) rc = lotse_buf_puts(&b, p);
  if (!rc && !(*out = b.data ? lotse_buf_detach(&b) : lotse_strdup("")))
    rc = LOTSE_ENOMEM;
  lotse_buf_release(&b);
  return rc ? lotse_err_set(err, LOTSE_ENOMEM, "out of memory") : 0;
}

char *write_system_prompt(const char *approved, const write_template_t *t,
                          const char *reg) {
  if (!reg) reg = t->reg;
  int plain = strcmp(reg, "buergernah") == 0;
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  int rc = 0;
  if (approved && *approved) rc = lotse_buf_printf(&b, "%s\n\n", approved);
  if (!rc)
    rc = lotse_buf_printf(
        &b,
        "Du entwirfst für die Kreisverwaltung: %s.\n"
        "Ton: %s.\nLänge: etwa %d Wörter.\n%s\n"
        "Erfinde keine Tatsachen, Namen, Daten oder Rechtsgrundlagen; "
        "was fehlt, markierst du mit [bitte ergänzen].\n"
        "Schreibe ohne Amtsdeutsch, aktiv und in kurzen Sätzen.",
        t->title, t->tone, t->length,
        plain ? "Register: bürgernah – sprich die Person direkt mit „Sie“ an, "
                "erkläre Fachbegriffe, höchstens 20 Wörter je Satz."
              : "Register: fachlich – präzise Fachsprache für Kolleginnen und "
                "Kollegen, Rechtsgrundlagen genau benennen.");
  char *s = !rc && b.data ? lotse_buf_detach(&b) : NULL;
  lotse_buf_release(&b);
  return s;
}

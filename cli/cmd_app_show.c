/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_app_show.c — printing the registry for people (German) or as
 * JSON: `lotse app show|list|history|questions`.
 *
 * JSON: an object is printed indented; a list is printed as JSON lines
 * (one object per line), like `lotse search --json`.
 */
#include "cli/cli.h"
#include "gov/registry.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_app_print(const char *sub, json_t *j, int as_json);

static const char *str(const json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static void fmt_date(json_int_t t, char *buf, size_t n) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(buf, n, "%Y-%m-%d", &tm);
}

static void print_list(const char *label, const json_t *a) {
  size_t i;
  json_t *it;
  printf("%-16s ", label);
  json_array_foreach(a, i, it) printf("%s%s", i ? ", " : "", json_string_value(it));
  printf("%s\n", json_array_size(a) ? "" : "–");
}

static void print_role_list(const char *label, const json_t *a) {
  size_t i;
  json_t *it;
  printf("%-16s ", label);
  json_array_foreach(a, i, it)
      printf("%s%s", i ? ", " : "",
             gov_role_label(gov_role_parse(json_string_value(it))));
  printf("%s\n", json_array_size(a) ? "" : "–");
}

static void print_approval(const json_t *ap) {
  char day[16];
  if (!json_is_object(ap)) {
    printf("%-16s noch nie freigegeben\n", "Freigabe:");
    return;
  }
  fmt_date(json_integer_value(json_object_get(ap, "valid_until")), day,
           sizeof day);
  printf("%-16s Version %lld, gültig bis %s%s%s\n", "Freigabe:",
         (long long)json_integer_value(json_object_get(ap, "version")), day,
         json_is_true(json_object_get(ap, "expired")) ? " (abgelaufen)" : "",
         json_is_true(json_object_get(ap, "current"))
             ? ""
             : " (seither geändert)");
}

static void print_show(const json_t *o) {
  const json_t *cur = json_object_get(o, "current");
  size_t i;
  json_t *it;
  printf("Anwendung:       %s – %s\n", str(o, "id"), str(cur, "name"));
  printf("Status:          %s (Version %lld, Prüfrunde %lld)\n",
         str(o, "status_label"),
         (long long)json_integer_value(json_object_get(o, "version")),
         (long long)json_integer_value(json_object_get(o, "round")));
  printf("Zweck:           %s\n", str(cur, "purpose"));
  printf("Federführend:    %s\n", str(cur, "owner_unit"));
  print_list("Modelle:", json_object_get(cur, "models"));
  print_list("Datenklassen:", json_object_get(cur, "data_classes"));
  print_list("Einheiten:", json_object_get(cur, "units"));
  print_list("Schulungen:", json_object_get(cur, "trainings"));
  printf("Hash (SHA-256):  %s\n", str(o, "sha256"));
  const json_t *rc = json_object_get(o, "risk_class");
  if (json_is_integer(rc))
    printf("Risikoklasse:    %lld\n", (long long)json_integer_value(rc));
  else
    printf("Risikoklasse:    noch nicht eingestuft\n");
  print_approval(json_object_get(o, "approval"));
  const json_t *req = json_object_get(o, "required");
  print_role_list("Zustimmung von:", json_object_get(req, "roles"));
  print_list("Dokumente:", json_object_get(req, "documents"));
  json_array_foreach(json_object_get(o, "approvals"), i, it)
      printf("  %-14s %s (%s)%s%s\n", str(it, "decision"), str(it, "user"),
             gov_role_label(gov_role_parse(str(it, "role"))),
             *str(it, "comment") ? ": " : "", str(it, "comment"));
  const json_t *miss = json_object_get(o, "missing");
  if (json_array_size(miss)) printf("Fehlt noch:\n");
  json_array_foreach(miss, i, it) printf("  - %s\n", json_string_value(it));
  json_array_foreach(json_object_get(o, "recommendations"), i, it)
      printf("Empfehlung %lld [%s]: %s\n",
             (long long)json_integer_value(json_object_get(it, "nr")),
             str(it, "status"), str(it, "text"));
}

static void print_rows(const char *sub, const json_t *a) {
  size_t i;
  json_t *it;
  char day[16];
  json_array_foreach(a, i, it) {
    if (!strcmp(sub, "list")) {
      const json_t *rc = json_object_get(it, "risk_class");
      char cls[24] = "–";
      if (json_is_integer(rc))
        snprintf(cls, sizeof cls, "%lld", (long long)json_integer_value(rc));
      printf("%-24s %-14s v%-3lld Klasse %-2s %s (%s)\n", str(it, "id"),
             str(it, "status_label"),
             (long long)json_integer_value(json_object_get(it, "version")),
             cls, str(it, "name"), str(it, "owner_unit"));
      continue;
    }
    fmt_date(json_integer_value(json_object_get(it, "at")), day, sizeof day);
    printf("%s v%-3lld %-20s %-12s %s%s\n", day,
           (long long)json_integer_value(json_object_get(it, "version")),
           str(it, "action"), str(it, "actor"),
           json_is_string(json_object_get(it, "to")) ? "-> " : "",
           str(it, "to"));
    if (*str(it, "comment")) printf("    %s\n", str(it, "comment"));
  }
  if (!json_array_size(a)) printf("(keine Einträge)\n");
}

int cli_app_print(const char *sub, json_t *j, int as_json) {
  if (!j) return -1;
  if (as_json && json_is_array(j) && strcmp(sub, "questions") != 0) {
    size_t i;
    json_t *it;
    json_array_foreach(j, i, it) {
      char *line = json_dumps(it, JSON_COMPACT);
      if (line) printf("%s\n", line);
      free(line);
    }
  } else if (as_json) {
    char *text = json_dumps(j, JSON_INDENT(2));
    if (text) printf("%s\n", text);
    free(text);
  } else if (!strcmp(sub, "show")) {
    print_show(j);
  } else {
    print_rows(sub, j);
  }
  json_decref(j);
  return 0;
}

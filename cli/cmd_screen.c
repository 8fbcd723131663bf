/* SPDX-License-Identifier: EUPL-1.2
 *
 * cli/cmd_screen.c — `lotse screen [--json] [--strip] FILE|-`: screen a
 * text or document for hidden instructions (text/inject.h), as the runtime
 * gate does with inputs and retrieved passages. Plain text is screened as
 * it is (offsets are byte offsets into the file); HTML and DOCX (and the
 * other formats ingest reads) are extracted first: text the document hides
 * from its reader is reported as hidden_text and screened on its own, and
 * offsets then refer to the extracted visible text (blocks joined by an
 * empty line). With --strip the cleaned text goes to stdout instead.
 * Nothing is stored; the workspace is not needed.
 */
#include "cli/cli.h"
#include "ingest/ingest.h"
#include "text/inject.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_JSON = 256, OPT_STRIP, OPT_TEXT };

#define SCREEN_INPUT_MAX ((size_t)256 << 20)
#define EXCERPT_MAX 60 /* bytes of matched text in the table */

const cli_opt_t cmd_screen_opts[] = {
    {"json", OPT_JSON, NULL, "je Fund ein JSON-Objekt pro Zeile"},
    {"strip", OPT_STRIP, NULL,
     "bereinigten Text ausgeben (unsichtbare Zeichen und S\xC3\xA4tze mit "
     "Anweisungen entfernt)"},
    {"text", OPT_TEXT, NULL,
     "Eingabe als reinen Text pr\xC3\xBC" "fen, auch wenn sie HTML oder DOCX "
     "ist"},
    {0, 0, 0, 0}};

/* Why markup hid a passage, in words for the table. */
static const struct {
  const char *reason, *label;
} reasons[] = {
    {"display_none", "CSS display:none"},
    {"visibility_hidden", "CSS visibility:hidden"},
    {"font_size_0", "Schriftgr\xC3\xB6\xC3\x9F" "e 0 oder winzig"},
    {"opacity_0", "CSS opacity:0"},
    {"transparent_text", "transparente Schrift"},
    {"white_text", "wei\xC3\x9F" "e Schrift ohne Hintergrund"},
    {"offscreen", "au\xC3\x9F" "erhalb der Seite platziert"},
    {"clipped", "auf null Fl\xC3\xA4" "che beschnitten"},
    {"hidden_attr", "HTML-Attribut hidden"},
    {"aria_hidden", "aria-hidden"},
    {"hidden_class", "Klasse zum Verstecken (d-none, sr-only \xE2\x80\xA6)"},
    {"comment", "HTML-Kommentar mit Auff\xC3\xA4lligkeiten"},
    {"docx_vanish", "Word: ausgeblendeter Text"},
    {"docx_web_hidden", "Word: in Webansicht ausgeblendet"},
    {"docx_tiny_font", "Word: Schrift unter 2 pt"},
    {"docx_white_text", "Word: wei\xC3\x9F" "e Schrift ohne Hintergrund"},
};

static const char *reason_label(const char *reason) {
  for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
    if (!strcmp(reasons[i].reason, reason)) return reasons[i].label;
  return reason;
}

/* ------------------------------------------------------------------ input */

static int read_input(const char *path, char **data, size_t *len,
                      lotse_err_t *err) {
  if (strcmp(path, "-") != 0)
    return lotse_file_read(path, SCREEN_INPUT_MAX, data, len, err);
  return lotse_stream_read(stdin, SCREEN_INPUT_MAX, data, len, err);
}

/* The screened text: the input itself, or the visible text of a
 * document with its hidden passages. */
typedef struct subject {
  const char *text;
  size_t len;
  int extracted;     /* text is the extracted visible text */
  ingest_extract_t x; /* valid when extracted */
  char *joined;
} subject_t;

static int extract(const char *d, size_t n, const char *path, subject_t *s,
                   lotse_err_t *err) {
  ingest_limits_t lim;
  ingest_limits_default(&lim);
  ingest_type_t t = ingest_detect(d, n, path);
  int rc;
  if (t == INGEST_TYPE_HTML || t == INGEST_TYPE_DOCX) {
    /* The readers directly: a page of nothing but hidden text is still
     * screened, where ingest_extract() would call it empty. */
    ingest_extract_init(&s->x, lim.max_text_bytes);
    rc = t == INGEST_TYPE_HTML ? ingest_extract_html(d, n, &s->x, err)
                               : ingest_extract_docx(d, n, &lim, &s->x, err);
  } else {
    rc = ingest_extract(d, n, path, &lim, &s->x, err);
  }
  s->extracted = 1;
  if (rc) return rc;
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  for (size_t i = 0; i < s->x.nblocks && !rc; i++) {
    if (i) rc = lotse_buf_puts(&b, "\n\n");
    if (!rc) rc = lotse_buf_puts(&b, s->x.blocks[i].text);
  }
  if (rc) {
    lotse_buf_release(&b);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  s->len = b.len;
  s->joined = lotse_buf_detach(&b);
  s->text = s->joined;
  return 0;
}

/* Score of a hidden passage: hidden text alone is common (screen-reader
 * hints), hidden text that holds an instruction is an attack. */
static int hidden_score(const ingest_hidden_t *h) {
  text_inject_list_t l = {0};
  int score = 40;
  if (!text_inject_scan(h->text, strlen(h->text), 0, &l, NULL) && l.n)
    score = text_inject_suspicious(&l) ? 90 : 60;
  text_inject_list_release(&l);
  return score;
}

static int screen(subject_t *s, int *hscore, text_inject_list_t *l,
                  lotse_err_t *err) {
  int rc = text_inject_scan(s->text, s->len, 0, l, err);
  for (size_t i = 0; !rc && s->extracted && i < s->x.nhidden; i++) {
    hscore[i] = hidden_score(&s->x.hidden[i]);
    text_inject_finding_t f = {.type = TEXT_INJECT_HIDDEN_TEXT,
                               .score = hscore[i],
                               .rule = s->x.hidden[i].reason,
                               .label = reason_label(s->x.hidden[i].reason)};
    if (text_inject_list_add(l, &f))
      rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  return rc;
}

/* ----------------------------------------------------------------- output */

static int is_char_type(text_inject_type_t t) {
  return t == TEXT_INJECT_ZERO_WIDTH || t == TEXT_INJECT_BIDI ||
         t == TEXT_INJECT_TAG || t == TEXT_INJECT_INVISIBLE;
}

/* "U+200B U+200B …" for a run of invisible characters (at most 8). */
static void codepoints(const char *s, size_t a, size_t b, char *out,
                       size_t cap) {
  size_t o = 0;
  int k = 0;
  out[0] = '\0';
  for (size_t i = a; i < b && o + 12 < cap;) {
    uint32_t cp = 0;
    size_t len = text_inject_utf8((const unsigned char *)s, b, i, &cp);
    if (!len) break;
    if (k++ == 8) {
      o += (size_t)snprintf(out + o, cap - o, " \xE2\x80\xA6");
      break;
    }
    o += (size_t)snprintf(out + o, cap - o, "%sU+%04X", o ? " " : "",
                          (unsigned)cp);
    i += len;
  }
}

/* Text of s[a..b) as valid UTF-8 on one line, cut at max bytes. */
static char *excerpt(const char *s, size_t a, size_t b, size_t max) {
  size_t n = b - a, cut = n > max ? max : n;
  while (cut < n && cut > 0 && ((unsigned char)s[a + cut] & 0xC0) == 0x80)
    cut--;
  char *t = lotse_utf8_sanitize(s + a, cut);
  if (t) lotse_str_squeeze(t);
  if (t && cut < n) {
    char *u = realloc(t, strlen(t) + 4);
    if (u) strcat(u, "\xE2\x80\xA6");
    t = u ? u : t;
  }
  return t;
}

static void emit(json_t *o) {
  char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  if (line) puts(line);
  free(line);
  json_decref(o);
}

static void json_finding(const subject_t *s, const text_inject_finding_t *f) {
  json_t *o = json_pack("{s:s,s:s,s:s,s:i,s:I,s:I}", "type",
                        text_inject_type_id(f->type), "rule", f->rule,
                        "label", f->label, "score", f->score, "start",
                        (json_int_t)f->start, "end", (json_int_t)f->end);
  if (o && is_char_type(f->type)) {
    char cps[128];
    codepoints(s->text, f->start, f->end, cps, sizeof cps);
    json_object_set_new(o, "count", json_integer(f->count));
    json_object_set_new(o, "codepoints", json_string(cps));
  } else if (o) {
    char *t = excerpt(s->text, f->start, f->end, 4096);
    json_object_set_new(o, "text", t ? json_string(t) : json_null());
    free(t);
  }
  emit(o);
}

static void json_hidden(const ingest_hidden_t *h, int score) {
  emit(json_pack("{s:s,s:s,s:s,s:i,s:I,s:i,s:s}", "type", "hidden_text",
                 "rule", h->reason, "label", reason_label(h->reason), "score",
                 score, "bytes", (json_int_t)h->bytes, "page", h->page,
                 "text", h->text));
}

static void print_json(const subject_t *s, const int *hscore,
                       const text_inject_list_t *l) {
  for (size_t i = 0; s->extracted && i < s->x.nhidden; i++)
    json_hidden(&s->x.hidden[i], hscore[i]);
  for (size_t i = 0; i < l->n; i++)
    if (l->v[i].type != TEXT_INJECT_HIDDEN_TEXT) json_finding(s, &l->v[i]);
  emit(json_pack("{s:{s:i,s:b,s:i,s:I,s:s}}", "summary", "score", l->score,
                 "suspicious", text_inject_suspicious(l), "threshold",
                 TEXT_INJECT_THRESHOLD, "findings", (json_int_t)l->n,
                 "offsets", s->extracted ? "extracted" : "input"));
}

/* s left-aligned in width characters (not bytes). */
static void put_padded(const char *s, int width) {
  int chars = 0;
  for (const char *p = s; *p; p++)
    chars += ((unsigned char)*p & 0xC0) != 0x80;
  fputs(s, stdout);
  for (; chars < width; chars++) putchar(' ');
}

static void table_row(const char *what, const char *rule, const char *score,
                      const char *from, const char *to, const char *ex) {
  put_padded(what, 50);
  printf(" %-20s %5s %9s %9s  %s\n", rule, score, from, to, ex);
}

static void print_table(const subject_t *s, const int *hscore,
                        const text_inject_list_t *l) {
  if (!l->n) printf("Keine versteckten Anweisungen gefunden.\n");
  else table_row("Art", "Regel", "Wert", "von", "bis", "Auszug");
  char sc[16];
  for (size_t i = 0; s->extracted && i < s->x.nhidden; i++) {
    const ingest_hidden_t *h = &s->x.hidden[i];
    char *ex = excerpt(h->text, 0, strlen(h->text), EXCERPT_MAX);
    snprintf(sc, sizeof sc, "%d", hscore[i]);
    table_row(reason_label(h->reason), h->reason, sc, "-", "-", ex ? ex : "");
    free(ex);
  }
  for (size_t i = 0; i < l->n; i++) {
    const text_inject_finding_t *f = &l->v[i];
    if (f->type == TEXT_INJECT_HIDDEN_TEXT) continue;
    char from[24], to[24], cps[128];
    snprintf(sc, sizeof sc, "%d", f->score);
    snprintf(from, sizeof from, "%zu", f->start);
    snprintf(to, sizeof to, "%zu", f->end);
    char *ex = NULL;
    if (is_char_type(f->type)) codepoints(s->text, f->start, f->end, cps,
                                          sizeof cps);
    else ex = excerpt(s->text, f->start, f->end, EXCERPT_MAX);
    table_row(f->label, f->rule, sc, from, to,
              ex ? ex : is_char_type(f->type) ? cps : "");
    free(ex);
  }
  printf("Gesamtwert %d von 100: %s (Schwelle %d)%s\n", l->score,
         text_inject_suspicious(l) ? "verd\xC3\xA4" "chtig" : "unauff\xC3\xA4llig",
         TEXT_INJECT_THRESHOLD,
         s->extracted ? "; Positionen im extrahierten Text" : "");
}

static int print_stripped(const subject_t *s, const text_inject_list_t *l) {
  lotse_err_t err = {0};
  char *out = NULL;
  size_t len = 0;
  if (text_inject_strip(s->text, s->len, l, TEXT_INJECT_STRIP_ALL, &out, &len,
                        &err))
    return cli_fail(&err);
  fwrite(out, 1, len, stdout);
  if (len && out[len - 1] != '\n') putchar('\n');
  free(out);
  size_t hidden = s->extracted ? s->x.hidden_total : 0;
  fprintf(stderr, "lotse screen: Gesamtwert %d; %zu Fund%s bereinigt%s\n",
          l->score, l->n - hidden, l->n - hidden == 1 ? "" : "e",
          hidden ? ", versteckter Text nicht ausgegeben" : "");
  return CLI_EXIT_OK;
}

/* ---------------------------------------------------------------- command */

static int run(const char *path, int json, int strip, int as_text) {
  lotse_err_t err = {0};
  char *data = NULL;
  size_t len = 0;
  subject_t s = {0};
  text_inject_list_t l = {0};
  int *hscore = NULL, rc = read_input(path, &data, &len, &err);
  const char *name = strcmp(path, "-") ? path : NULL;
  ingest_type_t t = rc ? INGEST_TYPE_UNKNOWN : ingest_detect(data, len, name);
  if (!rc && (as_text || len == 0 || t == INGEST_TYPE_TEXT ||
              t == INGEST_TYPE_MARKDOWN)) {
    s.text = data;
    s.len = len;
  } else if (!rc) {
    rc = extract(data, len, name, &s, &err);
    if (rc == LOTSE_EEMPTY && !s.x.nhidden) { /* nothing visible at all */
      lotse_err_clear(&err);
      s.text = "";
      s.len = 0;
      rc = 0;
    }
  }
  if (!rc && s.x.nhidden && !(hscore = calloc(s.x.nhidden, sizeof *hscore)))
    rc = lotse_err_set(&err, LOTSE_ENOMEM, "out of memory");
  if (!rc) rc = screen(&s, hscore, &l, &err);
  int code = CLI_EXIT_OK;
  if (rc) code = cli_fail(&err);
  else if (strip) code = print_stripped(&s, &l);
  else if (json) print_json(&s, hscore, &l);
  else print_table(&s, hscore, &l);
  text_inject_list_release(&l);
  free(hscore);
  if (s.extracted) ingest_extract_release(&s.x);
  free(s.joined);
  free(data);
  return code;
}

int cmd_screen(int argc, char **argv, cli_ctx_t *ctx) {
  (void)ctx;
  const cli_cmd_t *cmd = cli_cmd_find("screen");
  int json = 0, strip = 0, as_text = 0, c;
  char *val;
  while ((c = cli_getopt(argc, argv, cmd, &val)) != -1) {
    switch (c) {
    case OPT_JSON: json = 1; break;
    case OPT_STRIP: strip = 1; break;
    case OPT_TEXT: as_text = 1; break;
    case 'h': cli_usage(cmd, stdout); return CLI_EXIT_OK;
    default: return CLI_EXIT_USAGE;
    }
  }
  if (argc - optind != 1)
    return cli_usage_error(cmd, "genau eine Datei oder - angeben");
  if (json && strip)
    return cli_usage_error(cmd, "--json und --strip schlie\xC3\x9F" "en "
                                "einander aus");
  return run(argv[optind], json, strip, as_text);
}

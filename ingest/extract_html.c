/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/extract_html.c — HTML pages: <title>, h1–h6 as headings, the text
 * of block elements (p, li, td, div …) as paragraphs; script, style, nav,
 * noscript, template, svg and forms' option lists are skipped. <meta>
 * author/description and <html lang> go into the metadata.
 *
 * Hidden text (inline styles display:none, visibility:hidden, font-size 0,
 * opacity 0, transparent or white-on-white colour, off-screen positions;
 * the hidden attribute, aria-hidden, hiding classes such as "d-none" or
 * "sr-only"; comments that carry instructions) is not added as text but
 * recorded with ingest_extract_hide(): what a reader does not see must not
 * reach the index or a model unseen. Styles from <style> sheets are not
 * evaluated, so white text counts as hidden only when no inline style or
 * bgcolor on it or an ancestor sets a background.
 *
 * Contract: libxml2's HTML parser runs without network and without error
 * output; it recovers from broken markup, so only input it cannot turn into
 * a tree at all is LOTSE_ECORRUPT. Markup nested deeper than MAX_DEPTH is
 * not descended into.
 */
#include "ingest/extract_internal.h"
#include "text/inject.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 256

typedef struct html {
  ingest_extract_t *x;
  lotse_err_t *err;
  lotse_buf_t para;
  json_t *meta;
  int rc;
} html_t;

static int name_in(const xmlNode *n, const char *const *names) {
  for (; *names; names++)
    if (!strcasecmp((const char *)n->name, *names)) return 1;
  return 0;
}

static const char *const skip_tags[] = {
    "script", "style", "nav", "noscript", "template", "svg", "math",
    "iframe", "object", "embed", "select", "head", NULL};

static const char *const block_tags[] = {
    "p", "li", "td", "th", "div", "dd", "dt", "blockquote", "pre",
    "section", "article", "header", "footer", "main", "aside", "table",
    "tr", "ul", "ol", "dl", "form", "fieldset", "figure", "figcaption",
    "caption", "address", "hr", "body", "center", "details", "summary",
    "legend", "label", NULL};

static int heading_level(const xmlNode *n) {
  const char *s = (const char *)n->name;
  if ((s[0] == 'h' || s[0] == 'H') && s[1] >= '1' && s[1] <= '6' && !s[2])
    return s[1] - '0';
  return 0;
}

/* --------------------------------------------------------------- hidden */

/* The style attribute lower-cased without blanks, "!important" dropped,
 * with a leading ';' so that every declaration reads ";name:value". */
static char *style_norm(const xmlNode *n) {
  char *st = (char *)xmlGetProp(n, (const xmlChar *)"style");
  if (!st) return NULL;
  size_t len = strlen(st), o = 0;
  char *out = malloc(len + 2);
  if (out) {
    out[o++] = ';';
    for (size_t i = 0; i < len; i++)
      if (!isspace((unsigned char)st[i]))
        out[o++] = (char)tolower((unsigned char)st[i]);
    out[o] = '\0';
    for (char *imp; (imp = strstr(out, "!important"));)
      memmove(imp, imp + 10, strlen(imp + 10) + 1);
  }
  xmlFree(st);
  return out;
}

/* Value of the last declaration of name in a normalised style, copied to
 * val (cut at cap); 0 when absent. */
static int style_get(const char *st, const char *name, char *val,
                     size_t cap) {
  size_t nl = strlen(name);
  int found = 0;
  for (const char *p = st; p && *p; p = strchr(p + 1, ';')) {
    if (strncmp(p + 1, name, nl) || p[1 + nl] != ':') continue;
    const char *v = p + 2 + nl, *e = strchr(v, ';');
    size_t vl = e ? (size_t)(e - v) : strlen(v);
    if (vl >= cap) vl = cap - 1;
    memcpy(val, v, vl);
    val[vl] = '\0';
    found = 1;
  }
  return found;
}

static int is_white(const char *v) {
  static const char *const white[] = {
      "white", "#fff", "#ffffff", "#fefefe", "rgb(255,255,255)",
      "rgba(255,255,255,1)", "hsl(0,0%,100%)", NULL};
  for (const char *const *w = white; *w; w++)
    if (!strcasecmp(v, *w)) return 1;
  return 0;
}

/* Whether n or an ancestor declares a background that is not white. */
static int has_background(const xmlNode *n) {
  for (int hop = 0; n && n->type == XML_ELEMENT_NODE && hop < MAX_DEPTH;
       n = n->parent, hop++) {
    char *bg = (char *)xmlGetProp(n, (const xmlChar *)"bgcolor");
    int dark = bg && !is_white(bg);
    xmlFree(bg);
    char *st = style_norm(n), v[64];
    if (st && (style_get(st, "background-color", v, sizeof v) ||
               style_get(st, "background", v, sizeof v)))
      dark |= !is_white(v);
    free(st);
    if (dark) return 1;
  }
  return 0;
}

/* A length too small to read: 0, under 2px/pt, 0.15em, 15%. */
static int tiny_size(const char *v) {
  char *end;
  double x = strtod(v, &end);
  if (end == v) return 0;
  if (x <= 0) return 1;
  if (!strncmp(end, "px", 2) || !strncmp(end, "pt", 2)) return x < 2;
  if (!strncmp(end, "em", 2) || !strncmp(end, "rem", 3)) return x < 0.15;
  return *end == '%' && x < 15;
}

static const char *style_hidden(const xmlNode *n, const char *st) {
  char v[64];
  if (style_get(st, "display", v, sizeof v) && !strcmp(v, "none"))
    return "display_none";
  if (style_get(st, "visibility", v, sizeof v) &&
      (!strcmp(v, "hidden") || !strcmp(v, "collapse")))
    return "visibility_hidden";
  if (style_get(st, "font-size", v, sizeof v) && tiny_size(v))
    return "font_size_0";
  if (style_get(st, "opacity", v, sizeof v) && strtod(v, NULL) < 0.05 &&
      isdigit((unsigned char)v[0]))
    return "opacity_0";
  static const char *const offsets[] = {"left", "top", "text-indent",
                                        "margin-left", "margin-top", NULL};
  for (const char *const *o = offsets; *o; o++)
    if (style_get(st, *o, v, sizeof v) && strtod(v, NULL) <= -999)
      return "offscreen";
  if (style_get(st, "clip", v, sizeof v) && !strncmp(v, "rect(0", 6))
    return "clipped";
  if (style_get(st, "color", v, sizeof v)) {
    if (!strcmp(v, "transparent")) return "transparent_text";
    if (is_white(v) && !has_background(n)) return "white_text";
  }
  return NULL;
}

static const char *const hiding_classes[] = {
    "hidden", "d-none", "hide", "invisible", "sr-only", "visually-hidden",
    "visuallyhidden", "screen-reader-text", NULL};

static const char *class_hidden(const xmlNode *n) {
  char *cls = (char *)xmlGetProp(n, (const xmlChar *)"class");
  const char *why = NULL;
  char *save = NULL;
  for (char *t = cls ? strtok_r(cls, " \t\r\n", &save) : NULL; t && !why;
       t = strtok_r(NULL, " \t\r\n", &save))
    for (const char *const *c = hiding_classes; *c && !why; c++)
      if (!strcasecmp(t, *c)) why = "hidden_class";
  xmlFree(cls);
  return why;
}

/* Why an element's content is hidden from a reader, or NULL. */
static const char *hidden_reason(const xmlNode *n) {
  if (xmlHasProp(n, (const xmlChar *)"hidden")) return "hidden_attr";
  char *aria = (char *)xmlGetProp(n, (const xmlChar *)"aria-hidden");
  int ah = aria && !strcasecmp(aria, "true");
  xmlFree(aria);
  if (ah) return "aria_hidden";
  const char *why = NULL;
  char *st = style_norm(n);
  if (st) why = style_hidden(n, st);
  free(st);
  if (!why && !strcasecmp((const char *)n->name, "font")) {
    char *color = (char *)xmlGetProp(n, (const xmlChar *)"color");
    if (color && is_white(color) && !has_background(n)) why = "white_text";
    xmlFree(color);
  }
  return why ? why : class_hidden(n);
}

/* ----------------------------------------------------------------- text */

static void put_text(html_t *h, lotse_buf_t *b, const char *s) {
  if (!h->rc && s && lotse_buf_puts(b, s))
    h->rc = lotse_err_set(h->err, LOTSE_ENOMEM, "out of memory");
}

static void hide(html_t *h, const xmlNode *n, const char *why, int depth);

/* All text below n (headings, <title>), skipping invisible elements; with
 * record, hidden elements go to hide() instead of b. */
static void gather(html_t *h, const xmlNode *n, lotse_buf_t *b, int depth,
                   int record) {
  for (const xmlNode *c = n->children; c && !h->rc; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      put_text(h, b, (const char *)c->content);
    } else if (c->type == XML_ELEMENT_NODE && depth < MAX_DEPTH &&
               !name_in(c, skip_tags)) {
      const char *why = record ? hidden_reason(c) : NULL;
      if (why) {
        hide(h, c, why, depth + 1);
        continue;
      }
      if (!strcasecmp((const char *)c->name, "br")) put_text(h, b, " ");
      gather(h, c, b, depth + 1, record);
      if (name_in(c, block_tags)) put_text(h, b, " ");
    }
  }
}

static void hide(html_t *h, const xmlNode *n, const char *why, int depth) {
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  gather(h, n, &b, depth, 0);
  if (!h->rc && b.len &&
      ingest_extract_hide(h->x, why, 0, b.data, b.len))
    h->rc = lotse_err_set(h->err, LOTSE_ENOMEM, "out of memory");
  lotse_buf_release(&b);
}

/* A comment is never shown; it is recorded only when it carries something
 * the screen finds (instructions, role markers, invisible characters). */
static void comment(html_t *h, const xmlNode *c) {
  const char *t = (const char *)c->content;
  if (!t || !*t) return;
  text_inject_list_t l = {0};
  if (text_inject_scan(t, strlen(t), 0, &l, NULL)) {
    h->rc = lotse_err_set(h->err, LOTSE_ENOMEM, "out of memory");
  } else if (l.n && ingest_extract_hide(h->x, "comment", 0, t, strlen(t))) {
    h->rc = lotse_err_set(h->err, LOTSE_ENOMEM, "out of memory");
  }
  text_inject_list_release(&l);
}

static void flush(html_t *h) {
  if (!h->rc && h->para.len)
    h->rc = ingest_add_block(h->x, INGEST_BLOCK_PARA, 0, 0, h->para.data,
                             h->para.len, h->err);
  lotse_buf_reset(&h->para);
}

static void heading(html_t *h, const xmlNode *n, int level, int depth) {
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  gather(h, n, &b, depth, 1);
  if (!h->rc && b.len)
    h->rc = ingest_add_block(h->x, INGEST_BLOCK_HEADING, level, 0, b.data,
                             b.len, h->err);
  lotse_buf_release(&b);
}

/* ----------------------------------------------------------------- head */

static void head_meta(html_t *h, const xmlNode *n) {
  char *name = (char *)xmlGetProp(n, (const xmlChar *)"name");
  char *content = (char *)xmlGetProp(n, (const xmlChar *)"content");
  if (name && content &&
      (!strcasecmp(name, "author") || !strcasecmp(name, "description")) &&
      ingest_meta_set_str(h->meta, !strcasecmp(name, "author") ? "author"
                                                               : "description",
                          content))
    h->rc = lotse_err_set(h->err, LOTSE_ENOMEM, "out of memory");
  xmlFree(name);
  xmlFree(content);
}

static void head(html_t *h, const xmlNode *n, int depth) {
  for (const xmlNode *c = n->children; c && !h->rc; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (!strcasecmp((const char *)c->name, "title") && !h->x->title) {
      lotse_buf_t b;
      lotse_buf_init(&b, 0);
      gather(h, c, &b, depth, 0);
      if (!h->rc && b.len && ingest_extract_set_title(h->x, b.data))
        h->rc = lotse_err_set(h->err, LOTSE_ENOMEM, "out of memory");
      lotse_buf_release(&b);
    } else if (!strcasecmp((const char *)c->name, "meta")) {
      head_meta(h, c);
    }
  }
}

/* ----------------------------------------------------------------- body */

static void walk(html_t *h, const xmlNode *n, int depth) {
  for (const xmlNode *c = n->children; c && !h->rc; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      put_text(h, &h->para, (const char *)c->content);
      continue;
    }
    if (c->type == XML_COMMENT_NODE) comment(h, c);
    if (c->type != XML_ELEMENT_NODE || depth >= MAX_DEPTH) continue;
    int level = heading_level(c);
    const char *why = NULL;
    if (!strcasecmp((const char *)c->name, "head")) {
      head(h, c, depth + 1);
    } else if (name_in(c, skip_tags)) {
      continue;
    } else if ((why = hidden_reason(c))) {
      hide(h, c, why, depth + 1);
    } else if (level) {
      flush(h);
      heading(h, c, level, depth + 1);
    } else if (name_in(c, block_tags)) {
      flush(h);
      walk(h, c, depth + 1);
      flush(h);
    } else {
      if (!strcasecmp((const char *)c->name, "br")) put_text(h, &h->para, " ");
      else if (!strcasecmp((const char *)c->name, "title")) continue;
      walk(h, c, depth + 1);
    }
  }
}

int ingest_html_parse(const char *d, size_t n, const char *encoding,
                      ingest_extract_t *x, lotse_err_t *err) {
  ingest_libs_init();
  if (n > INT_MAX)
    return lotse_err_set(err, LOTSE_ETOOBIG, "html page is too large");
  htmlDocPtr doc = htmlReadMemory(
      d, (int)n, NULL, encoding,
      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
          HTML_PARSE_RECOVER);
  xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
  if (!root) {
    xmlFreeDoc(doc);
    return LOTSE_CORRUPT_BKPT(err, "malformed html: no document tree");
  }
  html_t h = {.x = x, .err = err, .meta = json_object()};
  lotse_buf_init(&h.para, 0);
  if (!h.meta) h.rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  char *lang = (char *)xmlGetProp(root, (const xmlChar *)"lang");
  if (!h.rc && lang && ingest_meta_set_str(h.meta, "lang", lang))
    h.rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  xmlFree(lang);
  if (!h.rc) {
    xmlNode fake = {.children = root}; /* walk root itself as a child */
    walk(&h, &fake, 0);
    flush(&h);
  }
  if (!h.rc && !x->metadata) h.rc = ingest_meta_store(x, h.meta, err);
  lotse_buf_release(&h.para);
  json_decref(h.meta);
  xmlFreeDoc(doc);
  return h.rc;
}

int ingest_extract_html(const char *d, size_t n, ingest_extract_t *x,
                        lotse_err_t *err) {
  return ingest_html_parse(d, n, NULL, x, err);
}

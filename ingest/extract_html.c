/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/extract_html.c — HTML pages: <title>, h1–h6 as headings, the text
 * of block elements (p, li, td, div …) as paragraphs; script, style, nav,
 * noscript, template, svg and forms' option lists are skipped. <meta>
 * author/description and <html lang> go into the metadata.
 *
 * Contract: libxml2's HTML parser runs without network and without error
 * output; it recovers from broken markup, so only input it cannot turn into
 * a tree at all is LOTSE_ECORRUPT. Markup nested deeper than MAX_DEPTH is
 * not descended into.
 */
#include "ingest/extract_internal.h"

#include <libxml/HTMLparser.h>
#include <limits.h>
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

/* ----------------------------------------------------------------- text */

static void put_text(html_t *h, lotse_buf_t *b, const char *s) {
  if (!h->rc && s && lotse_buf_puts(b, s))
    h->rc = lotse_err_set(h->err, LOTSE_ENOMEM, "out of memory");
}

/* All text below n (headings, <title>), skipping invisible elements. */
static void gather(html_t *h, const xmlNode *n, lotse_buf_t *b, int depth) {
  for (const xmlNode *c = n->children; c && !h->rc; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
      put_text(h, b, (const char *)c->content);
    else if (c->type == XML_ELEMENT_NODE && depth < MAX_DEPTH &&
             !name_in(c, skip_tags)) {
      if (!strcasecmp((const char *)c->name, "br")) put_text(h, b, " ");
      gather(h, c, b, depth + 1);
      if (name_in(c, block_tags)) put_text(h, b, " ");
    }
  }
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
  gather(h, n, &b, depth);
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
      gather(h, c, &b, depth);
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
    if (c->type != XML_ELEMENT_NODE || depth >= MAX_DEPTH) continue;
    int level = heading_level(c);
    if (!strcasecmp((const char *)c->name, "head")) {
      head(h, c, depth + 1);
    } else if (name_in(c, skip_tags)) {
      continue;
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

/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/extract_docx.c — Word documents (Office Open XML): paragraphs of
 * word/document.xml including tables and text boxes, headings from the
 * paragraph style (style ids Heading1/Überschrift1, or the style's name
 * "heading 1" in word/styles.xml, or an outline level), and the title,
 * author and dates of docProps/core.xml.
 *
 * Hidden text — runs formatted as hidden (w:vanish, w:specVanish,
 * w:webHidden, directly or through their character or paragraph style),
 * set in a font below 2pt, or white without shading, highlight or page
 * colour behind them — is not added as text but recorded with
 * ingest_extract_hide(), one passage per paragraph.
 *
 * Contract: every part goes through the zip guard (size budget, no
 * encrypted entries) and the safe XML parser; a missing or broken
 * word/document.xml is LOTSE_ECORRUPT, while broken optional parts
 * (styles, core properties) are ignored.
 */
#include "ingest/extract_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_MC "http://schemas.openxmlformats.org/markup-compatibility/2006"

typedef struct style_level {
  char *id;
  char *based_on; /* parent style id or NULL */
  int level;      /* 1..6 heading, 0 body, -1 document title */
  const char *hidden; /* the style hides its text: reason, else NULL */
} style_level_t;

typedef struct docx {
  ingest_extract_t *x;
  style_level_t *styles;
  size_t nstyles;
  int page_colour; /* the document has a non-white background colour */
  lotse_err_t *err;
} docx_t;

/* -------------------------------------------------------------- styles */

/* "Heading1", "heading 1", "Überschrift 1", "berschrift1" (Word strips the
 * umlaut from German style ids), "Title"/"Titel". */
static int level_from_name(const char *s) {
  if (!strcasecmp(s, "title") || !strcasecmp(s, "titel")) return -1;
  const char *p = NULL;
  if (!strncasecmp(s, "heading", 7)) p = s + 7;
  else if (!strncasecmp(s, "\xC3\x9C" "berschrift", 12)) p = s + 12;
  else if (!strncasecmp(s, "berschrift", 10)) p = s + 10;
  if (!p) return 0;
  while (*p == ' ') p++;
  if (*p < '1' || *p > '9' || p[1]) return 0;
  return *p - '0' > 6 ? 6 : *p - '0';
}

static xmlNode *child(const xmlNode *n, const char *name) {
  for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
    if (ingest_xml_is(c, NS_W, name)) return c;
  return NULL;
}

/* Level from <w:pPr><w:outlineLvl w:val="0"/> (0-based; 9 is body). */
static int outline_level(const xmlNode *ppr) {
  xmlNode *o = child(ppr, "outlineLvl");
  char *v = o ? ingest_xml_attr(o, NS_W, "val") : NULL;
  int lvl = v && v[0] >= '0' && v[0] <= '5' && !v[1] ? v[0] - '0' + 1 : 0;
  xmlFree(v);
  return lvl;
}

/* --------------------------------------------------------- hidden runs */

/* An on/off property: present without w:val, or with a true value. */
static int on(const xmlNode *prop) {
  if (!prop) return 0;
  char *v = ingest_xml_attr(prop, NS_W, "val");
  int r = !v || (strcmp(v, "0") && strcasecmp(v, "false") &&
                 strcasecmp(v, "off"));
  xmlFree(v);
  return r;
}

static int is_white_hex(const char *v) {
  return v && (!strcasecmp(v, "FFFFFF") || !strcasecmp(v, "FEFEFE"));
}

/* A w:shd or w:highlight that puts a colour behind the text. */
static int coloured(const xmlNode *prop, const char *attr) {
  char *v = prop ? ingest_xml_attr(prop, NS_W, attr) : NULL;
  int r = v && strcasecmp(v, "auto") && strcasecmp(v, "none") &&
          !is_white_hex(v) && strcasecmp(v, "white");
  xmlFree(v);
  return r;
}

/* Shading of the paragraph, table cell or table around a run. */
static int shaded(const xmlNode *n) {
  static const char *const props[][2] = {
      {"p", "pPr"}, {"tc", "tcPr"}, {"tbl", "tblPr"}};
  for (int hop = 0; n && hop < 64; n = n->parent, hop++)
    for (size_t i = 0; i < 3; i++)
      if (ingest_xml_is(n, NS_W, props[i][0]) &&
          coloured(child(child(n, props[i][1]), "shd"), "fill"))
        return 1;
  return 0;
}

/* Why run properties hide their text (run is NULL for a style). */
static const char *rpr_hidden(const docx_t *dx, const xmlNode *rpr,
                              const xmlNode *run) {
  if (!rpr) return NULL;
  if (on(child(rpr, "vanish")) || on(child(rpr, "specVanish")))
    return "docx_vanish";
  if (on(child(rpr, "webHidden"))) return "docx_web_hidden";
  char *sz = ingest_xml_attr(child(rpr, "sz"), NS_W, "val");
  int tiny = sz && atoi(sz) < 4; /* half-points: below 2pt */
  xmlFree(sz);
  if (tiny) return "docx_tiny_font";
  char *col = ingest_xml_attr(child(rpr, "color"), NS_W, "val");
  int white = is_white_hex(col);
  xmlFree(col);
  if (white && !dx->page_colour && !coloured(child(rpr, "shd"), "fill") &&
      !coloured(child(rpr, "highlight"), "val") && !(run && shaded(run)))
    return "docx_white_text";
  return NULL;
}

static int style_level(const xmlNode *style) {
  char *name = ingest_xml_attr(child(style, "name"), NS_W, "val");
  int lvl = name ? level_from_name(name) : 0;
  xmlFree(name);
  return lvl ? lvl : outline_level(child(style, "pPr"));
}

static int styles_add(docx_t *dx, const char *id, const char *based_on,
                      int level, const char *hidden) {
  style_level_t *v = realloc(dx->styles, (dx->nstyles + 1) * sizeof *v);
  if (!v) return LOTSE_ENOMEM;
  dx->styles = v;
  char *c = lotse_strdup(id);
  char *b = based_on ? lotse_strdup(based_on) : NULL;
  if (!c || (based_on && !b)) {
    free(c);
    free(b);
    return LOTSE_ENOMEM;
  }
  v[dx->nstyles++] = (style_level_t){.id = c, .based_on = b, .level = level,
                                     .hidden = hidden};
  return 0;
}

static const style_level_t *style_find(const docx_t *dx, const char *id) {
  for (size_t i = 0; id && i < dx->nstyles; i++)
    if (!strcmp(dx->styles[i].id, id)) return &dx->styles[i];
  return NULL;
}

/* A style without a level of its own inherits its parent's ("Überschrift 1
 * nummeriert" based on Heading1); chains are followed a few steps only. */
static void styles_inherit(docx_t *dx) {
  for (size_t i = 0; i < dx->nstyles; i++) {
    const style_level_t *s = &dx->styles[i];
    for (int hop = 0; hop < 8 && s && !s->level; hop++)
      s = style_find(dx, s->based_on);
    if (s) dx->styles[i].level = s->level;
    s = &dx->styles[i];
    for (int hop = 0; hop < 8 && s && !s->hidden; hop++)
      s = style_find(dx, s->based_on);
    if (s) dx->styles[i].hidden = s->hidden;
  }
}

static int styles_load(docx_t *dx, xmlDocPtr doc) {
  xmlNode *root = xmlDocGetRootElement(doc);
  for (xmlNode *s = root ? root->children : NULL; s; s = s->next) {
    if (!ingest_xml_is(s, NS_W, "style")) continue;
    char *id = ingest_xml_attr(s, NS_W, "styleId");
    char *base = ingest_xml_attr(child(s, "basedOn"), NS_W, "val");
    int rc = id ? styles_add(dx, id, base, style_level(s),
                             rpr_hidden(dx, child(s, "rPr"), NULL))
                : 0;
    xmlFree(id);
    xmlFree(base);
    if (rc) return rc;
  }
  styles_inherit(dx);
  return 0;
}

static int paragraph_level(const docx_t *dx, const xmlNode *p) {
  xmlNode *ppr = child(p, "pPr");
  int lvl = outline_level(ppr);
  if (lvl) return lvl;
  char *id = ingest_xml_attr(child(ppr, "pStyle"), NS_W, "val");
  if (!id) return 0;
  const style_level_t *s = style_find(dx, id);
  lvl = s ? s->level : level_from_name(id);
  xmlFree(id);
  return lvl;
}

/* ---------------------------------------------------------- paragraphs */

/* A paragraph being read: visible text and hidden runs apart. */
typedef struct para {
  const docx_t *dx;
  const char *pstyle_hidden; /* the paragraph style hides its runs */
  lotse_buf_t text, hid;
  const char *why; /* reason of the first hidden run */
} para_t;

static const char *run_hidden(para_t *pa, const xmlNode *r) {
  xmlNode *rpr = child(r, "rPr");
  const char *why = rpr_hidden(pa->dx, rpr, r);
  if (why) return why;
  if (rpr && child(rpr, "vanish")) return NULL; /* explicitly shown */
  char *id = ingest_xml_attr(child(rpr, "rStyle"), NS_W, "val");
  const style_level_t *st = id ? style_find(pa->dx, id) : NULL;
  xmlFree(id);
  return st && st->hidden ? st->hidden : pa->pstyle_hidden;
}

/* Text of a paragraph in document order; text boxes are left for later.
 * Hidden runs go to pa->hid instead of b. */
static int collect(para_t *pa, const xmlNode *n, lotse_buf_t *b) {
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    int rc = 0;
    const char *why;
    if (b == &pa->text && ingest_xml_is(c, NS_W, "r") &&
        (why = run_hidden(pa, c))) {
      if (!pa->why) pa->why = why;
      rc = collect(pa, c, &pa->hid);
    } else if (ingest_xml_is(c, NS_W, "t")) {
      char *t = (char *)xmlNodeGetContent(c);
      rc = t ? lotse_buf_puts(b, t) : 0;
      xmlFree(t);
    } else if (ingest_xml_is(c, NS_W, "tab") || ingest_xml_is(c, NS_W, "br") ||
               ingest_xml_is(c, NS_W, "cr")) {
      rc = lotse_buf_putc(b, ' ');
    } else if (ingest_xml_is(c, NS_W, "noBreakHyphen")) {
      rc = lotse_buf_putc(b, '-');
    } else if (ingest_xml_is(c, NS_W, "txbxContent") ||
               ingest_xml_is(c, NS_MC, "Fallback") ||
               ingest_xml_is(c, NS_W, "del") ||
               ingest_xml_is(c, NS_W, "moveFrom")) {
      continue; /* text boxes come after; Fallback duplicates Choice;
                   tracked deletions and moves are not current text */
    } else {
      rc = collect(pa, c, b);
    }
    if (rc) return rc;
  }
  return 0;
}

static int walk(docx_t *dx, const xmlNode *n);

/* Text boxes anchored in a paragraph: their paragraphs follow it. */
static int walk_textboxes(docx_t *dx, const xmlNode *n) {
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || ingest_xml_is(c, NS_MC, "Fallback"))
      continue;
    int rc = ingest_xml_is(c, NS_W, "txbxContent") ? walk(dx, c)
                                                   : walk_textboxes(dx, c);
    if (rc) return rc;
  }
  return 0;
}

static const char *pstyle_hidden(const docx_t *dx, const xmlNode *p) {
  char *id = ingest_xml_attr(child(child(p, "pPr"), "pStyle"), NS_W, "val");
  const style_level_t *st = id ? style_find(dx, id) : NULL;
  xmlFree(id);
  return st ? st->hidden : NULL;
}

static int paragraph(docx_t *dx, const xmlNode *p) {
  para_t pa = {.dx = dx, .pstyle_hidden = pstyle_hidden(dx, p)};
  lotse_buf_init(&pa.text, 0);
  lotse_buf_init(&pa.hid, 0);
  lotse_buf_t *b = &pa.text;
  int rc = collect(&pa, p, b);
  if (!rc && pa.hid.len)
    rc = ingest_extract_hide(dx->x, pa.why, 0, pa.hid.data, pa.hid.len);
  if (rc) {
    lotse_buf_release(b);
    lotse_buf_release(&pa.hid);
    return lotse_err_set(dx->err, rc, "out of memory");
  }
  int lvl = paragraph_level(dx, p);
  if (lvl == -1 && !dx->x->title && b->len)
    rc = ingest_extract_set_title(dx->x, b->data);
  if (!rc && b->len)
    rc = ingest_add_block(dx->x, lvl ? INGEST_BLOCK_HEADING : INGEST_BLOCK_PARA,
                          lvl < 0 ? 1 : lvl, 0, b->data, b->len, dx->err);
  lotse_buf_release(b);
  lotse_buf_release(&pa.hid);
  return rc ? rc : walk_textboxes(dx, p);
}

static int walk(docx_t *dx, const xmlNode *n) {
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || ingest_xml_is(c, NS_MC, "Fallback") ||
        ingest_xml_is(c, NS_W, "del") || ingest_xml_is(c, NS_W, "moveFrom"))
      continue;
    int rc = ingest_xml_is(c, NS_W, "p") ? paragraph(dx, c) : walk(dx, c);
    if (rc) return rc;
  }
  return 0;
}

/* ---------------------------------------------------------------- parts */

/* Optional parts: a broken one is skipped, a limit hit is an error. */
static int read_optional(ingest_zip_t *z, const char *name, xmlDocPtr *doc,
                         lotse_err_t *err) {
  char *d = NULL;
  size_t n = 0;
  *doc = NULL;
  int rc = ingest_zip_read(z, name, &d, &n, err);
  if (!rc) {
    rc = ingest_xml_parse(d, n, name, doc, err);
    free(d);
  }
  if (rc == LOTSE_ETOOBIG || rc == LOTSE_EENCRYPTED || rc == LOTSE_ENOMEM)
    return rc;
  lotse_err_clear(err);
  return 0;
}

static int read_body(docx_t *dx, ingest_zip_t *z) {
  char *d = NULL;
  size_t n = 0;
  xmlDocPtr doc = NULL;
  int rc = ingest_zip_read(z, "word/document.xml", &d, &n, dx->err);
  if (rc == LOTSE_ENOTFOUND)
    return LOTSE_CORRUPT_BKPT(dx->err, "malformed docx: no word/document.xml");
  if (!rc) rc = ingest_xml_parse(d, n, "word/document.xml", &doc, dx->err);
  free(d);
  if (rc == LOTSE_ECORRUPT && dx->err) {
    char m[LOTSE_ERR_MSG_MAX];
    snprintf(m, sizeof m, "%s", dx->err->msg);
    lotse_err_set(dx->err, rc, "malformed docx: %s", m);
  }
  if (!rc) {
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *body = child(root, "body");
    char *bg = ingest_xml_attr(child(root, "background"), NS_W, "color");
    dx->page_colour = bg && strcasecmp(bg, "auto") && !is_white_hex(bg);
    xmlFree(bg);
    rc = body ? walk(dx, body) : 0;
  }
  xmlFreeDoc(doc);
  return rc;
}

static int read_meta(docx_t *dx, ingest_zip_t *z) {
  xmlDocPtr core = NULL;
  int rc = read_optional(z, "docProps/core.xml", &core, dx->err);
  json_t *meta = json_object();
  if (!meta) rc = lotse_err_set(dx->err, LOTSE_ENOMEM, "out of memory");
  if (!rc && core) rc = ingest_xml_read_core_meta(core, dx->x, meta, dx->err);
  if (!rc) rc = ingest_meta_store(dx->x, meta, dx->err);
  json_decref(meta);
  xmlFreeDoc(core);
  return rc;
}

int ingest_extract_docx(const char *d, size_t n, const ingest_limits_t *lim,
                        ingest_extract_t *x, lotse_err_t *err) {
  ingest_libs_init();
  docx_t dx = {.x = x, .err = err};
  ingest_zip_t *z = NULL;
  xmlDocPtr styles = NULL;
  int rc = ingest_zip_open(d, n, lim->max_unpacked_bytes, "docx", &z, err);
  if (!rc) rc = ingest_zip_check_encryption(z, err);
  if (!rc) rc = read_optional(z, "word/styles.xml", &styles, err);
  if (!rc && styles && styles_load(&dx, styles))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) rc = read_meta(&dx, z);
  if (!rc) rc = read_body(&dx, z);
  xmlFreeDoc(styles);
  for (size_t i = 0; i < dx.nstyles; i++) {
    free(dx.styles[i].id);
    free(dx.styles[i].based_on);
  }
  free(dx.styles);
  ingest_zip_close(z);
  return rc;
}

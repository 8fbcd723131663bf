/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/extract_odt.c — OpenDocument text (LibreOffice .odt): headings
 * (text:h with text:outline-level), paragraphs and list items (text:p),
 * tables and text frames of content.xml, title and author of meta.xml.
 *
 * Contract: every part goes through the zip guard and the safe XML parser;
 * a missing or broken content.xml is LOTSE_ECORRUPT, a broken meta.xml is
 * ignored. Tracked deletions, notes and annotations are not extracted.
 */
#include "ingest/extract_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_DRAW "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"

typedef struct odt {
  ingest_extract_t *x;
  lotse_err_t *err;
} odt_t;

/* Elements whose text is not part of the running text. */
static int skipped(const xmlNode *n) {
  return ingest_xml_is(n, NS_TEXT, "note") ||
         ingest_xml_is(n, NS_OFFICE, "annotation") ||
         ingest_xml_is(n, NS_TEXT, "tracked-changes") ||
         ingest_xml_is(n, NS_DRAW, "frame");
}

/* Text of a paragraph or heading, in document order. */
static int collect(const xmlNode *n, lotse_buf_t *b) {
  for (const xmlNode *c = n->children; c; c = c->next) {
    int rc = 0;
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      rc = c->content ? lotse_buf_puts(b, (const char *)c->content) : 0;
    } else if (c->type != XML_ELEMENT_NODE || skipped(c)) {
      continue;
    } else if (ingest_xml_is(c, NS_TEXT, "s") ||
               ingest_xml_is(c, NS_TEXT, "tab") ||
               ingest_xml_is(c, NS_TEXT, "line-break")) {
      rc = lotse_buf_putc(b, ' ');
    } else {
      rc = collect(c, b);
    }
    if (rc) return rc;
  }
  return 0;
}

static int walk(odt_t *o, const xmlNode *n);

/* Frames (text boxes) anchored in a paragraph: their text follows it. */
static int walk_frames(odt_t *o, const xmlNode *n) {
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || ingest_xml_is(c, NS_TEXT, "note") ||
        ingest_xml_is(c, NS_OFFICE, "annotation"))
      continue;
    int rc = ingest_xml_is(c, NS_DRAW, "frame") ? walk(o, c)
                                                : walk_frames(o, c);
    if (rc) return rc;
  }
  return 0;
}

static int heading_level(const xmlNode *h) {
  char *v = ingest_xml_attr(h, NS_TEXT, "outline-level");
  int lvl = v ? atoi(v) : 1;
  xmlFree(v);
  return lvl < 1 ? 1 : lvl > 6 ? 6 : lvl;
}

static int block(odt_t *o, const xmlNode *n, int heading) {
  lotse_buf_t b;
  lotse_buf_init(&b, 0);
  int rc = collect(n, &b);
  if (rc) rc = lotse_err_set(o->err, rc, "out of memory");
  if (!rc && b.len)
    rc = ingest_add_block(o->x, heading ? INGEST_BLOCK_HEADING
                                        : INGEST_BLOCK_PARA,
                          heading ? heading_level(n) : 0, 0, b.data, b.len,
                          o->err);
  lotse_buf_release(&b);
  return rc ? rc : walk_frames(o, n);
}

static int walk(odt_t *o, const xmlNode *n) {
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || ingest_xml_is(c, NS_TEXT, "note") ||
        ingest_xml_is(c, NS_OFFICE, "annotation") ||
        ingest_xml_is(c, NS_TEXT, "tracked-changes"))
      continue;
    int rc;
    if (ingest_xml_is(c, NS_TEXT, "h")) rc = block(o, c, 1);
    else if (ingest_xml_is(c, NS_TEXT, "p")) rc = block(o, c, 0);
    else rc = walk(o, c); /* lists, tables, sections, frames */
    if (rc) return rc;
  }
  return 0;
}

static xmlNode *find_text_body(xmlNode *root) {
  for (xmlNode *b = root ? root->children : NULL; b; b = b->next)
    if (ingest_xml_is(b, NS_OFFICE, "body"))
      for (xmlNode *t = b->children; t; t = t->next)
        if (ingest_xml_is(t, NS_OFFICE, "text")) return t;
  return NULL;
}

static int read_content(odt_t *o, ingest_zip_t *z) {
  char *d = NULL;
  size_t n = 0;
  xmlDocPtr doc = NULL;
  int rc = ingest_zip_read(z, "content.xml", &d, &n, o->err);
  if (rc == LOTSE_ENOTFOUND)
    return LOTSE_CORRUPT_BKPT(o->err, "malformed odt: no content.xml");
  if (!rc) rc = ingest_xml_parse(d, n, "content.xml", &doc, o->err);
  free(d);
  if (rc == LOTSE_ECORRUPT && o->err) {
    char m[LOTSE_ERR_MSG_MAX];
    snprintf(m, sizeof m, "%s", o->err->msg);
    lotse_err_set(o->err, rc, "malformed odt: %s", m);
  }
  if (!rc) {
    xmlNode *text = find_text_body(xmlDocGetRootElement(doc));
    rc = text ? walk(o, text) : 0;
  }
  xmlFreeDoc(doc);
  return rc;
}

static int read_meta(odt_t *o, ingest_zip_t *z) {
  char *d = NULL;
  size_t n = 0;
  xmlDocPtr doc = NULL;
  json_t *meta = json_object();
  if (!meta) return lotse_err_set(o->err, LOTSE_ENOMEM, "out of memory");
  int rc = ingest_zip_read(z, "meta.xml", &d, &n, o->err);
  if (rc == LOTSE_ENOTFOUND || rc == LOTSE_ECORRUPT) {
    rc = 0; /* no or broken metadata: read the text anyway */
    lotse_err_clear(o->err);
  }
  if (!rc && d && ingest_xml_parse(d, n, "meta.xml", &doc, o->err))
    lotse_err_clear(o->err);
  free(d);
  if (!rc && doc) rc = ingest_xml_read_core_meta(doc, o->x, meta, o->err);
  if (!rc) rc = ingest_meta_store(o->x, meta, o->err);
  xmlFreeDoc(doc);
  json_decref(meta);
  return rc;
}

int ingest_extract_odt(const char *d, size_t n, const ingest_limits_t *lim,
                       ingest_extract_t *x, lotse_err_t *err) {
  ingest_libs_init();
  odt_t o = {.x = x, .err = err};
  ingest_zip_t *z = NULL;
  int rc = ingest_zip_open(d, n, lim->max_unpacked_bytes, "odt", &z, err);
  if (!rc && ingest_zip_has(z, "META-INF/manifest.xml")) {
    /* ODF encryption is declared in the manifest, not in the zip. */
    char *m = NULL;
    size_t mn = 0;
    rc = ingest_zip_read(z, "META-INF/manifest.xml", &m, &mn, err);
    if (!rc && memmem(m, mn, "encryption-data", 15))
      rc = lotse_err_set(err, LOTSE_EENCRYPTED,
                         "encrypted odt (password protected)");
    free(m);
  }
  if (!rc) rc = ingest_zip_check_encryption(z, err);
  if (!rc) rc = read_meta(&o, z);
  if (!rc) rc = read_content(&o, z);
  ingest_zip_close(z);
  return rc;
}

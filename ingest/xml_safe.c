/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/xml_safe.c — parsing the XML parts of office packages without
 * network access, DTDs or entity expansion, and reading their Dublin Core
 * metadata.
 *
 * Contract: a part with a document type declaration is refused before
 * parsing (OOXML and ODF never have one, and that closes the door on
 * entity bombs and external entities); libxml2 never prints (NOERROR,
 * NOWARNING), its last error goes into the message instead.
 */
#include "ingest/extract_internal.h"

#include <libxml/parser.h>
#include <limits.h>
#include <string.h>

#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_CP \
  "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
#define NS_ODF_META "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"

/* ---------------------------------------------------------------- parse */

/* Whether the prolog (before the root element) declares a DOCTYPE. */
static int has_doctype(const char *d, size_t n) {
  size_t i = (n >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3)) ? 3 : 0;
  while (i < n) {
    if (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n') {
      i++;
    } else if (n - i >= 2 && !memcmp(d + i, "<?", 2)) {
      const char *e = memmem(d + i, n - i, "?>", 2);
      if (!e) return 0;
      i = (size_t)(e - d) + 2;
    } else if (n - i >= 4 && !memcmp(d + i, "<!--", 4)) {
      const char *e = memmem(d + i, n - i, "-->", 3);
      if (!e) return 0;
      i = (size_t)(e - d) + 3;
    } else {
      return n - i >= 9 && !memcmp(d + i, "<!DOCTYPE", 9);
    }
  }
  return 0;
}

static int parse_failed(xmlParserCtxtPtr ctxt, const char *what,
                        lotse_err_t *err) {
  const xmlError *e = ctxt ? &ctxt->lastError : NULL;
  char msg[200] = "not well-formed";
  if (e && e->message) {
    size_t k = strlen(e->message);
    while (k && (e->message[k - 1] == '\n' || e->message[k - 1] == ' ')) k--;
    if (k >= sizeof msg) k = sizeof msg - 1;
    memcpy(msg, e->message, k);
    msg[k] = '\0';
  }
  return LOTSE_CORRUPT_BKPT(err, "broken xml in '%s' at line %d (%s)", what,
                            e ? e->line : 0, msg);
}

int ingest_xml_parse(const char *d, size_t n, const char *what,
                     xmlDocPtr *out, lotse_err_t *err) {
  *out = NULL;
  if (n > INT_MAX)
    return lotse_err_set(err, LOTSE_ETOOBIG, "'%s' is too large", what);
  if (has_doctype(d, n))
    return LOTSE_CORRUPT_BKPT(err,
                              "'%s' has a document type declaration, "
                              "refused", what);
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (!ctxt) return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  xmlDocPtr doc = xmlCtxtReadMemory(
      ctxt, d, (int)n, NULL, NULL,
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  int rc = 0;
  if (!doc || !ctxt->wellFormed || !xmlDocGetRootElement(doc)) {
    rc = parse_failed(ctxt, what, err);
    xmlFreeDoc(doc);
    doc = NULL;
  }
  xmlFreeParserCtxt(ctxt);
  *out = doc;
  return rc;
}

/* ---------------------------------------------------------------- nodes */

int ingest_xml_is(const xmlNode *n, const char *ns, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
         !strcmp((const char *)n->ns->href, ns) &&
         !strcmp((const char *)n->name, name);
}

char *ingest_xml_attr(const xmlNode *n, const char *ns, const char *name) {
  return (char *)xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)ns);
}

/* --------------------------------------------------------- core metadata */

static const struct {
  const char *ns, *name, *key;
} core_fields[] = {
    {NS_DC, "title", "title"},
    {NS_DC, "creator", "author"},
    {NS_ODF_META, "initial-creator", "initial_author"},
    {NS_DC, "subject", "subject"},
    {NS_DC, "description", "description"},
    {NS_CP, "keywords", "keywords"},
    {NS_ODF_META, "keyword", "keywords"},
    {NS_DCTERMS, "created", "created"},
    {NS_ODF_META, "creation-date", "created"},
    {NS_DCTERMS, "modified", "modified"},
    {NS_DC, "date", "modified"},
    {NS_CP, "lastModifiedBy", "last_modified_by"},
};

static int core_field(const xmlNode *n, ingest_extract_t *x, json_t *meta) {
  for (size_t i = 0; i < sizeof core_fields / sizeof *core_fields; i++) {
    if (!ingest_xml_is(n, core_fields[i].ns, core_fields[i].name)) continue;
    if (json_object_get(meta, core_fields[i].key)) return 0;
    char *v = (char *)xmlNodeGetContent(n);
    int rc = v ? ingest_meta_set_str(meta, core_fields[i].key, v) : 0;
    if (!rc && v && !strcmp(core_fields[i].key, "title"))
      rc = ingest_extract_set_title(x, v);
    xmlFree(v);
    return rc;
  }
  return 0;
}

/* The fields sit at depth 1 (core.xml) or 2 (meta.xml: office:meta). */
static int core_walk(const xmlNode *parent, int depth, ingest_extract_t *x,
                     json_t *meta) {
  for (const xmlNode *n = parent->children; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    int rc = core_field(n, x, meta);
    if (!rc && depth < 2) rc = core_walk(n, depth + 1, x, meta);
    if (rc) return rc;
  }
  return 0;
}

int ingest_xml_read_core_meta(xmlDocPtr doc, ingest_extract_t *x,
                              json_t *meta, lotse_err_t *err) {
  xmlNode *root = xmlDocGetRootElement(doc);
  if (!root) return 0;
  int rc = core_walk(root, 1, x, meta);
  if (rc) return lotse_err_set(err, rc, "out of memory");
  if (!json_object_get(meta, "author") &&
      json_object_get(meta, "initial_author"))
    json_object_set(meta, "author", json_object_get(meta, "initial_author"));
  json_object_del(meta, "initial_author");
  return 0;
}

/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/extract_eml.c — e-mail messages (RFC 5322/MIME) via GMime 3: the
 * subject (RFC 2047 decoded) is the title, From/To/Cc/Date/Message-ID and
 * the list of attachments go into the metadata, the body is the first
 * inline text/plain part, else the first inline text/html part read by the
 * HTML reader. Transfer encodings (quoted-printable, base64) are decoded
 * and the part's charset converted to UTF-8.
 *
 * Contract: attachments are listed, never opened; multipart nesting deeper
 * than MAX_DEPTH is not followed; at most MAX_ATTACHMENTS are listed.
 */
#include "ingest/extract_internal.h"

#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 16
#define MAX_ATTACHMENTS 100

typedef struct eml {
  GMimePart *plain; /* first inline text/plain */
  GMimePart *html;  /* first inline text/html */
  json_t *attachments;
} eml_t;

/* ----------------------------------------------------------- structure */

static int list_attachment(eml_t *e, GMimeObject *o, const char *name) {
  if (json_array_size(e->attachments) >= MAX_ATTACHMENTS) return 0;
  GMimeContentType *ct = g_mime_object_get_content_type(o);
  char *type = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
  json_t *a = json_object();
  int rc = a ? 0 : LOTSE_ENOMEM;
  if (!rc) rc = ingest_meta_set_str(a, "name", name);
  if (!rc) rc = ingest_meta_set_str(a, "type", type);
  if (!rc && json_array_append(e->attachments, a)) rc = LOTSE_ENOMEM;
  json_decref(a);
  g_free(type);
  return rc;
}

static int scan(eml_t *e, GMimeObject *o, int depth) {
  if (depth > MAX_DEPTH) return 0;
  if (GMIME_IS_MULTIPART(o)) {
    GMimeMultipart *mp = GMIME_MULTIPART(o);
    int n = g_mime_multipart_get_count(mp);
    for (int i = 0; i < n; i++) {
      int rc = scan(e, g_mime_multipart_get_part(mp, i), depth + 1);
      if (rc) return rc;
    }
    return 0;
  }
  if (GMIME_IS_MESSAGE_PART(o)) /* a forwarded message: list it */
    return list_attachment(e, o, "message");
  if (!GMIME_IS_PART(o)) return 0;
  GMimePart *p = GMIME_PART(o);
  const char *fname = g_mime_part_get_filename(p);
  GMimeContentType *ct = g_mime_object_get_content_type(o);
  if (g_mime_part_is_attachment(p) || fname)
    return list_attachment(e, o, fname ? fname : "");
  if (ct && g_mime_content_type_is_type(ct, "text", "plain") && !e->plain)
    e->plain = p;
  else if (ct && g_mime_content_type_is_type(ct, "text", "html") && !e->html)
    e->html = p;
  return 0;
}

/* --------------------------------------------------------------- bodies */

/* The part's content, transfer-decoded and converted to UTF-8. */
static char *part_text(GMimePart *p, size_t *len) {
  GMimeDataWrapper *w = g_mime_part_get_content(p);
  if (!w) return NULL;
  GMimeStream *s = g_mime_stream_mem_new();
  if (g_mime_data_wrapper_write_to_stream(w, s) < 0) {
    g_object_unref(s);
    return NULL;
  }
  GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
  const char *raw = ba && ba->data ? (const char *)ba->data : "";
  size_t n = ba ? ba->len : 0;
  const char *cs = g_mime_object_get_content_type_parameter(
      GMIME_OBJECT(p), "charset");
  char *out = NULL;
  if (cs && strcasecmp(cs, "utf-8") && strcasecmp(cs, "us-ascii"))
    out = ingest_charset_to_utf8(raw, n, g_mime_charset_iconv_name(cs), len);
  if (!out && lotse_utf8_valid(raw, n)) {
    out = lotse_strndup(raw, n);
    *len = n;
  }
  if (!out) out = ingest_cp1252_to_utf8(raw, n, len);
  g_object_unref(s);
  return out;
}

static int read_body(eml_t *e, ingest_extract_t *x, lotse_err_t *err) {
  GMimePart *p = e->plain ? e->plain : e->html;
  if (!p) return 0;
  size_t n = 0;
  char *t = part_text(p, &n);
  if (!t) return LOTSE_CORRUPT_BKPT(err, "malformed email: undecodable body");
  int rc = p == e->plain ? ingest_add_paragraphs(x, t, n, 0, err)
                         : ingest_html_parse(t, n, "UTF-8", x, err);
  free(t);
  return rc;
}

/* -------------------------------------------------------------- headers */

static int meta_addresses(json_t *m, const char *key,
                          InternetAddressList *l) {
  if (!l || internet_address_list_length(l) == 0) return 0;
  char *s = internet_address_list_to_string(l, NULL, FALSE);
  int rc = ingest_meta_set_str(m, key, s);
  g_free(s);
  return rc;
}

static int read_headers(GMimeMessage *msg, ingest_extract_t *x, json_t *m) {
  const char *subject = g_mime_message_get_subject(msg);
  int rc = ingest_extract_set_title(x, subject);
  if (!rc) rc = ingest_meta_set_str(m, "subject", subject);
  /* the subject heads the body, so a chunk's heading path names the mail */
  if (!rc && subject)
    rc = ingest_extract_add(x, INGEST_BLOCK_HEADING, 1, 0, subject,
                            strlen(subject));
  if (!rc) rc = meta_addresses(m, "from", g_mime_message_get_from(msg));
  if (!rc) rc = meta_addresses(m, "to", g_mime_message_get_to(msg));
  if (!rc) rc = meta_addresses(m, "cc", g_mime_message_get_cc(msg));
  GDateTime *dt = g_mime_message_get_date(msg);
  if (!rc && dt) {
    gchar *s = g_date_time_format_iso8601(dt);
    rc = ingest_meta_set_str(m, "date", s);
    g_free(s);
  }
  if (!rc)
    rc = ingest_meta_set_str(m, "message_id",
                             g_mime_message_get_message_id(msg));
  return rc;
}

static GMimeMessage *parse(const char *d, size_t n) {
  GMimeStream *s = g_mime_stream_mem_new_with_buffer(d, n);
  if (!s) return NULL;
  GMimeParser *p = g_mime_parser_new_with_stream(s);
  GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
  g_object_unref(p);
  g_object_unref(s);
  return msg;
}

int ingest_extract_eml(const char *d, size_t n, const ingest_limits_t *lim,
                       ingest_extract_t *x, lotse_err_t *err) {
  (void)lim; /* the file limit bounds everything decoded here */
  ingest_libs_init();
  GMimeMessage *msg = parse(d, n);
  if (!msg) return LOTSE_CORRUPT_BKPT(err, "malformed email: no message");
  eml_t e = {.attachments = json_array()};
  json_t *m = json_object();
  int rc = m && e.attachments ? 0 : LOTSE_ENOMEM;
  if (!rc) rc = read_headers(msg, x, m);
  GMimeObject *top = g_mime_message_get_mime_part(msg);
  if (!rc && top) rc = scan(&e, top, 0);
  if (rc == LOTSE_ENOMEM) lotse_err_set(err, rc, "out of memory");
  if (!rc) rc = read_body(&e, x, err);
  if (!rc && json_array_size(e.attachments) &&
      json_object_set(m, "attachments", e.attachments))
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  if (!rc) rc = ingest_meta_store(x, m, err);
  json_decref(e.attachments);
  json_decref(m);
  g_object_unref(msg);
  return rc;
}

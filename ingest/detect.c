/* SPDX-License-Identifier: EUPL-1.2
 *
 * ingest/detect.c — file type by content: magic numbers first (PDF, zip
 * with a look inside, OLE), then markup (HTML), mail headers (EML) and
 * finally text versus binary. The extension only decides Markdown versus
 * plain text, so a renamed file is still read by the right reader.
 *
 * Contract: ingest_detect() reads at most the given bytes, allocates only
 * inside the zip sniffer, and never fails: unknown bytes are BINARY.
 */
#include "ingest/extract_internal.h"

#include <strings.h>
#include <string.h>

#define SNIFF_WINDOW 1024          /* markup and PDF header search */
#define MD_SCAN_MAX ((size_t)1 << 20) /* ATX heading search */

/* ------------------------------------------------------------- helpers */

static size_t skip_bom_space(const char *d, size_t n) {
  size_t i = 0;
  if (n >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3)) i = 3;
  while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' ||
                   d[i] == '\n' || d[i] == '\f'))
    i++;
  return i;
}

static int has_ci(const char *d, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (!strncasecmp(d + i, needle, k)) return 1;
  return 0;
}

static int looks_html(const char *d, size_t n) {
  size_t i = skip_bom_space(d, n);
  if (i >= n || d[i] != '<') return 0;
  size_t w = n - i < SNIFF_WINDOW ? n - i : SNIFF_WINDOW;
  return has_ci(d + i, w, "<!doctype html") || has_ci(d + i, w, "<html") ||
         has_ci(d + i, w, "<head") || has_ci(d + i, w, "<body");
}

/* ------------------------------------------------------------------ pdf */

/* "%PDF-" at the start; readers also accept it anywhere in the first 1024
 * bytes, which we follow only when the file ends like a PDF too, so a text
 * that merely mentions "%PDF-1.7" stays text. */
static int looks_pdf(const char *d, size_t n) {
  size_t i = skip_bom_space(d, n);
  if (n - i >= 5 && !memcmp(d + i, "%PDF-", 5)) return 1;
  size_t w = n < SNIFF_WINDOW ? n : SNIFF_WINDOW;
  return n >= 5 && memmem(d, w, "%PDF-", 5) &&
         memmem(d + n - w, w, "%%EOF", 5);
}

/* ----------------------------------------------------------------- mail */

static int known_header(const char *line, size_t namelen) {
  static const char *const names[] = {
      "from", "to", "subject", "date", "message-id", "mime-version",
      "received", "return-path"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (namelen == strlen(names[i]) && !strncasecmp(line, names[i], namelen))
      return 1;
  return 0;
}

/* Length of a header field name ending in ':' at the line start, or 0. */
static size_t field_name_len(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i] > ' ' && s[i] < 0x7F && s[i] != ':') i++;
  return (i > 0 && i < n && s[i] == ':') ? i : 0;
}

/* RFC 5322: the file starts with header lines (an mbox "From " line may
 * come first) up to a blank line; at least two well-known fields. */
static int looks_mail(const char *d, size_t n) {
  size_t i = 0, lines = 0;
  int known = 0, in_header = 0;
  if (n >= 5 && !memcmp(d, "From ", 5)) {
    const char *nl = memchr(d, '\n', n);
    if (!nl) return 0;
    i = (size_t)(nl - d) + 1;
  }
  while (i < n && lines++ < 200) {
    const char *nl = memchr(d + i, '\n', n - i);
    size_t end = nl ? (size_t)(nl - d) : n;
    size_t len = end - i;
    if (len && d[end - 1] == '\r') len--;
    if (len == 0) break; /* end of the header */
    if (d[i] == ' ' || d[i] == '\t') {
      if (!in_header) return 0;
    } else {
      size_t k = field_name_len(d + i, len);
      if (!k) return 0;
      known += known_header(d + i, k);
      in_header = 1;
    }
    i = end + 1;
  }
  return known >= 2;
}

/* ----------------------------------------------------------------- text */

/* Text: no NUL, valid UTF-8, or at most 1% control bytes otherwise
 * (Windows-1252 / Latin-1, converted by the text reader). */
static int looks_text(const char *d, size_t n) {
  if (memchr(d, '\0', n)) return 0;
  if (lotse_utf8_valid(d, n)) return 1;
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)d[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ||
        c == 0x7F || c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 ||
        c == 0x9D)
      bad++;
  }
  return bad * 100 <= n;
}

static int looks_utf16(const char *d, size_t n) {
  return n >= 2 && n % 2 == 0 &&
         (!memcmp(d, "\xFF\xFE", 2) || !memcmp(d, "\xFE\xFF", 2));
}

/* A line "#".."######" followed by a space and text, indented <= 3. */
static int has_atx_heading(const char *d, size_t n) {
  if (n > MD_SCAN_MAX) n = MD_SCAN_MAX;
  size_t i = 0;
  while (i < n) {
    size_t j = i, sp = 0, hashes = 0;
    while (j < n && d[j] == ' ' && sp < 4) j++, sp++;
    while (j < n && d[j] == '#') j++, hashes++;
    if (sp <= 3 && hashes >= 1 && hashes <= 6 && j + 1 < n &&
        (d[j] == ' ' || d[j] == '\t') && d[j + 1] != '\n' &&
        d[j + 1] != '\r' && d[j + 1] != ' ')
      return 1;
    const char *nl = memchr(d + i, '\n', n - i);
    if (!nl) break;
    i = (size_t)(nl - d) + 1;
  }
  return 0;
}

static int markdown_ext(const char *path) {
  const char *ext = path ? lotse_path_ext(path) : "";
  return !strcasecmp(ext, ".md") || !strcasecmp(ext, ".markdown");
}

/* ------------------------------------------------------------- detect */

ingest_type_t ingest_detect(const char *d, size_t n, const char *path) {
  if (!d || !n) return INGEST_TYPE_UNKNOWN;
  if (looks_pdf(d, n)) return INGEST_TYPE_PDF;
  if (n >= 4 && (!memcmp(d, "PK\x03\x04", 4) || !memcmp(d, "PK\x05\x06", 4)))
    return ingest_zip_sniff(d, n);
  if (n >= 8 && !memcmp(d, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
    return INGEST_TYPE_OLE;
  if (looks_utf16(d, n))
    return markdown_ext(path) ? INGEST_TYPE_MARKDOWN : INGEST_TYPE_TEXT;
  if (!looks_text(d, n)) return INGEST_TYPE_BINARY;
  if (looks_html(d, n)) return INGEST_TYPE_HTML;
  if (looks_mail(d, n)) return INGEST_TYPE_EML;
  if (markdown_ext(path) || has_atx_heading(d, n))
    return INGEST_TYPE_MARKDOWN;
  return INGEST_TYPE_TEXT;
}

const char *ingest_type_mime(ingest_type_t t) {
  switch (t) {
  case INGEST_TYPE_TEXT: return "text/plain";
  case INGEST_TYPE_MARKDOWN: return "text/markdown";
  case INGEST_TYPE_HTML: return "text/html";
  case INGEST_TYPE_PDF: return "application/pdf";
  case INGEST_TYPE_DOCX:
    return "application/"
           "vnd.openxmlformats-officedocument.wordprocessingml.document";
  case INGEST_TYPE_ODT: return "application/vnd.oasis.opendocument.text";
  case INGEST_TYPE_EML: return "message/rfc822";
  case INGEST_TYPE_OLE: return "application/x-ole-storage";
  case INGEST_TYPE_ZIP: return "application/zip";
  default: return "application/octet-stream";
  }
}

const char *ingest_type_name(ingest_type_t t) {
  switch (t) {
  case INGEST_TYPE_TEXT: return "text";
  case INGEST_TYPE_MARKDOWN: return "markdown";
  case INGEST_TYPE_HTML: return "html";
  case INGEST_TYPE_PDF: return "pdf";
  case INGEST_TYPE_DOCX: return "docx";
  case INGEST_TYPE_ODT: return "odt";
  case INGEST_TYPE_EML: return "eml";
  case INGEST_TYPE_OLE: return "ole";
  case INGEST_TYPE_ZIP: return "zip";
  case INGEST_TYPE_BINARY: return "binary";
  default: return "unknown";
  }
}

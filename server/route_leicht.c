/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/route_leicht.c — the public address of an easy-language version,
 *   GET /leicht/{id}
 * the address the QR code on a paper Bescheid encodes (apps/easy_qr.h).
 * No login: anyone with the address reads the published revision as a
 * complete accessible German page (lang="de", one h1, large type, the
 * notice EASY_NOTICE_DE first in a box, the text in paragraphs, the
 * Aktenzeichen of the binding Bescheid and the date of publication).
 *
 * Contract: only the published revision of a version not withdrawn is ever
 * shown (apps/easy_version.c easy_version_public); a withdrawn version
 * answers 410 with a short notice, an unknown, malformed or never published
 * id 404 with a German page: never a draft, nothing about other versions.
 * Headers: Content-Security-Policy default-src 'none' with the hash of the
 * one inline style, Cache-Control: no-store, Referrer-Policy: no-referrer,
 * X-Robots-Tag: noindex (the address is a capability; it must not leak to
 * other sites or into search engines). Spec: server/api/leicht.json.
 */
#include "server/server_internal.h"

#include "apps/easy_version.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PREFIX "/leicht/"
#define CT_HTML "text/html; charset=utf-8"

/* Large type, high contrast, a boxed notice; no external resources. */
static const char STYLE[] =
    "body{margin:0;background:#fff;color:#111;font-family:\"DejaVu Sans\","
    "Verdana,Arial,sans-serif;font-size:1.375rem;line-height:1.6}"
    "main{max-width:40rem;margin:0 auto;padding:1.5rem}"
    "h1{font-size:2rem;line-height:1.3;margin:0 0 1.5rem}"
    ".hinweis{border:3px solid #003f7d;background:#eef4fb;padding:1rem;"
    "margin:0 0 2rem}"
    ".hinweis p{margin:0}"
    "p{margin:0 0 1.25rem}"
    "footer{border-top:2px solid #555;margin-top:2.5rem;padding-top:1rem;"
    "font-size:1.125rem}"
    "dt{font-weight:bold}dd{margin:0 0 .75rem}";

static pthread_once_t csp_once = PTHREAD_ONCE_INIT;
static char csp[256];

static void csp_init(void) {
  unsigned char h[32];
  unsigned char b64[64];
  lotse_sha256_t s;
  lotse_sha256_init(&s);
  lotse_sha256_update(&s, STYLE, sizeof STYLE - 1);
  lotse_sha256_final(&s, h);
  EVP_EncodeBlock(b64, h, (int)sizeof h);
  snprintf(csp, sizeof csp,
           "default-src 'none'; style-src 'sha256-%s'; base-uri 'none'; "
           "form-action 'none'; frame-ancestors 'none'",
           (const char *)b64);
}

/* ------------------------------------------------------------ HTML */

static void put_escaped(lotse_buf_t *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    switch (s[i]) {
    case '&': lotse_buf_puts(b, "&amp;"); break;
    case '<': lotse_buf_puts(b, "&lt;"); break;
    case '>': lotse_buf_puts(b, "&gt;"); break;
    case '"': lotse_buf_puts(b, "&quot;"); break;
    case '\'': lotse_buf_puts(b, "&#39;"); break;
    case '\r': break;
    default: lotse_buf_putc(b, s[i]);
    }
  }
}

/* Paragraphs at blank lines; a single line break stays a <br>. */
static void put_paragraphs(lotse_buf_t *b, const char *t) {
  while (*t) {
    while (*t == '\n' || *t == '\r' || *t == ' ' || *t == '\t') t++;
    if (!*t) break;
    const char *end = t;
    while (*end && !(end[0] == '\n' && (end[1] == '\n' ||
                                        (end[1] == '\r' && end[2] == '\n'))))
      end++;
    lotse_buf_puts(b, "<p>");
    const char *p = t;
    while (p < end) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      const char *stop = nl ? nl : end;
      put_escaped(b, p, (size_t)(stop - p));
      if (nl && nl + 1 < end) lotse_buf_puts(b, "<br>\n");
      p = nl ? nl + 1 : end;
    }
    lotse_buf_puts(b, "</p>\n");
    t = end;
  }
}

static const char *const MONTHS[] = {"Januar",   "Februar", "März",
                                     "April",    "Mai",     "Juni",
                                     "Juli",     "August",  "September",
                                     "Oktober",  "November", "Dezember"};

/* "27. November 2026" (dates written out, as Leichte Sprache asks). */
static void put_date(lotse_buf_t *b, int64_t t) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  lotse_buf_printf(b, "%d. %s %d", tm.tm_mday, MONTHS[tm.tm_mon % 12],
                   tm.tm_year + 1900);
}

static void page_head(lotse_buf_t *b, const char *title) {
  lotse_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n"
                    "<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, "
                    "initial-scale=1\">\n"
                    "<meta name=\"robots\" content=\"noindex\">\n<title>");
  lotse_buf_puts(b, title);
  lotse_buf_puts(b, "</title>\n<style>");
  lotse_buf_puts(b, STYLE);
  lotse_buf_puts(b, "</style>\n</head>\n<body>\n<main>\n");
}

static void page_online(lotse_buf_t *b, const easy_public_t *p) {
  page_head(b, "Ihr Bescheid in Leichter Sprache");
  lotse_buf_puts(b, "<h1>Ihr Bescheid in Leichter Sprache</h1>\n"
                    "<div class=\"hinweis\" role=\"note\" "
                    "aria-label=\"Wichtiger Hinweis\"><p><strong>Wichtig:"
                    "</strong> " EASY_NOTICE_DE "</p></div>\n");
  put_paragraphs(b, p->text);
  lotse_buf_puts(b, "<footer>\n<dl>\n<dt>Aktenzeichen vom Bescheid</dt>\n"
                    "<dd>");
  put_escaped(b, p->bescheid_ref, strlen(p->bescheid_ref));
  lotse_buf_puts(b, "</dd>\n<dt>Veröffentlicht am</dt>\n<dd>");
  put_date(b, p->published_at);
  lotse_buf_puts(b, "</dd>\n</dl>\n</footer>\n</main>\n</body>\n</html>\n");
}

static void page_notice(lotse_buf_t *b, const char *h1, const char *text) {
  page_head(b, h1);
  lotse_buf_printf(b, "<h1>%s</h1>\n%s</main>\n</body>\n</html>\n", h1, text);
}

/* ------------------------------------------------------------ reply */

/* Queue the page with the headers of a public capability address; as
 * server_reply_page, plus Referrer-Policy and X-Robots-Tag. */
static enum MHD_Result reply(http_req_t *r, unsigned status, lotse_buf_t *b) {
  pthread_once(&csp_once, csp_init);
  /* An append that failed (out of memory) leaves the page unfinished. */
  if (!b->data || b->len < 8 || strcmp(b->data + b->len - 8, "</html>\n")) {
    lotse_buf_release(b);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler");
  }
  size_t len = b->len;
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      len, lotse_buf_detach(b), MHD_RESPMEM_MUST_FREE);
  if (!resp ||
      MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, CT_HTML) !=
          MHD_YES ||
      MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") !=
          MHD_YES ||
      MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                              "no-store") != MHD_YES ||
      MHD_add_response_header(resp, "Content-Security-Policy", csp) !=
          MHD_YES ||
      MHD_add_response_header(resp, "Referrer-Policy", "no-referrer") !=
          MHD_YES ||
      MHD_add_response_header(resp, "X-Robots-Tag", "noindex") != MHD_YES) {
    if (resp) MHD_destroy_response(resp);
    return server_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
                              "Interner Fehler");
  }
  r->replied = 1;
  r->result = MHD_queue_response(r->conn, status, resp);
  MHD_destroy_response(resp);
  server_metrics_record(&r->srv->metrics, r->route, status,
                        lotse_now_mono() - r->t0);
  return r->result;
}

enum MHD_Result route_leicht(http_req_t *r) {
  const char *id = r->path + strlen(PREFIX);
  easy_public_t p;
  lotse_err_t err = {0};
  lotse_buf_t b;
  lotse_buf_init(&b, (size_t)8 << 20);
  if (easy_version_public(r->w->st, id, &p, &err)) {
    lotse_log(LOTSE_LOG_ERROR, "server: leicht: %s", err.msg);
    page_notice(&b, "Technischer Fehler",
                "<p>Die Seite kann gerade nicht angezeigt werden. Bitte "
                "versuchen Sie es später noch einmal.</p>\n");
    return reply(r, MHD_HTTP_INTERNAL_SERVER_ERROR, &b);
  }
  unsigned status = MHD_HTTP_OK;
  if (p.state == EASY_PUBLIC_ONLINE) {
    page_online(&b, &p);
  } else if (p.state == EASY_PUBLIC_WITHDRAWN) {
    status = MHD_HTTP_GONE;
    page_notice(&b, "Dieser Text ist nicht mehr da",
                "<div class=\"hinweis\" role=\"note\"><p>Das Amt hat diesen "
                "Text in Leichter Sprache zurück·gezogen.</p></div>\n"
                "<p>Rechtlich gilt nur der Bescheid.</p>\n"
                "<p>Haben Sie Fragen? Dann rufen Sie bitte beim Amt an. "
                "Die Telefon·nummer steht auf dem Bescheid.</p>\n");
  } else {
    status = MHD_HTTP_NOT_FOUND;
    page_notice(&b, "Diese Seite gibt es nicht",
                "<p>Unter dieser Adresse gibt es keinen Text.</p>\n"
                "<p>Bitte prüfen Sie die Adresse.</p>\n"
                "<p>Haben Sie Fragen? Dann rufen Sie bitte beim Amt an. "
                "Die Telefon·nummer steht auf dem Bescheid.</p>\n");
  }
  easy_public_release(&p);
  return reply(r, status, &b);
}

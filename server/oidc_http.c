/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/oidc_http.c — the few HTTP calls to the identity provider
 * (discovery, key set, token endpoint) through libcurl.
 *
 * Contract: only https:// URLs (http:// to a loopback host for tests), no
 * redirects followed, answers capped at OIDC_HTTP_MAX, 10 s time-out, TLS
 * peer and host verified (libcurl's defaults, never switched off).
 */
#include "server/oidc.h"

#include <curl/curl.h>

#include <stdlib.h>
#include <string.h>

static size_t on_data(char *p, size_t size, size_t n, void *ud) {
  lotse_buf_t *b = ud;
  return lotse_buf_append(b, p, size * n) == 0 ? size * n : 0;
}

static CURL *easy_new(const char *url, lotse_buf_t *b) {
  CURL *h = curl_easy_init();
  if (!h) return NULL;
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "lotse-oidc");
  return h;
}

static int perform(CURL *h, const char *url, lotse_buf_t *b, char **body,
                   size_t *len, long *status, lotse_err_t *err) {
  CURLcode cc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
  curl_easy_cleanup(h);
  if (cc != CURLE_OK) {
    lotse_buf_release(b);
    return lotse_err_set(err, LOTSE_EIO, "'%s': %s", url,
                         curl_easy_strerror(cc));
  }
  if (lotse_buf_putc(b, '\0')) {
    lotse_buf_release(b);
    return lotse_err_set(err, LOTSE_ETOOBIG, "'%s': answer too large", url);
  }
  *len = b->len - 1;
  *body = lotse_buf_detach(b);
  return 0;
}

int oidc_http_get(const char *url, char **body, size_t *len,
                  lotse_err_t *err) {
  *body = NULL;
  if (!oidc_url_allowed(url))
    return lotse_err_set(err, LOTSE_EINVAL, "'%s' is not https", url);
  lotse_buf_t b;
  lotse_buf_init(&b, OIDC_HTTP_MAX);
  CURL *h = easy_new(url, &b);
  if (!h) return lotse_err_set(err, LOTSE_ENOMEM, "curl init failed");
  long status = 0;
  int rc = perform(h, url, &b, body, len, &status, err);
  if (rc) return rc;
  if (status < 200 || status > 299) {
    free(*body);
    *body = NULL;
    return lotse_err_set(err, LOTSE_EIO, "'%s': status %ld", url, status);
  }
  return 0;
}

int oidc_http_post_form(const char *url, const char *client_id,
                        const char *secret, const char *form, char **body,
                        size_t *len, long *status, lotse_err_t *err) {
  *body = NULL;
  *status = 0;
  if (!oidc_url_allowed(url))
    return lotse_err_set(err, LOTSE_EINVAL, "'%s' is not https", url);
  lotse_buf_t b;
  lotse_buf_init(&b, OIDC_HTTP_MAX);
  CURL *h = easy_new(url, &b);
  if (!h) return lotse_err_set(err, LOTSE_ENOMEM, "curl init failed");
  char *id = NULL, *pw = NULL;
  if (secret && *secret) { /* RFC 6749 2.3.1: form-encode, then Basic */
    id = oidc_url_escape(client_id);
    pw = oidc_url_escape(secret);
    if (!id || !pw) {
      free(id);
      free(pw);
      curl_easy_cleanup(h);
      return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    }
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERNAME, id);
    curl_easy_setopt(h, CURLOPT_PASSWORD, pw);
  }
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
  int rc = perform(h, url, &b, body, len, status, err);
  free(id);
  free(pw);
  return rc;
}

char *oidc_url_escape(const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen(s);
  char *out = malloc(3 * n + 1), *o = out;
  if (!out) return NULL;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
        (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' ||
        *p == '~') {
      *o++ = (char)*p;
    } else {
      *o++ = '%';
      *o++ = hex[*p >> 4];
      *o++ = hex[*p & 15];
    }
  }
  *o = '\0';
  return out;
}

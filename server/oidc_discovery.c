/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/oidc_discovery.c — the provider's discovery document
 * (.well-known/openid-configuration) and which URLs we talk to.
 *
 * Contract: see server/oidc.h. The issuer in the document must equal the
 * configured one exactly (OpenID Connect Discovery 4.3), so a document
 * served by someone else cannot redirect logins or keys.
 */
#include "server/oidc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int oidc_url_allowed(const char *url) {
  static const char *const loop[] = {"127.0.0.1", "[::1]", "localhost"};
  if (!url) return 0;
  if (strncasecmp(url, "https://", 8) == 0) return url[8] != '\0';
  if (strncasecmp(url, "http://", 7) != 0) return 0;
  const char *h = url + 7;
  for (size_t i = 0; i < sizeof loop / sizeof loop[0]; i++) {
    size_t n = strlen(loop[i]);
    if (strncasecmp(h, loop[i], n) == 0 &&
        (h[n] == ':' || h[n] == '/' || h[n] == '\0'))
      return 1;
  }
  return 0;
}

static int take_url(json_t *doc, const char *key, char **out,
                    lotse_err_t *err) {
  const char *v = json_string_value(json_object_get(doc, key));
  if (!v || !oidc_url_allowed(v))
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "discovery: '%s' missing or not https", key);
  *out = lotse_strdup(v);
  return *out ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
}

static int s256_listed(json_t *doc) {
  json_t *m = json_object_get(doc, "code_challenge_methods_supported");
  if (!m) return 1; /* not advertised: Keycloak supports it anyway */
  size_t i;
  json_t *v;
  json_array_foreach(m, i, v) {
    if (json_is_string(v) && strcmp(json_string_value(v), "S256") == 0)
      return 1;
  }
  return 0;
}

int oidc_discovery_parse(const char *json, size_t n, const char *issuer,
                         oidc_provider_t *out, lotse_err_t *err) {
  memset(out, 0, sizeof *out);
  json_t *doc = json_loadb(json, n, 0, NULL);
  int rc;
  if (!json_is_object(doc)) {
    rc = lotse_err_set(err, LOTSE_ECORRUPT, "discovery: not a JSON object");
    goto out;
  }
  const char *iss = json_string_value(json_object_get(doc, "issuer"));
  if (!iss || !issuer || strcmp(iss, issuer) != 0) {
    rc = lotse_err_set(err, LOTSE_ECORRUPT,
                       "discovery: issuer '%s' is not the configured '%s'",
                       iss ? iss : "", issuer ? issuer : "");
    goto out;
  }
  if (!s256_listed(doc)) {
    rc = lotse_err_set(err, LOTSE_EUNSUPPORTED,
                       "discovery: provider does not offer PKCE S256");
    goto out;
  }
  out->issuer = lotse_strdup(iss);
  if (!out->issuer) {
    rc = lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
    goto out;
  }
  if ((rc = take_url(doc, "authorization_endpoint",
                     &out->authorization_endpoint, err)) ||
      (rc = take_url(doc, "token_endpoint", &out->token_endpoint, err)) ||
      (rc = take_url(doc, "jwks_uri", &out->jwks_uri, err)))
    goto out;
  if (json_object_get(doc, "end_session_endpoint") &&
      (rc = take_url(doc, "end_session_endpoint", &out->end_session_endpoint,
                     err)))
    goto out;
  rc = 0;
out:
  json_decref(doc);
  if (rc) oidc_provider_release(out);
  return rc;
}

void oidc_provider_release(oidc_provider_t *p) {
  if (!p) return;
  free(p->issuer);
  free(p->authorization_endpoint);
  free(p->token_endpoint);
  free(p->jwks_uri);
  free(p->end_session_endpoint);
  memset(p, 0, sizeof *p);
}

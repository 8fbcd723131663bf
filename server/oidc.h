/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/oidc.h — OpenID Connect login (authorization-code flow with PKCE)
 * against the county's identity provider (Keycloak): discovery, the JSON
 * Web Key Set, ID token (JWS) verification and the PKCE helpers.
 * Internal to server/; used by oidc.c (routes) and the unit tests.
 *
 * Contract:
 * - jwt_verify() accepts only RS256 and ES256 (never "none", never HMAC),
 *   and only with a key of the matching type from the key set; the header's
 *   kid picks the key. An unknown kid is JWT_UNKNOWN_KID, so the caller can
 *   fetch the key set again once (key rotation) and retry.
 * - Claims: iss must equal the issuer, aud must contain the client id (with
 *   several audiences azp must be the client id), exp and iat are required
 *   and checked with a leeway, nbf when present, the nonce must match.
 * - Every parser checks sizes and types and returns an error instead of
 *   trusting the provider's documents.
 * See also: server/jwt.c, server/oidc_flow.c, docs/operations/oidc.md.
 */
#ifndef LOTSE_SERVER_OIDC_H
#define LOTSE_SERVER_OIDC_H

#include "base/base.h"

#include "store/store.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- jwt.c */

/* Why a token was refused (jwt_verify's *why). */
typedef enum {
  JWT_OK = 0,
  JWT_MALFORMED,   /* not three base64url parts of JSON */
  JWT_BAD_ALG,     /* alg other than RS256/ES256, or not the key's type */
  JWT_UNKNOWN_KID, /* no key in the set for the header's kid */
  JWT_BAD_SIG,     /* the signature does not verify */
  JWT_BAD_ISS,
  JWT_BAD_AUD,
  JWT_EXPIRED,     /* exp (plus leeway) in the past */
  JWT_NOT_YET,     /* iat or nbf (minus leeway) in the future */
  JWT_BAD_NONCE,
  JWT_NREASONS
} jwt_reason_t;

/* German text for staff, e.g. "Die Signatur des ID-Tokens ist ungültig". */
const char *jwt_reason_de(jwt_reason_t why);

/* Decode base64url (no padding needed) into out (size cap n); the decoded
 * length goes to *len. LOTSE_ECORRUPT for bad characters, LOTSE_ETOOBIG
 * when it does not fit. */
int jwt_b64url_decode(const char *s, size_t slen, unsigned char *out,
                      size_t n, size_t *len);
/* Encode p (n bytes) as base64url without padding into out (size cap
 * outn, NUL-terminated). LOTSE_ETOOBIG when it does not fit. */
int jwt_b64url_encode(const unsigned char *p, size_t n, char *out,
                      size_t outn);

/* A parsed JSON Web Key Set (RSA and EC P-256 keys; others are skipped). */
typedef struct jwks jwks_t;

int jwks_parse(const char *json, size_t n, jwks_t **out, lotse_err_t *err);
void jwks_free(jwks_t *k); /* NULL is fine */
size_t jwks_count(const jwks_t *k);

typedef struct jwt_expect {
  const char *issuer;    /* required */
  const char *client_id; /* required: the audience */
  const char *nonce;     /* required: the value sent with the request */
  int64_t now;           /* unix seconds */
  int64_t leeway_s;      /* clock skew allowed on exp/iat/nbf */
} jwt_expect_t;

/* Verify the compact JWS token against keys and ex. On success 0 and
 * *claims holds the payload (caller json_decref). On failure LOTSE_EACCESS
 * (LOTSE_ECORRUPT for JWT_MALFORMED), *why says why, err has detail. */
int jwt_verify(const char *token, const jwks_t *keys, const jwt_expect_t *ex,
               json_t **claims, jwt_reason_t *why, lotse_err_t *err);

/* ----------------------------------------------------------- oidc_pkce.c */

#define OIDC_RANDOM_BUF 64 /* base64url of 32 bytes (43) + NUL, rounded */

/* 32 random bytes as base64url: PKCE verifier, state and nonce. */
int oidc_random_token(char out[OIDC_RANDOM_BUF], lotse_err_t *err);
/* The S256 code challenge of verifier (RFC 7636 4.2). */
int oidc_pkce_challenge(const char *verifier, char out[OIDC_RANDOM_BUF]);

/* ------------------------------------------------------ oidc_discovery.c */

typedef struct oidc_provider {
  char *issuer;
  char *authorization_endpoint;
  char *token_endpoint;
  char *jwks_uri;
  char *end_session_endpoint; /* NULL when the provider names none */
} oidc_provider_t;

/* Parse a .well-known/openid-configuration document; its issuer must equal
 * issuer (exactly), the endpoints must be https:// (or http:// on a
 * loopback host, for tests; end_session_endpoint is optional, RP-Initiated
 * Logout 1.0), and when the provider lists
 * code_challenge_methods_supported it must include S256. */
int oidc_discovery_parse(const char *json, size_t n, const char *issuer,
                         oidc_provider_t *out, lotse_err_t *err);
void oidc_provider_release(oidc_provider_t *p);

/* Whether url is https://, or http:// to 127.0.0.1, [::1] or localhost. */
int oidc_url_allowed(const char *url);

/* ----------------------------------------------------------- oidc_user.c */

#define OIDC_NAME_MAX 64

/* lotse.conf [oidc] (keys and defaults in docs/operations/oidc.md). */
typedef struct oidc_conf {
  const char *issuer;        /* oidc.issuer; NULL: OIDC login is off */
  const char *client_id;     /* oidc.client_id */
  const char *client_secret; /* oidc.client_secret */
  const char *redirect_uri;  /* oidc.redirect_uri (…/auth/oidc/callback) */
  const char *scopes;        /* oidc.scopes ("openid profile email") */
  const char *claim_user;    /* oidc.claim_user ("preferred_username") */
  const char *claim_display; /* oidc.claim_display ("name") */
  const char *claim_groups;  /* oidc.claim_groups ("groups"; "" off) */
  const char *claim_roles;   /* oidc.claim_roles ("roles"; "" off) */
  const char *claim_unit;    /* oidc.claim_unit ("unit"; "" off) */
  const char *role_map;      /* oidc.role_map "idp-role:lotse-role, …" */
  unsigned clearance;        /* oidc.clearance for new users ("offen") */
  int mfa;                   /* oidc.mfa: the provider enforces 2FA (off) */
  int64_t leeway_s;          /* oidc.leeway_seconds (60) */
  const char *label;         /* oidc.label: the login link's text */
  const char *post_logout_redirect_uri; /* oidc.post_logout_redirect_uri
                                           (NULL: the origin of
                                           redirect_uri + "/") */
} oidc_conf_t;

/* The [oidc] keys of conf (strings borrowed from conf). LOTSE_EINVAL for
 * an incomplete set (issuer without client_id or redirect_uri), a bad URL,
 * clearance or role_map, with the key named. */
int oidc_conf_load(const lotse_conf_t *conf, oidc_conf_t *o,
                   lotse_err_t *err);

/* Provision or update the user for verified claims from issuer: the
 * (issuer, sub) pair names the user once linked; otherwise the claim_user
 * value is the user name (a local user of that name is linked when it has
 * no other identity of this issuer). Display name, unit and groups follow
 * the claims; governance roles follow the role claim (granted and revoked,
 * through role_map when set). Writes the user name to user. LOTSE_EACCESS
 * (German message) when the claims name no usable user or the name is
 * linked to another subject. One transaction. */
int oidc_user_provision(store_t *st, const oidc_conf_t *o,
                        const char *issuer, json_t *claims, int64_t now,
                        char user[OIDC_NAME_MAX], lotse_err_t *err);

/* ----------------------------------------------------------- oidc_http.c */

#define OIDC_HTTP_MAX (256 * 1024) /* largest provider answer we read */

/* GET url (https, or http on loopback); 2xx body into *body (caller frees,
 * NUL-terminated). LOTSE_EIO on a transport error or another status. */
int oidc_http_get(const char *url, char **body, size_t *len,
                  lotse_err_t *err);
/* POST an application/x-www-form-urlencoded form to url with HTTP Basic
 * client authentication (client_secret_basic; none when secret is ""),
 * any status's body into *body and the status into *status. */
int oidc_http_post_form(const char *url, const char *client_id,
                        const char *secret, const char *form, char **body,
                        size_t *len, long *status, lotse_err_t *err);
/* s percent-encoded for a URL query or form (caller frees; NULL on OOM). */
char *oidc_url_escape(const char *s);

/* ---------------------------------------------- oidc.c (for route_login) */

struct http_req;
/* Whether single sign-on is configured, and the login link's text. */
int oidc_sso_enabled(const lotse_conf_t *conf, const char **label);
/* Remember the ID token a session was started with (its hint for the
 * provider's logout); sessions are named by cookie value id. */
void oidc_session_remember(const char *id, const char *id_token);
/* For the ending session with cookie value id: the provider's logout URL
 * (RP-Initiated Logout: id_token_hint when remembered, client_id,
 * post_logout_redirect_uri, state) into *url (caller frees), or NULL when
 * the provider has no end_session_endpoint or OIDC is off. Negative only
 * on out-of-memory; an unreachable provider means no URL (logged). */
int oidc_logout_url(struct http_req *r, const char *id, char **url);
/* Refuse a single-sign-on login: audit it (auth.login_failed, reason) and
 * queue a German HTML page with msg and a link back to the login. */
enum MHD_Result oidc_fail_page(struct http_req *r, unsigned status,
                               const char *reason, const char *msg);

#endif

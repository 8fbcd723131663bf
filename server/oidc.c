/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/oidc.c — the OpenID Connect login routes: GET /auth/oidc/login
 * sends the browser to the provider (authorization-code flow with PKCE
 * S256, state and nonce); GET /auth/oidc/callback exchanges the code,
 * verifies the ID token, provisions the user and starts a lotse session.
 *
 * Contract:
 * - Without oidc.issuer in lotse.conf both paths answer 404.
 * - A login attempt lives OIDC_PENDING_S seconds and works once: its state
 *   is kept here (with nonce and PKCE verifier, never sent to the browser
 *   except the state) and in the lotse_oidc cookie of the browser that
 *   started it, so a callback from another browser is refused.
 * - The discovery document is cached for OIDC_DISCOVERY_S; the key set is
 *   fetched again when a token names an unknown kid (key rotation), at most
 *   once per OIDC_JWKS_MIN_S.
 * Invariants: (1) the provider cache and the attempts are process-wide,
 * guarded by one mutex, which is held while a token is verified so the key
 * set cannot be replaced under it; (2) every refusal is a German message.
 * See also: server/oidc.h, docs/api/oidc.md, docs/operations/oidc.md.
 */
#include "server/oidc.h"
#include "server/server_internal.h"

#include <openssl/crypto.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define OIDC_PENDING_MAX 256
#define OIDC_PENDING_S 600
#define OIDC_DISCOVERY_S 3600
#define OIDC_JWKS_MIN_S 10
#define OIDC_COOKIE "lotse_oidc"
#define OIDC_IDT_MAX 1024   /* ID tokens kept as logout hints */
#define OIDC_IDT_BYTES 16384 /* longer ID tokens are not kept */
#define PAGE_CSP                                                            \
  "default-src 'none'; style-src 'self'; img-src 'self'; "                  \
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

typedef struct pending {
  char state[OIDC_RANDOM_BUF];
  char nonce[OIDC_RANDOM_BUF];
  char verifier[OIDC_RANDOM_BUF];
  char old_session[SESSION_ID_BUF]; /* the browser's session at the start */
  int64_t created; /* 0: free slot */
} pending_t;

/* The ID token a live session was started with, by the session id's
 * SHA-256 (kept in memory only: after a restart the logout goes without
 * id_token_hint, with client_id alone). */
typedef struct idt_entry {
  char hash[65];
  char *token;
  int64_t at; /* 0: free */
} idt_entry_t;

static struct {
  pthread_mutex_t lock;
  char *issuer;            /* the issuer prov and keys belong to */
  oidc_provider_t prov;
  int64_t prov_at;
  jwks_t *keys;
  int64_t keys_at;
  pending_t pend[OIDC_PENDING_MAX];
  idt_entry_t idt[OIDC_IDT_MAX];
} G = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* ---------------------------------------------------- provider cache */

/* Fill G.prov for issuer (held lock). */
static int provider_locked(const char *issuer, int64_t now,
                           lotse_err_t *err) {
  if (G.issuer && strcmp(G.issuer, issuer) == 0 && G.prov.issuer &&
      now - G.prov_at < OIDC_DISCOVERY_S)
    return 0;
  char url[2048], *body = NULL;
  size_t len;
  size_t il = strlen(issuer);
  snprintf(url, sizeof url, "%s%s.well-known/openid-configuration", issuer,
           il && issuer[il - 1] == '/' ? "" : "/");
  int rc = oidc_http_get(url, &body, &len, err);
  oidc_provider_t p;
  if (!rc) rc = oidc_discovery_parse(body, len, issuer, &p, err);
  free(body);
  if (rc) return rc;
  if (!G.issuer || strcmp(G.issuer, issuer) != 0) {
    jwks_free(G.keys);
    G.keys = NULL;
    G.keys_at = 0;
    free(G.issuer);
    G.issuer = lotse_strdup(issuer);
  }
  oidc_provider_release(&G.prov);
  G.prov = p;
  G.prov_at = now;
  return G.issuer ? 0 : lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
}

/* Fetch the key set again (held lock); force: after an unknown kid. */
static int keys_locked(int force, int64_t now, lotse_err_t *err) {
  if (G.keys && (!force || now - G.keys_at < OIDC_JWKS_MIN_S)) return 0;
  char *body = NULL;
  size_t len;
  jwks_t *k = NULL;
  int rc = oidc_http_get(G.prov.jwks_uri, &body, &len, err);
  if (!rc) rc = jwks_parse(body, len, &k, err);
  free(body);
  if (rc) return rc;
  jwks_free(G.keys);
  G.keys = k;
  G.keys_at = now;
  return 0;
}

/* --------------------------------------------------------- attempts */

static int pending_add(const pending_t *p) {
  pending_t *slot = &G.pend[0];
  for (size_t i = 0; i < OIDC_PENDING_MAX; i++) {
    pending_t *q = &G.pend[i];
    if (!q->created || p->created - q->created > OIDC_PENDING_S) {
      slot = q;
      break;
    }
    if (q->created < slot->created) slot = q; /* evict the oldest */
  }
  *slot = *p;
  return 0;
}

/* Take (and forget) the attempt with state; 0 or LOTSE_ENOTFOUND. */
static int pending_take(const char *state, int64_t now, pending_t *out) {
  size_t n = strlen(state);
  if (n != 43) return LOTSE_ENOTFOUND;
  for (size_t i = 0; i < OIDC_PENDING_MAX; i++) {
    pending_t *q = &G.pend[i];
    if (!q->created || CRYPTO_memcmp(q->state, state, 44) != 0) continue;
    int live = now - q->created <= OIDC_PENDING_S;
    *out = *q;
    memset(q, 0, sizeof *q);
    return live ? 0 : LOTSE_ENOTFOUND;
  }
  return LOTSE_ENOTFOUND;
}

/* ---------------------------------------------------------- replies */

static int cookie_secure(const http_req_t *r) {
  return lotse_conf_get_bool(r->srv->o.conf, "auth.cookie_secure", 1);
}

static enum MHD_Result reply_redirect(http_req_t *r, const char *location,
                                      const char *cookie) {
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  if (!resp) return server_reply_error(r, 500, "Interner Fehler");
  if (MHD_add_response_header(resp, "Location", location) != MHD_YES ||
      (cookie && MHD_add_response_header(resp, "Set-Cookie", cookie) !=
                     MHD_YES)) {
    MHD_destroy_response(resp);
    return server_reply_error(r, 500, "Interner Fehler");
  }
  return server_reply_response(r, MHD_HTTP_FOUND, "text/plain; charset=utf-8",
                               resp);
}

static int html_escape(lotse_buf_t *b, const char *s) {
  int rc = 0;
  for (; *s && !rc; s++) {
    switch (*s) {
    case '&': rc = lotse_buf_puts(b, "&amp;"); break;
    case '<': rc = lotse_buf_puts(b, "&lt;"); break;
    case '>': rc = lotse_buf_puts(b, "&gt;"); break;
    case '"': rc = lotse_buf_puts(b, "&quot;"); break;
    default: rc = lotse_buf_putc(b, *s);
    }
  }
  return rc;
}

/* A refused single sign-on: audited (reason, no user name: none is known
 * yet, or it was not accepted), answered with a German page that leads
 * back to the login, since the browser came here by navigation and would
 * show JSON as raw text. The status stays 4xx/5xx. */
enum MHD_Result oidc_fail_page(struct http_req *r, unsigned status,
                               const char *reason, const char *msg) {
  char client[64];
  server_client_addr(r, client, sizeof client);
  login_event_t ev = {.kind = LOGIN_EVENT_FAILURE, .method = "oidc",
                      .reason = reason, .client = client};
  lotse_err_t err = {0};
  if (r->w && login_audit(r->w->st, &ev, &err))
    lotse_log(LOTSE_LOG_ERROR, "oidc: audit: %s", err.msg);
  lotse_buf_t b;
  lotse_buf_init(&b, 64 * 1024);
  int rc = lotse_buf_puts(
      &b, "<!doctype html>\n<html lang=\"de\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\"><title>Anmeldung fehlgeschlagen – lotse</title>"
          "<link rel=\"stylesheet\" href=\"/web/app.css\"></head>\n<body>"
          "<main id=\"main\"><h1>Anmeldung fehlgeschlagen</h1>\n"
          "<p role=\"alert\">");
  if (!rc) rc = html_escape(&b, msg);
  if (!rc)
    rc = lotse_buf_puts(
        &b, "</p>\n<p><a href=\"/#/anmelden\">Zurück zur Anmeldung</a></p>"
            "</main></body></html>\n");
  size_t len = b.len;
  char *body = rc ? NULL : lotse_buf_detach(&b);
  lotse_buf_release(&b);
  if (!body) return server_reply_error(r, 500, "Interner Fehler");
  return server_reply_page(r, status, "text/html; charset=utf-8", PAGE_CSP,
                           body, len);
}

static int conf_or_reply(http_req_t *r, oidc_conf_t *o) {
  lotse_err_t err;
  if (oidc_conf_load(r->srv->o.conf, o, &err) != 0) {
    lotse_log(LOTSE_LOG_ERROR, "oidc: %s", err.msg);
    server_reply_error(r, 500, "Die OIDC-Anmeldung ist falsch eingerichtet");
    return -1;
  }
  if (!o->issuer) {
    server_reply_error(r, 404, "Die OIDC-Anmeldung ist nicht eingerichtet");
    return -1;
  }
  return 0;
}

/* --------------------------------------------------------- /login */

static int login_url(const oidc_conf_t *o, const char *endpoint,
                     const pending_t *p, lotse_buf_t *url) {
  char ch[OIDC_RANDOM_BUF];
  char *cid = oidc_url_escape(o->client_id);
  char *ru = oidc_url_escape(o->redirect_uri);
  char *sc = oidc_url_escape(o->scopes);
  int rc = oidc_pkce_challenge(p->verifier, ch);
  if (!cid || !ru || !sc) rc = LOTSE_ENOMEM;
  if (!rc)
    rc = lotse_buf_printf(url,
                          "%s%cresponse_type=code&client_id=%s&"
                          "redirect_uri=%s&scope=%s&state=%s&nonce=%s&"
                          "code_challenge=%s&code_challenge_method=S256",
                          endpoint, strchr(endpoint, '?') ? '&' : '?', cid,
                          ru, sc, p->state, p->nonce, ch);
  free(cid);
  free(ru);
  free(sc);
  return rc;
}

static enum MHD_Result oidc_login(http_req_t *r, const oidc_conf_t *o) {
  lotse_err_t err;
  pending_t p = {.created = lotse_now_unix()};
  if (oidc_random_token(p.state, &err) || oidc_random_token(p.nonce, &err) ||
      oidc_random_token(p.verifier, &err))
    return server_reply_error(r, 500, "Interner Fehler");
  /* The session cookie is SameSite=Strict: the provider's redirect back
   * does not carry it, so the session to end is noted here. */
  const char *hdr = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_COOKIE);
  if (!hdr || session_cookie_find(hdr, SESSION_COOKIE, p.old_session,
                                  sizeof p.old_session))
    p.old_session[0] = 0;
  lotse_buf_t url;
  lotse_buf_init(&url, 16384);
  pthread_mutex_lock(&G.lock);
  int rc = provider_locked(o->issuer, p.created, &err);
  if (!rc) rc = login_url(o, G.prov.authorization_endpoint, &p, &url);
  if (!rc) pending_add(&p);
  pthread_mutex_unlock(&G.lock);
  if (rc) {
    lotse_buf_release(&url);
    lotse_log(LOTSE_LOG_WARN, "oidc: %s", err.msg);
    return oidc_fail_page(r, 502, "provider_unreachable",
                     "Der Identitätsanbieter ist nicht erreichbar; bitte "
                     "später erneut versuchen");
  }
  char cookie[256];
  snprintf(cookie, sizeof cookie,
           OIDC_COOKIE "=%s; HttpOnly; SameSite=Lax; Path=/auth/oidc/; "
                       "Max-Age=%d%s",
           p.state, OIDC_PENDING_S, cookie_secure(r) ? "; Secure" : "");
  enum MHD_Result res = reply_redirect(r, url.data, cookie);
  lotse_buf_release(&url);
  return res;
}

/* ------------------------------------------------------ /callback */

static const char *arg(http_req_t *r, const char *name) {
  return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* The ID token from the token endpoint for code (caller frees). */
static int redeem_code(const oidc_conf_t *o, const char *token_url,
                       const char *code, const pending_t *p, char **idt,
                       lotse_err_t *err) {
  lotse_buf_t form;
  lotse_buf_init(&form, 16384);
  char *c = oidc_url_escape(code), *ru = oidc_url_escape(o->redirect_uri);
  char *cid = oidc_url_escape(o->client_id);
  int rc = c && ru && cid ? 0 : LOTSE_ENOMEM;
  if (!rc)
    rc = lotse_buf_printf(&form,
                          "grant_type=authorization_code&code=%s&"
                          "redirect_uri=%s&client_id=%s&code_verifier=%s",
                          c, ru, cid, p->verifier);
  free(c);
  free(ru);
  free(cid);
  char *body = NULL;
  size_t len = 0;
  long status = 0;
  if (!rc)
    rc = oidc_http_post_form(token_url, o->client_id, o->client_secret,
                             form.data, &body, &len, &status, err);
  lotse_buf_release(&form);
  if (rc) return rc;
  json_t *j = json_loadb(body, len, 0, NULL);
  free(body);
  const char *t = json_string_value(json_object_get(j, "id_token"));
  if (status == 200 && t) *idt = lotse_strdup(t);
  else rc = lotse_err_set(err, LOTSE_EACCESS, "token endpoint: status %ld",
                          status);
  json_decref(j);
  if (!rc && !*idt) rc = LOTSE_ENOMEM;
  return rc;
}

/* Verify idt (held lock), fetching the key set again for an unknown kid. */
static int verify_locked(const oidc_conf_t *o, const char *idt,
                         const pending_t *p, json_t **claims,
                         jwt_reason_t *why, lotse_err_t *err) {
  int64_t now = lotse_now_unix();
  jwt_expect_t ex = {o->issuer, o->client_id, p->nonce, now, o->leeway_s};
  int rc = keys_locked(0, now, err);
  if (rc) return rc;
  rc = jwt_verify(idt, G.keys, &ex, claims, why, err);
  if (rc && *why == JWT_UNKNOWN_KID && keys_locked(1, now, err) == 0)
    rc = jwt_verify(idt, G.keys, &ex, claims, why, err);
  return rc;
}

static int amr_mfa(json_t *claims) {
  static const char *const strong[] = {"mfa", "otp", "hwk", "swk", "sms"};
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(claims, "amr"), i, v) {
    for (size_t k = 0; k < sizeof strong / sizeof strong[0]; k++)
      if (json_is_string(v) && strcmp(json_string_value(v), strong[k]) == 0)
        return 1;
  }
  return 0;
}

/* The attempt named by the callback's state and this browser's cookie. */
static int attempt_or_reply(http_req_t *r, const oidc_conf_t *o,
                            pending_t *p) {
  const char *state = arg(r, "state"), *iss = arg(r, "iss");
  const char *hdr = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                "Cookie");
  char cookie[OIDC_RANDOM_BUF];
  int rc = LOTSE_ENOTFOUND;
  if (state && hdr &&
      session_cookie_find(hdr, OIDC_COOKIE, cookie, sizeof cookie) == 0 &&
      strcmp(cookie, state) == 0) {
    pthread_mutex_lock(&G.lock);
    rc = pending_take(state, lotse_now_unix(), p);
    pthread_mutex_unlock(&G.lock);
  }
  if (rc) {
    oidc_fail_page(r, 400, "bad_state",
              "Der Anmeldevorgang ist unbekannt oder abgelaufen; bitte "
              "erneut anmelden");
    return -1;
  }
  if (iss && strcmp(iss, o->issuer) != 0) { /* RFC 9207 mix-up defence */
    oidc_fail_page(r, 400, "wrong_issuer",
              "Die Antwort stammt nicht vom konfigurierten "
              "Identitätsanbieter");
    return -1;
  }
  if (arg(r, "error") || !arg(r, "code")) {
    oidc_fail_page(r, 401, "provider_refused",
              "Die Anmeldung beim Identitätsanbieter wurde abgebrochen oder "
              "abgelehnt");
    return -1;
  }
  return 0;
}

static enum MHD_Result oidc_callback(http_req_t *r, const oidc_conf_t *o) {
  pending_t p;
  if (attempt_or_reply(r, o, &p)) return r->result;
  lotse_err_t err = {0};
  char *idt = NULL, token_url[2048] = "";
  pthread_mutex_lock(&G.lock);
  int rc = provider_locked(o->issuer, lotse_now_unix(), &err);
  if (!rc) snprintf(token_url, sizeof token_url, "%s", G.prov.token_endpoint);
  pthread_mutex_unlock(&G.lock);
  if (!rc) rc = redeem_code(o, token_url, arg(r, "code"), &p, &idt, &err);
  if (rc) {
    lotse_log(LOTSE_LOG_WARN, "oidc: %s", err.msg);
    return oidc_fail_page(r, 502, "code_not_redeemed",
                     "Der Identitätsanbieter hat den Anmeldecode nicht "
                     "bestätigt");
  }
  json_t *claims = NULL;
  jwt_reason_t why = JWT_OK;
  pthread_mutex_lock(&G.lock);
  rc = verify_locked(o, idt, &p, &claims, &why, &err);
  pthread_mutex_unlock(&G.lock);
  if (rc) {
    free(idt);
    lotse_log(LOTSE_LOG_WARN, "oidc: %s", err.msg);
    if (why == JWT_OK)
      return oidc_fail_page(r, 502, "keys_unavailable",
                       "Die Schlüssel des Identitätsanbieters sind nicht "
                       "abrufbar");
    return oidc_fail_page(r, 401, "bad_token", jwt_reason_de(why));
  }
  char user[OIDC_NAME_MAX];
  rc = oidc_user_provision(r->w->st, o, o->issuer, claims, lotse_now_unix(),
                           user, &err);
  int mfa = o->mfa || amr_mfa(claims);
  json_decref(claims);
  if (rc) {
    free(idt);
    if (rc == LOTSE_EACCESS) return oidc_fail_page(r, 403, "account_refused",
                                              err.msg);
    lotse_log(LOTSE_LOG_ERROR, "oidc: %s", err.msg);
    return oidc_fail_page(r, 500, "provision_failed",
                     "Das Benutzerkonto konnte nicht angelegt werden");
  }
  /* End the session this browser had when the attempt began. */
  if (p.old_session[0] && session_destroy(r->w->st, p.old_session, &err))
    lotse_log(LOTSE_LOG_ERROR, "oidc: %s", err.msg);
  enum MHD_Result res =
      server_session_login_reply(r, user, mfa, "oidc", "/", idt);
  free(idt);
  return res;
}

/* ------------------------------------------------ sessions, logout */

int oidc_sso_enabled(const lotse_conf_t *conf, const char **label) {
  oidc_conf_t o;
  lotse_err_t err;
  *label = NULL;
  if (oidc_conf_load(conf, &o, &err) || !o.issuer) return 0;
  *label = o.label;
  return 1;
}

void oidc_session_remember(const char *id, const char *id_token) {
  if (!id || !id_token || strlen(id_token) > OIDC_IDT_BYTES) return;
  char hash[65];
  lotse_sha256_hex(id, strlen(id), hash);
  char *copy = lotse_strdup(id_token);
  if (!copy) return;
  int64_t now = lotse_now_unix();
  pthread_mutex_lock(&G.lock);
  idt_entry_t *slot = &G.idt[0];
  for (size_t i = 0; i < OIDC_IDT_MAX; i++) {
    idt_entry_t *e = &G.idt[i];
    if (!e->at) {
      slot = e;
      break;
    }
    if (e->at < slot->at) slot = e; /* evict the oldest */
  }
  free(slot->token);
  memcpy(slot->hash, hash, sizeof hash);
  slot->token = copy;
  slot->at = now;
  pthread_mutex_unlock(&G.lock);
}

/* Take (and forget) the ID token of session id; NULL when not kept. */
static char *idt_take(const char *id) {
  char hash[65];
  lotse_sha256_hex(id, strlen(id), hash);
  char *t = NULL;
  pthread_mutex_lock(&G.lock);
  for (size_t i = 0; i < OIDC_IDT_MAX && !t; i++) {
    idt_entry_t *e = &G.idt[i];
    if (e->at && strcmp(e->hash, hash) == 0) {
      t = e->token;
      memset(e, 0, sizeof *e);
    }
  }
  pthread_mutex_unlock(&G.lock);
  return t;
}

/* oidc.post_logout_redirect_uri, or the origin of redirect_uri + "/". */
static char *post_logout_uri(const oidc_conf_t *o) {
  if (o->post_logout_redirect_uri)
    return lotse_strdup(o->post_logout_redirect_uri);
  const char *u = o->redirect_uri, *host = strstr(u, "://");
  if (!host) return NULL;
  const char *end = strchr(host + 3, '/');
  size_t n = end ? (size_t)(end - u) : strlen(u);
  char *out = malloc(n + 2);
  if (!out) return NULL;
  memcpy(out, u, n);
  out[n] = '/';
  out[n + 1] = 0;
  return out;
}

static int logout_query(const oidc_conf_t *o, const char *endpoint,
                        const char *idt, lotse_buf_t *url,
                        lotse_err_t *err) {
  char state[OIDC_RANDOM_BUF];
  char *pl = post_logout_uri(o);
  char *plq = pl ? oidc_url_escape(pl) : NULL;
  char *cid = oidc_url_escape(o->client_id);
  int rc = plq && cid ? oidc_random_token(state, err) : LOTSE_ENOMEM;
  if (!rc)
    rc = lotse_buf_printf(url,
                          "%s%cclient_id=%s&post_logout_redirect_uri=%s&"
                          "state=%s",
                          endpoint, strchr(endpoint, '?') ? '&' : '?', cid,
                          plq, state);
  if (!rc && idt) rc = lotse_buf_printf(url, "&id_token_hint=%s", idt);
  free(pl);
  free(plq);
  free(cid);
  return rc;
}

int oidc_logout_url(struct http_req *r, const char *id, char **url) {
  *url = NULL;
  oidc_conf_t o;
  lotse_err_t err = {0};
  if (oidc_conf_load(r->srv->o.conf, &o, &err) || !o.issuer) return 0;
  char *idt = id ? idt_take(id) : NULL;
  char endpoint[2048] = "";
  pthread_mutex_lock(&G.lock);
  int rc = provider_locked(o.issuer, lotse_now_unix(), &err);
  if (!rc && G.prov.end_session_endpoint)
    snprintf(endpoint, sizeof endpoint, "%s", G.prov.end_session_endpoint);
  pthread_mutex_unlock(&G.lock);
  if (rc || !endpoint[0]) {
    if (rc) lotse_log(LOTSE_LOG_WARN, "oidc: logout: %s", err.msg);
    free(idt);
    return 0;
  }
  lotse_buf_t b;
  lotse_buf_init(&b, 64 * 1024);
  rc = logout_query(&o, endpoint, idt, &b, &err);
  free(idt);
  if (rc) {
    lotse_buf_release(&b);
    return LOTSE_ENOMEM;
  }
  *url = lotse_buf_detach(&b);
  return *url ? 0 : LOTSE_ENOMEM;
}

/* ----------------------------------------------------------- route */

enum MHD_Result route_oidc(http_req_t *r) {
  oidc_conf_t o;
  if (conf_or_reply(r, &o)) return r->result;
  if (strcmp(r->path, "/auth/oidc/login") == 0) return oidc_login(r, &o);
  if (strcmp(r->path, "/auth/oidc/callback") == 0)
    return oidc_callback(r, &o);
  return server_reply_error(r, 404, "Nicht gefunden");
}

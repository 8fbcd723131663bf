/* SPDX-License-Identifier: EUPL-1.2
 *
 * tests/unit/server/test_jwt.c — ID token verification (server/jwt.c),
 * PKCE (server/oidc_pkce.c) and discovery (server/oidc_discovery.c).
 * Keys are generated per run with OpenSSL and tokens signed here, so every
 * check runs against a real signature.
 */
#include "testutil.h"

#include "server/oidc.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#define NOW 1800000000LL

static EVP_PKEY *g_rsa, *g_rsa2, *g_ec;

/* ------------------------------------------------------------ helpers */

static void b64(const unsigned char *p, size_t n, char *out, size_t outn) {
  assert_int_equal(jwt_b64url_encode(p, n, out, outn), 0);
}

static void bn_b64(EVP_PKEY *k, const char *name, char *out, size_t outn,
                   size_t pad) {
  BIGNUM *bn = NULL;
  unsigned char buf[512];
  assert_int_equal(EVP_PKEY_get_bn_param(k, name, &bn), 1);
  size_t n = pad ? pad : (size_t)BN_num_bytes(bn);
  assert_true(BN_bn2binpad(bn, buf, (int)n) > 0);
  BN_free(bn);
  b64(buf, n, out, outn);
}

static json_t *jwk_of(EVP_PKEY *k, const char *kid) {
  char a[1024], b[1024];
  if (EVP_PKEY_is_a(k, "RSA")) {
    bn_b64(k, OSSL_PKEY_PARAM_RSA_N, a, sizeof a, 0);
    bn_b64(k, OSSL_PKEY_PARAM_RSA_E, b, sizeof b, 0);
    return json_pack("{s:s,s:s,s:s,s:s,s:s}", "kty", "RSA", "kid", kid,
                     "use", "sig", "n", a, "e", b);
  }
  bn_b64(k, OSSL_PKEY_PARAM_EC_PUB_X, a, sizeof a, 32);
  bn_b64(k, OSSL_PKEY_PARAM_EC_PUB_Y, b, sizeof b, 32);
  return json_pack("{s:s,s:s,s:s,s:s,s:s}", "kty", "EC", "kid", kid, "crv",
                   "P-256", "x", a, "y", b);
}

static jwks_t *keyset(EVP_PKEY *k1, const char *kid1, EVP_PKEY *k2,
                      const char *kid2) {
  json_t *arr = json_array();
  json_array_append_new(arr, jwk_of(k1, kid1));
  if (k2) json_array_append_new(arr, jwk_of(k2, kid2));
  json_t *root = json_pack("{s:o}", "keys", arr);
  char *s = json_dumps(root, 0);
  json_decref(root);
  jwks_t *ks = NULL;
  lotse_err_t err;
  assert_int_equal(jwks_parse(s, strlen(s), &ks, &err), 0);
  free(s);
  return ks;
}

/* header.payload.signature, signed with k (ES256 as raw r||s). */
static char *sign(EVP_PKEY *k, json_t *hdr, json_t *claims) {
  char *h = json_dumps(hdr, JSON_COMPACT), *c = json_dumps(claims,
                                                           JSON_COMPACT);
  static char tok[8192];
  char hb[2048], cb[4096], sb[1024];
  b64((unsigned char *)h, strlen(h), hb, sizeof hb);
  b64((unsigned char *)c, strlen(c), cb, sizeof cb);
  free(h);
  free(c);
  snprintf(tok, sizeof tok, "%s.%s", hb, cb);
  unsigned char sig[512];
  size_t sl = sizeof sig;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
  assert_int_equal(EVP_DigestSign(md, sig, &sl, (unsigned char *)tok,
                                  strlen(tok)), 1);
  EVP_MD_CTX_free(md);
  if (EVP_PKEY_is_a(k, "EC")) {
    const unsigned char *p = sig;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)sl);
    assert_non_null(es);
    BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32);
    ECDSA_SIG_free(es);
    sl = 64;
  }
  b64(sig, sl, sb, sizeof sb);
  size_t n = strlen(tok);
  snprintf(tok + n, sizeof tok - n, ".%s", sb);
  json_decref(hdr);
  json_decref(claims);
  return tok;
}

static json_t *claims_std(void) {
  return json_pack("{s:s,s:s,s:s,s:I,s:I,s:s,s:[s,s]}", "iss",
                   "https://idp.example/realms/kreis", "sub", "u-123", "aud",
                   "lotse", "exp", (json_int_t)(NOW + 300), "iat",
                   (json_int_t)(NOW - 10), "nonce", "n-abc", "groups", "a",
                   "b");
}

static json_t *hdr(const char *alg, const char *kid) {
  return json_pack("{s:s,s:s}", "alg", alg, "kid", kid);
}

static jwt_expect_t expect(void) {
  jwt_expect_t ex = {"https://idp.example/realms/kreis", "lotse", "n-abc",
                     NOW, 60};
  return ex;
}

static jwt_reason_t verify(const char *tok, const jwks_t *ks) {
  jwt_expect_t ex = expect();
  json_t *c = NULL;
  jwt_reason_t why = JWT_NREASONS;
  lotse_err_t err;
  int rc = jwt_verify(tok, ks, &ex, &c, &why, &err);
  if (rc == 0) {
    assert_int_equal(why, JWT_OK);
    assert_string_equal(json_string_value(json_object_get(c, "sub")),
                        "u-123");
    json_decref(c);
  } else {
    assert_null(c);
    assert_int_not_equal(why, JWT_OK);
  }
  return why;
}

/* -------------------------------------------------------------- tests */

static void test_rs256_ok_and_claims(void **state) {
  (void)state;
  jwks_t *ks = keyset(g_rsa, "r1", g_ec, "e1");
  assert_int_equal(jwks_count(ks), 2);
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r1"), claims_std()), ks),
                   JWT_OK);
  assert_int_equal(verify(sign(g_ec, hdr("ES256", "e1"), claims_std()), ks),
                   JWT_OK);
  /* audience as array with azp */
  json_t *c = claims_std();
  json_object_set_new(c, "aud", json_pack("[s,s]", "lotse", "other"));
  json_object_set_new(c, "azp", json_string("lotse"));
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r1"), c), ks), JWT_OK);
  jwks_free(ks);
}

static void test_tampered_and_wrong_key(void **state) {
  (void)state;
  jwks_t *ks = keyset(g_rsa, "r1", g_ec, "e1");
  char *tok = sign(g_rsa, hdr("RS256", "r1"), claims_std());
  /* flip one character of the payload */
  char *p = strchr(tok, '.') + 5;
  *p = *p == 'A' ? 'B' : 'A';
  assert_int_equal(verify(tok, ks), JWT_BAD_SIG);
  /* signed by another RSA key under the known kid */
  assert_int_equal(verify(sign(g_rsa2, hdr("RS256", "r1"), claims_std()),
                          ks),
                   JWT_BAD_SIG);
  /* unknown kid (the provider rotated its keys) */
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r9"), claims_std()), ks),
                   JWT_UNKNOWN_KID);
  /* RS256 header naming the EC key's kid: no RSA key with that kid */
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "e1"), claims_std()), ks),
                   JWT_UNKNOWN_KID);
  jwks_free(ks);
}

static void test_alg_refused(void **state) {
  (void)state;
  jwks_t *ks = keyset(g_rsa, "r1", NULL, NULL);
  char *tok = sign(g_rsa, hdr("HS256", "r1"), claims_std());
  assert_int_equal(verify(tok, ks), JWT_BAD_ALG);
  /* alg none with an empty signature */
  char buf[8192];
  snprintf(buf, sizeof buf, "%s", sign(g_rsa, hdr("none", "r1"),
                                       claims_std()));
  *(strrchr(buf, '.') + 1) = '\0';
  assert_int_equal(verify(buf, ks), JWT_BAD_ALG);
  assert_int_equal(verify("abc", ks), JWT_MALFORMED);
  assert_int_equal(verify("a.b.c.d", ks), JWT_MALFORMED);
  assert_int_equal(verify("!!.e30.e30", ks), JWT_MALFORMED);
  jwks_free(ks);
}

static void test_claims_refused(void **state) {
  (void)state;
  jwks_t *ks = keyset(g_rsa, "r1", NULL, NULL);
  json_t *c = claims_std();
  json_object_set_new(c, "aud", json_string("someone-else"));
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r1"), c), ks),
                   JWT_BAD_AUD);
  c = claims_std();
  json_object_set_new(c, "aud", json_pack("[s,s]", "lotse", "other"));
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r1"), c), ks),
                   JWT_BAD_AUD); /* several audiences without azp */
  c = claims_std();
  json_object_set_new(c, "iss", json_string("https://evil.example"));
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r1"), c), ks),
                   JWT_BAD_ISS);
  c = claims_std();
  json_object_set_new(c, "exp", json_integer(NOW - 61));
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r1"), c), ks),
                   JWT_EXPIRED);
  c = claims_std();
  json_object_set_new(c, "exp", json_integer(NOW - 30)); /* within leeway */
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r1"), c), ks), JWT_OK);
  c = claims_std();
  json_object_set_new(c, "iat", json_integer(NOW + 120));
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r1"), c), ks),
                   JWT_NOT_YET);
  c = claims_std();
  json_object_set_new(c, "nonce", json_string("n-other"));
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r1"), c), ks),
                   JWT_BAD_NONCE);
  c = claims_std();
  json_object_del(c, "nonce");
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r1"), c), ks),
                   JWT_BAD_NONCE);
  c = claims_std();
  json_object_del(c, "exp");
  assert_int_equal(verify(sign(g_rsa, hdr("RS256", "r1"), c), ks),
                   JWT_MALFORMED);
  assert_string_equal(jwt_reason_de(JWT_EXPIRED),
                      "Das ID-Token ist abgelaufen");
  jwks_free(ks);
}

static void test_jwks_parse(void **state) {
  (void)state;
  jwks_t *ks = NULL;
  lotse_err_t err;
  assert_int_equal(jwks_parse("[]", 2, &ks, &err), LOTSE_ECORRUPT);
  assert_null(ks);
  const char *odd = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"},"
                    "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
                    "{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\"},7]}";
  assert_int_equal(jwks_parse(odd, strlen(odd), &ks, &err), 0);
  assert_int_equal(jwks_count(ks), 0); /* HMAC, weak RSA, P-384 skipped */
  jwks_free(ks);
  jwks_free(NULL);
}

static void test_b64url(void **state) {
  (void)state;
  unsigned char out[16];
  size_t n;
  char enc[32];
  assert_int_equal(jwt_b64url_decode("_-8", 3, out, sizeof out, &n), 0);
  assert_int_equal(n, 2);
  assert_int_equal(out[0], 0xff);
  assert_int_equal(out[1], 0xef);
  b64(out, n, enc, sizeof enc);
  assert_string_equal(enc, "_-8");
  assert_int_equal(jwt_b64url_decode("a+b=", 4, out, sizeof out, &n),
                   LOTSE_ECORRUPT);
  assert_int_equal(jwt_b64url_decode("AAAAAAAAAAAAAAAAAAAAAAAA", 24, out, 4,
                                     &n),
                   LOTSE_ETOOBIG);
  assert_int_equal(jwt_b64url_encode(out, 16, enc, 4), LOTSE_ETOOBIG);
}

static void test_pkce(void **state) {
  (void)state;
  char ch[OIDC_RANDOM_BUF], a[OIDC_RANDOM_BUF], b[OIDC_RANDOM_BUF];
  /* RFC 7636 appendix B */
  assert_int_equal(
      oidc_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", ch),
      0);
  assert_string_equal(ch, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  assert_int_equal(oidc_pkce_challenge("short", ch), LOTSE_EINVAL);
  lotse_err_t err;
  assert_int_equal(oidc_random_token(a, &err), 0);
  assert_int_equal(oidc_random_token(b, &err), 0);
  assert_int_equal(strlen(a), 43);
  assert_string_not_equal(a, b);
}

static void test_discovery(void **state) {
  (void)state;
  const char *iss = "https://idp.example/realms/kreis";
  char doc[1024];
  snprintf(doc, sizeof doc,
           "{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/auth\","
           "\"token_endpoint\":\"%s/token\",\"jwks_uri\":\"%s/certs\","
           "\"code_challenge_methods_supported\":[\"plain\",\"S256\"]}",
           iss, iss, iss, iss);
  oidc_provider_t p;
  lotse_err_t err;
  assert_int_equal(oidc_discovery_parse(doc, strlen(doc), iss, &p, &err), 0);
  assert_string_equal(p.token_endpoint,
                      "https://idp.example/realms/kreis/token");
  assert_null(p.end_session_endpoint); /* optional */
  oidc_provider_release(&p);
  /* RP-Initiated Logout: end_session_endpoint taken when given, and held
   * to the same rule as every other endpoint */
  char es[1200];
  snprintf(es, sizeof es, "%.*s,\"end_session_endpoint\":\"%s/logout\"}",
           (int)strlen(doc) - 1, doc, iss);
  assert_int_equal(oidc_discovery_parse(es, strlen(es), iss, &p, &err), 0);
  assert_string_equal(p.end_session_endpoint,
                      "https://idp.example/realms/kreis/logout");
  oidc_provider_release(&p);
  snprintf(es, sizeof es,
           "%.*s,\"end_session_endpoint\":\"http://evil.example/logout\"}",
           (int)strlen(doc) - 1, doc);
  assert_int_equal(oidc_discovery_parse(es, strlen(es), iss, &p, &err),
                   LOTSE_ECORRUPT);
  assert_null(p.end_session_endpoint);
  assert_int_equal(oidc_discovery_parse(doc, strlen(doc),
                                        "https://idp.example/realms/other",
                                        &p, &err),
                   LOTSE_ECORRUPT);
  assert_null(p.issuer);
  const char *plain = "{\"issuer\":\"https://i\",\"authorization_endpoint\":"
                      "\"https://i/a\",\"token_endpoint\":\"https://i/t\","
                      "\"jwks_uri\":\"https://i/k\","
                      "\"code_challenge_methods_supported\":[\"plain\"]}";
  assert_int_equal(oidc_discovery_parse(plain, strlen(plain), "https://i",
                                        &p, &err),
                   LOTSE_EUNSUPPORTED);
  const char *http = "{\"issuer\":\"https://i\",\"authorization_endpoint\":"
                     "\"http://idp.example/a\",\"token_endpoint\":"
                     "\"https://i/t\",\"jwks_uri\":\"https://i/k\"}";
  assert_int_equal(oidc_discovery_parse(http, strlen(http), "https://i", &p,
                                        &err),
                   LOTSE_ECORRUPT);
  assert_true(oidc_url_allowed("http://127.0.0.1:8080/x"));
  assert_true(oidc_url_allowed("http://localhost/x"));
  assert_false(oidc_url_allowed("http://localhost.evil.example/x"));
  assert_false(oidc_url_allowed("ftp://idp.example/"));
  assert_false(oidc_url_allowed("https://"));
}

static int setup(void **state) {
  (void)state;
  g_rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
  g_rsa2 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
  g_ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  return g_rsa && g_rsa2 && g_ec ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  EVP_PKEY_free(g_rsa);
  EVP_PKEY_free(g_rsa2);
  EVP_PKEY_free(g_ec);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rs256_ok_and_claims),
      cmocka_unit_test(test_tampered_and_wrong_key),
      cmocka_unit_test(test_alg_refused),
      cmocka_unit_test(test_claims_refused),
      cmocka_unit_test(test_jwks_parse),
      cmocka_unit_test(test_b64url),
      cmocka_unit_test(test_pkce),
      cmocka_unit_test(test_discovery),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}

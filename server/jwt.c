/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/jwt.c — JSON Web Key Sets and verification of ID tokens (compact
 * JWS, RS256 and ES256) with OpenSSL EVP.
 *
 * Contract: see server/oidc.h. The algorithm is taken from the header but
 * must match the key's type (and the key's own "alg" when it names one),
 * so an RSA key can never verify an HMAC or ES token.
 * Invariants: (1) nothing in the token is trusted before the signature
 * verified; (2) every decoded part has a size cap (JWT_PART_MAX).
 */
#include "server/oidc.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <stdlib.h>
#include <string.h>

#define JWT_PART_MAX (64 * 1024) /* decoded header or payload */
#define JWKS_MAX_KEYS 64
#define JWK_FIELD_MAX 1024       /* decoded n, e, x or y */

typedef enum { JWK_RSA, JWK_EC256 } jwk_type_t;

typedef struct jwk {
  char *kid;  /* NULL when the key has none */
  jwk_type_t type;
  EVP_PKEY *pkey;
} jwk_t;

struct jwks {
  jwk_t keys[JWKS_MAX_KEYS];
  size_t n;
};

/* ------------------------------------------------------------ base64url */

static int b64_val(int c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

int jwt_b64url_decode(const char *s, size_t slen, unsigned char *out,
                      size_t n, size_t *len) {
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  while (slen > 0 && s[slen - 1] == '=') slen--;
  if (slen % 4 == 1) return LOTSE_ECORRUPT;
  for (size_t i = 0; i < slen; i++) {
    int v = b64_val((unsigned char)s[i]);
    if (v < 0) return LOTSE_ECORRUPT;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o >= n) return LOTSE_ETOOBIG;
      out[o++] = (unsigned char)(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  *len = o;
  return 0;
}

int jwt_b64url_encode(const unsigned char *p, size_t n, char *out,
                      size_t outn) {
  static const char tab[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t need = (n * 4 + 2) / 3 + 1, o = 0;
  if (need > outn) return LOTSE_ETOOBIG;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; i++) {
    acc = (acc << 8) | p[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out[o++] = tab[(acc >> bits) & 63];
    }
    acc &= (1u << bits) - 1;
  }
  if (bits > 0) out[o++] = tab[(acc << (6 - bits)) & 63];
  out[o] = '\0';
  return 0;
}

/* The base64url string member key of o decoded into buf; 0 or error. */
static int b64_member(json_t *o, const char *key, unsigned char *buf,
                      size_t n, size_t *len) {
  json_t *v = json_object_get(o, key);
  if (!json_is_string(v)) return LOTSE_ECORRUPT;
  return jwt_b64url_decode(json_string_value(v), json_string_length(v), buf,
                           n, len);
}

/* --------------------------------------------------------------- keys */

static EVP_PKEY *pkey_from_params(const char *type, OSSL_PARAM_BLD *bld) {
  EVP_PKEY *pkey = NULL;
  OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
  if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
      EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    pkey = NULL;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return pkey;
}

static EVP_PKEY *rsa_from_jwk(json_t *k) {
  unsigned char n[JWK_FIELD_MAX], e[16];
  size_t nl, el;
  if (b64_member(k, "n", n, sizeof n, &nl) || b64_member(k, "e", e, sizeof e,
                                                         &el))
    return NULL;
  if (nl < 256 || el == 0) return NULL; /* RSA below 2048 bits refused */
  BIGNUM *bn = BN_bin2bn(n, (int)nl, NULL), *be = BN_bin2bn(e, (int)el, NULL);
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
  EVP_PKEY *pkey = NULL;
  if (bn && be && bld &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1)
    pkey = pkey_from_params("RSA", bld);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn);
  BN_free(be);
  return pkey;
}

static EVP_PKEY *ec_from_jwk(json_t *k) {
  unsigned char x[64], y[64], pt[65];
  size_t xl, yl;
  const char *crv = json_string_value(json_object_get(k, "crv"));
  if (!crv || strcmp(crv, "P-256") != 0) return NULL;
  if (b64_member(k, "x", x, sizeof x, &xl) ||
      b64_member(k, "y", y, sizeof y, &yl) || xl != 32 || yl != 32)
    return NULL;
  pt[0] = 0x04;
  memcpy(pt + 1, x, 32);
  memcpy(pt + 33, y, 32);
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
  EVP_PKEY *pkey = NULL;
  if (bld &&
      OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                      "prime256v1", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
                                       sizeof pt) == 1)
    pkey = pkey_from_params("EC", bld);
  OSSL_PARAM_BLD_free(bld);
  return pkey;
}

/* Add key k to ks when it is a usable signature key; others are skipped. */
static int jwks_add(jwks_t *ks, json_t *k) {
  const char *kty = json_string_value(json_object_get(k, "kty"));
  const char *use = json_string_value(json_object_get(k, "use"));
  const char *alg = json_string_value(json_object_get(k, "alg"));
  const char *kid = json_string_value(json_object_get(k, "kid"));
  if (!kty || (use && strcmp(use, "sig") != 0)) return 0;
  jwk_t *j = &ks->keys[ks->n];
  if (strcmp(kty, "RSA") == 0 && (!alg || strcmp(alg, "RS256") == 0)) {
    j->type = JWK_RSA;
    j->pkey = rsa_from_jwk(k);
  } else if (strcmp(kty, "EC") == 0 && (!alg || strcmp(alg, "ES256") == 0)) {
    j->type = JWK_EC256;
    j->pkey = ec_from_jwk(k);
  } else {
    return 0;
  }
  if (!j->pkey) return 0; /* malformed or too weak: not usable */
  j->kid = kid ? lotse_strdup(kid) : NULL;
  if (kid && !j->kid) {
    EVP_PKEY_free(j->pkey);
    return LOTSE_ENOMEM;
  }
  ks->n++;
  return 0;
}

int jwks_parse(const char *json, size_t n, jwks_t **out, lotse_err_t *err) {
  *out = NULL;
  json_error_t je;
  json_t *root = json_loadb(json, n, 0, &je);
  json_t *keys = json_object_get(root, "keys");
  if (!json_is_array(keys)) {
    json_decref(root);
    return lotse_err_set(err, LOTSE_ECORRUPT,
                         "key set is not a JSON object with a keys array");
  }
  jwks_t *ks = calloc(1, sizeof *ks);
  if (!ks) {
    json_decref(root);
    return lotse_err_set(err, LOTSE_ENOMEM, "out of memory");
  }
  size_t i;
  json_t *k;
  int rc = 0;
  json_array_foreach(keys, i, k) {
    if (ks->n == JWKS_MAX_KEYS) break;
    if (json_is_object(k) && (rc = jwks_add(ks, k)) != 0) break;
  }
  json_decref(root);
  if (rc) {
    jwks_free(ks);
    return lotse_err_set(err, rc, "out of memory");
  }
  *out = ks;
  return 0;
}

void jwks_free(jwks_t *k) {
  if (!k) return;
  for (size_t i = 0; i < k->n; i++) {
    free(k->keys[i].kid);
    EVP_PKEY_free(k->keys[i].pkey);
  }
  free(k);
}

size_t jwks_count(const jwks_t *k) { return k ? k->n : 0; }

/* The key for kid (NULL: the only key of the type) or NULL. */
static const jwk_t *jwks_find(const jwks_t *ks, const char *kid,
                              jwk_type_t type) {
  const jwk_t *hit = NULL;
  size_t nt = 0;
  for (size_t i = 0; ks && i < ks->n; i++) {
    const jwk_t *j = &ks->keys[i];
    if (j->type != type) continue;
    nt++;
    if (kid && j->kid && strcmp(kid, j->kid) == 0) return j;
    if (!kid) hit = j;
  }
  return nt == 1 ? hit : NULL;
}

/* ---------------------------------------------------------- signature */

/* Raw r||s (64 bytes) to a DER ECDSA-Sig-Value in der (cap n). */
static int es256_to_der(const unsigned char *sig, unsigned char *der,
                        size_t n, size_t *len) {
  ECDSA_SIG *es = ECDSA_SIG_new();
  BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
  int rc = LOTSE_EINTERNAL;
  if (es && r && s && ECDSA_SIG_set0(es, r, s) == 1) {
    r = s = NULL; /* owned by es now */
    int dl = i2d_ECDSA_SIG(es, NULL);
    unsigned char *p = der;
    if (dl > 0 && (size_t)dl <= n && i2d_ECDSA_SIG(es, &p) == dl) {
      *len = (size_t)dl;
      rc = 0;
    }
  }
  BN_free(r);
  BN_free(s);
  ECDSA_SIG_free(es);
  return rc;
}

/* 1 when sig verifies over the signing input with key, 0 otherwise. */
static int sig_ok(const jwk_t *key, const char *input, size_t inlen,
                  const unsigned char *sig, size_t siglen) {
  unsigned char der[80];
  if (key->type == JWK_EC256) {
    if (siglen != 64 || es256_to_der(sig, der, sizeof der, &siglen) != 0)
      return 0;
    sig = der;
  }
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  int ok = md &&
           EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key->pkey) ==
               1 &&
           EVP_DigestVerify(md, sig, siglen, (const unsigned char *)input,
                            inlen) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

/* ------------------------------------------------------------- claims */

static int aud_ok(json_t *claims, const char *client_id) {
  json_t *aud = json_object_get(claims, "aud");
  if (json_is_string(aud)) return strcmp(json_string_value(aud), client_id) == 0;
  if (!json_is_array(aud) || json_array_size(aud) == 0) return 0;
  size_t i;
  json_t *v;
  int found = 0;
  json_array_foreach(aud, i, v) {
    if (json_is_string(v) && strcmp(json_string_value(v), client_id) == 0)
      found = 1;
  }
  if (!found) return 0;
  if (json_array_size(aud) == 1) return 1;
  const char *azp = json_string_value(json_object_get(claims, "azp"));
  return azp && strcmp(azp, client_id) == 0;
}

static int num_claim(json_t *claims, const char *key, int64_t *v) {
  json_t *j = json_object_get(claims, key);
  if (json_is_integer(j)) *v = (int64_t)json_integer_value(j);
  else if (json_is_real(j)) *v = (int64_t)json_real_value(j);
  else return 0;
  return 1;
}

static jwt_reason_t claims_check(json_t *c, const jwt_expect_t *ex) {
  const char *iss = json_string_value(json_object_get(c, "iss"));
  const char *nonce = json_string_value(json_object_get(c, "nonce"));
  const char *sub = json_string_value(json_object_get(c, "sub"));
  int64_t exp, iat, nbf;
  if (!sub || !*sub) return JWT_MALFORMED;
  if (!iss || strcmp(iss, ex->issuer) != 0) return JWT_BAD_ISS;
  if (!aud_ok(c, ex->client_id)) return JWT_BAD_AUD;
  if (!num_claim(c, "exp", &exp) || !num_claim(c, "iat", &iat))
    return JWT_MALFORMED;
  if (exp + ex->leeway_s < ex->now) return JWT_EXPIRED;
  if (iat - ex->leeway_s > ex->now) return JWT_NOT_YET;
  if (num_claim(c, "nbf", &nbf) && nbf - ex->leeway_s > ex->now)
    return JWT_NOT_YET;
  if (!nonce || !ex->nonce || strcmp(nonce, ex->nonce) != 0)
    return JWT_BAD_NONCE;
  return JWT_OK;
}

/* ------------------------------------------------------------- verify */

static json_t *part_json(const char *s, size_t n) {
  unsigned char *buf = malloc(JWT_PART_MAX);
  size_t len;
  json_t *j = NULL;
  if (buf && jwt_b64url_decode(s, n, buf, JWT_PART_MAX, &len) == 0)
    j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, NULL);
  free(buf);
  if (j && !json_is_object(j)) {
    json_decref(j);
    j = NULL;
  }
  return j;
}

static int refuse(jwt_reason_t r, jwt_reason_t *why, lotse_err_t *err,
                  const char *what) {
  *why = r;
  return lotse_err_set(err, r == JWT_MALFORMED ? LOTSE_ECORRUPT
                                               : LOTSE_EACCESS,
                       "id token refused: %s", what);
}

int jwt_verify(const char *token, const jwks_t *keys, const jwt_expect_t *ex,
               json_t **claims, jwt_reason_t *why, lotse_err_t *err) {
  *claims = NULL;
  *why = JWT_OK;
  const char *d1 = token ? strchr(token, '.') : NULL;
  const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  if (!d2 || strchr(d2 + 1, '.') || strlen(token) > 3 * JWT_PART_MAX)
    return refuse(JWT_MALFORMED, why, err, "not a compact JWS");
  json_t *hdr = part_json(token, (size_t)(d1 - token));
  if (!hdr) return refuse(JWT_MALFORMED, why, err, "header is not JSON");
  const char *alg = json_string_value(json_object_get(hdr, "alg"));
  const char *kid = json_string_value(json_object_get(hdr, "kid"));
  jwk_type_t type = JWK_RSA;
  int rc;
  if (alg && strcmp(alg, "ES256") == 0) type = JWK_EC256;
  else if (!alg || strcmp(alg, "RS256") != 0) {
    rc = refuse(JWT_BAD_ALG, why, err, "algorithm not RS256 or ES256");
    goto out_hdr;
  }
  const jwk_t *key = jwks_find(keys, kid, type);
  if (!key) {
    rc = refuse(JWT_UNKNOWN_KID, why, err, "no key for the token's kid");
    goto out_hdr;
  }
  unsigned char sig[1024];
  size_t siglen;
  if (jwt_b64url_decode(d2 + 1, strlen(d2 + 1), sig, sizeof sig, &siglen) ||
      !sig_ok(key, token, (size_t)(d2 - token), sig, siglen)) {
    rc = refuse(JWT_BAD_SIG, why, err, "signature does not verify");
    goto out_hdr;
  }
  json_t *c = part_json(d1 + 1, (size_t)(d2 - d1 - 1));
  if (!c) {
    rc = refuse(JWT_MALFORMED, why, err, "payload is not JSON");
    goto out_hdr;
  }
  jwt_reason_t r = claims_check(c, ex);
  if (r != JWT_OK) {
    json_decref(c);
    static const char *const en[JWT_NREASONS] = {
        [JWT_MALFORMED] = "claim missing or of the wrong type",
        [JWT_BAD_ISS] = "wrong issuer", [JWT_BAD_AUD] = "wrong audience",
        [JWT_EXPIRED] = "expired", [JWT_NOT_YET] = "not yet valid",
        [JWT_BAD_NONCE] = "nonce does not match"};
    rc = refuse(r, why, err, en[r] ? en[r] : "claims");
    goto out_hdr;
  }
  *claims = c;
  rc = 0;
out_hdr:
  json_decref(hdr);
  return rc;
}

const char *jwt_reason_de(jwt_reason_t why) {
  static const char *const msg[JWT_NREASONS] = {
      [JWT_OK] = "ID-Token gültig",
      [JWT_MALFORMED] = "Das ID-Token ist fehlerhaft",
      [JWT_BAD_ALG] = "Das ID-Token verwendet ein nicht zugelassenes "
                      "Signaturverfahren",
      [JWT_UNKNOWN_KID] = "Das ID-Token ist mit einem unbekannten Schlüssel "
                          "signiert",
      [JWT_BAD_SIG] = "Die Signatur des ID-Tokens ist ungültig",
      [JWT_BAD_ISS] = "Das ID-Token stammt nicht vom konfigurierten "
                      "Identitätsanbieter",
      [JWT_BAD_AUD] = "Das ID-Token ist nicht für diese Anwendung "
                      "ausgestellt",
      [JWT_EXPIRED] = "Das ID-Token ist abgelaufen",
      [JWT_NOT_YET] = "Das ID-Token ist noch nicht gültig",
      [JWT_BAD_NONCE] = "Das ID-Token gehört nicht zu dieser Anmeldung",
  };
  return (unsigned)why < JWT_NREASONS ? msg[why] : "Unbekannter Fehler";
}

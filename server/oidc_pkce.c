/* SPDX-License-Identifier: EUPL-1.2
 *
 * server/oidc_pkce.c — random tokens (PKCE verifier, state, nonce) and the
 * S256 code challenge (RFC 7636).
 *
 * Contract: tokens are 256 bits from OpenSSL's CSPRNG, base64url without
 * padding (43 characters, within RFC 7636's 43..128 for verifiers).
 */
#include "server/oidc.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <string.h>

int oidc_random_token(char out[OIDC_RANDOM_BUF], lotse_err_t *err) {
  unsigned char r[32];
  if (RAND_bytes(r, sizeof r) != 1)
    return lotse_err_set(err, LOTSE_EINTERNAL, "no random bytes");
  return jwt_b64url_encode(r, sizeof r, out, OIDC_RANDOM_BUF);
}

int oidc_pkce_challenge(const char *verifier, char out[OIDC_RANDOM_BUF]) {
  unsigned char h[SHA256_DIGEST_LENGTH];
  size_t n = strlen(verifier);
  if (n < 43 || n > 128) return LOTSE_EINVAL;
  SHA256((const unsigned char *)verifier, n, h);
  return jwt_b64url_encode(h, sizeof h, out, OIDC_RANDOM_BUF);
}

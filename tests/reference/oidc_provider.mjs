// SPDX-License-Identifier: EUPL-1.2
//
// tests/reference/oidc_provider.mjs — a real OpenID provider (npm
// oidc-provider) for tests/integration/test_oidc.py. Test use only.
//
// Usage: node oidc_provider.mjs PORT REDIRECT_URI
// Prints "ready http://127.0.0.1:PORT" once it listens.
// - Client "lotse" (secret "lotse-test-secret", client_secret_basic, PKCE
//   required), one RS256 signing key with kid "k1".
// - Users alice (groups, roles, unit) and bob; the login page is a plain
//   form (POST /interaction/UID/login with login=NAME); consent is granted
//   without asking (first-party client).
// - RP-Initiated Logout: GET /session/end (end_session_endpoint) with the
//   post_logout_redirect_uri ORIGIN/ of REDIRECT_URI registered.
// - GET /test/mode?m=MODE changes the next ID tokens the token endpoint
//   returns, to test refusals: ok, tampered (payload changed, signature
//   kept), aud (re-signed for another audience), expired (re-signed with
//   exp in the past), kid (signed by an unknown key "k9").
import crypto from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const redirect = process.argv[3];
const issuer = `http://127.0.0.1:${port}`;

const signing = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const rogue = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...signing.privateKey.export({ format: 'jwk' }),
              kid: 'k1', use: 'sig', alg: 'RS256' };

const ACCOUNTS = {
  alice: { name: 'Alice Amtmann', groups: ['sozialamt', '/kreis/bauamt'],
           roles: ['datenschutz', 'kc-offline-access'], unit: 'sozialamt' },
  bob: { name: 'Bob Bürger', groups: [], roles: [], unit: 'bauamt' },
};

let mode = 'ok';

const b64 = (b) => Buffer.from(b).toString('base64url');
function resign(token, change, key = signing.privateKey, kid = 'k1') {
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url'));
  change(claims);
  const input = `${b64(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }))}.` +
                b64(JSON.stringify(claims));
  return `${input}.${b64(crypto.sign('sha256', Buffer.from(input), key))}`;
}
function mangle(token) {
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'tampered': {
      const [h, p, s] = token.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url'));
      claims.roles = ['admin'];
      return `${h}.${b64(JSON.stringify(claims))}.${s}`;
    }
    case 'aud': return resign(token, (c) => { c.aud = 'someone-else'; });
    case 'expired':
      return resign(token, (c) => { c.iat = now - 7200; c.exp = now - 3600; });
    case 'kid': return resign(token, () => {}, rogue.privateKey, 'k9');
    default: return token;
  }
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'lotse', client_secret: 'lotse-test-secret',
    redirect_uris: [redirect], grant_types: ['authorization_code'],
    post_logout_redirect_uris: [`${new URL(redirect).origin}/`],
    response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  claims: { openid: ['sub'],
            profile: ['name', 'preferred_username', 'groups', 'roles', 'unit'] },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['test-only-cookie-key'] },
  async findAccount(ctx, sub) {
    const id = sub.replace(/^sub-/, ''); // subjects differ from user names
    if (!ACCOUNTS[id]) return undefined;
    return { accountId: sub,
             async claims() { return { sub, preferred_username: id, ...ACCOUNTS[id] }; } };
  },
  async loadExistingGrant(ctx) {
    const id = ctx.oidc.result?.consent?.grantId ||
               ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (id) return ctx.oidc.provider.Grant.find(id);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email');
    await grant.save();
    return grant;
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && ctx.body && ctx.body.id_token)
    ctx.body = { ...ctx.body, id_token: mangle(ctx.body.id_token) };
});

const form = (uid) => `<!doctype html><html lang="de"><body>
<form method="post" action="/interaction/${uid}/login">
<label>Benutzer <input name="login"></label><button>Anmelden</button></form></body></html>`;

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (action === 'login' && req.method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const login = new URLSearchParams(body).get('login');
    const result = ACCOUNTS[login] ? { login: { accountId: `sub-${login}` } }
                                   : { error: 'access_denied' };
    return provider.interactionFinished(req, res, result,
                                        { mergeWithLastSubmission: false });
  }
  if (details.prompt.name === 'login') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(form(uid));
  }
  return provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
}

const callback = provider.callback();
http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/test/mode') {
      mode = url.searchParams.get('m') || 'ok';
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(mode);
    }
    const m = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login))?$/);
    if (m) return await interaction(req, res, m[1], m[2]);
    return callback(req, res);
  } catch (e) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(e));
  }
}).listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));

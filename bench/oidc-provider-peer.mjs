// node-oidc-provider (v9) configured for the same jobs as our benchmarks, started by bench/run.mjs
// in its own process, on a loopback port:
//
// - client credentials: one confidential client (client_secret_basic), RFC 9068 JWT access
//   tokens signed ES256 with the same key our server uses;
// - the authorization code flow (issue 4): one confidential client (client_secret_basic, PKCE
//   S256 required, one redirect URI, refresh tokens, ES256 ID tokens) and a user directory of
//   bcrypt hashes checked with bcrypt's async API, as our ConfigUserDirectory does.
//
// Environment: PEER_PORT, PEER_KEY_FILE (PKCS#8 PEM), PEER_KID, PEER_CLIENT_ID,
// PEER_CLIENT_SECRET, PEER_AUDIENCE, PEER_SCOPE; for the flow, optionally PEER_FLOW_CLIENT_ID,
// PEER_FLOW_CLIENT_SECRET, PEER_FLOW_REDIRECT_URI and PEER_USERS (JSON: username → bcrypt hash).
//
// Configuration per oidc-provider's docs/README.md: `features.clientCredentials`, and
// `features.resourceIndicators` whose `getResourceServerInfo` returns `accessTokenFormat: 'jwt'`
// and `jwt.sign.alg` (without a resource server the access token would be opaque).
//
// The sign-in: `devInteractions` cannot check a password, so this process implements the
// interaction itself, as oidc-provider's documentation describes (`interactions.url`, default
// `/interaction/:uid`): GET renders a login form (after `provider.interactionDetails`), the POST
// verifies the password with `bcrypt.compare` and calls `provider.interactionFinished` with the
// `login` result. There is no consent page: our server has none either (the sign-in page shows
// the scopes), so `loadExistingGrant` grants the requested `openid` scope to this first-party
// client — the documented recipe for skipping consent. A browser thus makes 4 requests to the
// peer before the callback (authorize → interaction page → login POST → authorize resume), then
// the token request; with a consent page it would be 3 more.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import bcrypt from 'bcrypt';
import Provider, { errors } from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const port = Number(env('PEER_PORT'));
const audience = env('PEER_AUDIENCE');
const scope = env('PEER_SCOPE');
const signingJwk = {
  ...createPrivateKey(readFileSync(env('PEER_KEY_FILE'), 'utf8')).export({ format: 'jwk' }),
  kid: env('PEER_KID'),
  alg: 'ES256',
  use: 'sig',
};
/** username → bcrypt hash */
const users = new Map(Object.entries(JSON.parse(process.env.PEER_USERS ?? '{}')));
// Same work for an unknown username as for a known one (our directory does the same).
const dummyHash = bcrypt.hashSync('dummy', Number(users.values().next().value?.slice(4, 6) ?? 10));

const resourceServer = {
  audience,
  scope,
  accessTokenTTL: 15 * 60,
  accessTokenFormat: 'jwt',
  jwt: { sign: { alg: 'ES256' } },
};

const clients = [{
  client_id: env('PEER_CLIENT_ID'),
  client_secret: env('PEER_CLIENT_SECRET'),
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  id_token_signed_response_alg: 'ES256',
}];
if (process.env.PEER_FLOW_CLIENT_ID) {
  clients.push({
    client_id: env('PEER_FLOW_CLIENT_ID'),
    client_secret: env('PEER_FLOW_CLIENT_SECRET'),
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [env('PEER_FLOW_REDIRECT_URI')],
    id_token_signed_response_alg: 'ES256',
  });
}

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients,
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['bench-only-cookie-key'] },
  findAccount: (_ctx, sub) => (users.has(sub) ? { accountId: sub, claims: async () => ({ sub }) } : undefined),
  // PKCE S256 for every client, as our server requires it (the default only forces it for public clients).
  pkce: { required: () => true },
  // Our server issues a refresh token to every client allowed the refresh_token grant; the
  // default here would also require the `offline_access` scope (and a consent prompt).
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  // No consent page (see the header): a first-party client gets the requested OIDC scopes.
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // A request without `resource` gets this one, as our server gives every token its audience.
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        if (resourceIndicator !== audience) throw new errors.InvalidTarget();
        return resourceServer;
      },
    },
  },
});

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, clientId, scopes, error) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>
<h1>Sign in to ${escapeHtml(clientId)}</h1><p>Requested: ${escapeHtml(scopes)}</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></body></html>`;
}

async function readForm(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 65_536) throw new errors.InvalidRequest('body too large');
  }
  return new URLSearchParams(text);
}

// The interaction routes, in front of the provider's own (Provider extends Koa; its `use`
// places the middleware before the provider's router).
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
  if (!match) return next();
  ctx.set('cache-control', 'no-store');
  const interaction = await provider.interactionDetails(ctx.req, ctx.res);
  if (interaction.uid !== match[1] || interaction.prompt.name !== 'login') throw new errors.InvalidRequest('unexpected interaction');
  if (ctx.method === 'GET' && !match[2]) {
    ctx.type = 'html';
    ctx.body = loginPage(interaction.uid, interaction.params.client_id, interaction.params.scope);
    return undefined;
  }
  if (ctx.method !== 'POST' || !match[2]) return next();
  const form = await readForm(ctx.req);
  const username = form.get('username') ?? '';
  const hash = users.get(username);
  const ok = await bcrypt.compare(form.get('password') ?? '', hash ?? dummyHash);
  if (!hash || !ok) {
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = loginPage(interaction.uid, interaction.params.client_id, interaction.params.scope, 'Incorrect username or password.');
    return undefined;
  }
  ctx.respond = false; // interactionFinished writes the 303 itself
  await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
  return undefined;
});

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider peer listening on 127.0.0.1:${port}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

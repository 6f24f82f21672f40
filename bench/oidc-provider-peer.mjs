// node-oidc-provider (v9) configured for the same job as our client-credentials benchmark:
// one confidential client (client_secret_basic), the client credentials grant, RFC 9068 JWT
// access tokens signed ES256 with the same key our server uses. Started by bench/run.mjs in its
// own process, on a loopback port.
//
// Environment: PEER_PORT, PEER_KEY_FILE (PKCS#8 PEM), PEER_KID, PEER_CLIENT_ID,
// PEER_CLIENT_SECRET, PEER_AUDIENCE, PEER_SCOPE.
//
// Configuration per oidc-provider's docs/README.md: `features.clientCredentials`, and
// `features.resourceIndicators` whose `getResourceServerInfo` returns `accessTokenFormat: 'jwt'`
// and `jwt.sign.alg` (without a resource server the access token would be opaque).
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

const resourceServer = {
  audience,
  scope,
  accessTokenTTL: 15 * 60,
  accessTokenFormat: 'jwt',
  jwt: { sign: { alg: 'ES256' } },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: env('PEER_CLIENT_ID'),
    client_secret: env('PEER_CLIENT_SECRET'),
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    id_token_signed_response_alg: 'ES256',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['bench-only-cookie-key'] },
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

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider peer listening on 127.0.0.1:${port}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

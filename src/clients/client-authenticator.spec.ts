import { createHash } from 'node:crypto';
import bcrypt from 'bcrypt';
import { FormBody } from '../common/form-body.js';
import { OAuthError } from '../common/oauth-error.js';
import { Client, ClientSecret, GrantType } from './client.js';
import { AuthenticatedClient, ClientAuthenticator, ClientLookup, parseBasic } from './client-authenticator.js';
import { SecretVerifier } from './secret-verifier.js';

const WEB_SECRET = 'web-secret';
/** Every character RFC 6749 §2.3.1 makes a client form-urlencode in HTTP Basic. */
const ODD_ID = 'odd:client %+é';
const ODD_SECRET = 'p:ss%20w+rd é&=/?';
const BCRYPT_SECRET = 'bcrypt-client-secret';
const WWW_AUTHENTICATE = 'Basic realm="sympauthy", charset="UTF-8"';
const FORM_ENCODING_HINT = 'HTTP Basic credentials are form-urlencoded (RFC 6749 section 2.3.1): send + as %2B and % as %25 in the client id and secret';

function sha256(secret: string): ClientSecret {
  return { kind: 'plain', sha256: createHash('sha256').update(secret, 'utf8').digest() };
}

function makeClient(id: string, isPublic: boolean, secret?: ClientSecret, grantTypes: GrantType[] = ['authorization_code', 'refresh_token']): Client {
  return new Client({
    id, name: id, isPublic, secret, redirectUris: ['https://app.test/cb'], grantTypes,
    allowedScopes: ['openid'], defaultScopes: [], audience: { id: 'default', tokenAudience: 'default' }, uris: {},
  });
}

/** application/x-www-form-urlencoded as RFC 6749 Appendix B: space as '+', everything else percent-encoded. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

function basic(id: string, secret: string, encode = formEncode): string {
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`, 'utf8').toString('base64')}`;
}

function rawBasic(userPass: string): string {
  return `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;
}

function form(params: Record<string, string>): FormBody {
  return FormBody.parse(new URLSearchParams({ grant_type: 'client_credentials', ...params }).toString());
}

/** The clients slice as the authenticator sees it. */
function lookup(clients: Client[]): ClientLookup {
  const byId = new Map(clients.map((c) => [c.id, c]));
  return { find: (id) => byId.get(id) };
}

let authenticator: ClientAuthenticator;
beforeAll(async () => {
  const registry = lookup([
    makeClient('web', false, sha256(WEB_SECRET)),
    makeClient('spa', true),
    makeClient(ODD_ID, false, sha256(ODD_SECRET)),
    makeClient('bcrypt-client', false, { kind: 'bcrypt', hash: await bcrypt.hash(BCRYPT_SECRET, 4) }),
  ]);
  authenticator = new ClientAuthenticator(registry, new SecretVerifier());
});

/** The OAuthError an authentication attempt fails with (fails the test when it succeeds). */
async function failure(authorization: string | undefined, body: FormBody): Promise<OAuthError> {
  let outcome: AuthenticatedClient;
  try {
    outcome = await authenticator.authenticate(authorization, body);
  } catch (e) {
    expect(e).toBeInstanceOf(OAuthError);
    return e as OAuthError;
  }
  throw new Error(`authenticated ${outcome.client.id} with ${outcome.method}`);
}

async function expectInvalidClient(authorization: string | undefined, body: FormBody, basicTried: boolean): Promise<OAuthError> {
  const error = await failure(authorization, body);
  expect(error.error).toBe('invalid_client');
  expect(error.status).toBe(401);
  expect(error.headers).toEqual(basicTried ? { 'WWW-Authenticate': WWW_AUTHENTICATE } : {});
  return error;
}

async function expectInvalidRequest(authorization: string | undefined, body: FormBody): Promise<OAuthError> {
  const error = await failure(authorization, body);
  expect(error.error).toBe('invalid_request');
  expect(error.status).toBe(400);
  expect(error.headers).toEqual({});
  return error;
}

describe('ClientAuthenticator', () => {
  describe('client_secret_basic', () => {
    it('authenticates a confidential client', async () => {
      const { client, method } = await authenticator.authenticate(basic('web', WEB_SECRET), form({}));
      expect(client.id).toBe('web');
      expect(method).toBe('client_secret_basic');
    });

    it('form-urlencodes the id and secret (RFC 6749 §2.3.1)', async () => {
      const { client, method } = await authenticator.authenticate(basic(ODD_ID, ODD_SECRET), form({}));
      expect(client.id).toBe(ODD_ID);
      expect(method).toBe('client_secret_basic');
    });

    it('decodes %20 as well as + for a space', async () => {
      const percentSpaces = (v: string) => encodeURIComponent(v);
      await expect(authenticator.authenticate(basic(ODD_ID, ODD_SECRET, percentSpaces), form({}))).resolves.toMatchObject({ method: 'client_secret_basic' });
    });

    it('does not accept a secret sent without the form-urlencoding', async () => {
      // '+' decodes to a space, so the raw secret is a different secret.
      const registry = lookup([makeClient('plus', false, sha256('a+b'))]);
      const plus = new ClientAuthenticator(registry, new SecretVerifier());
      await expect(plus.authenticate(rawBasic('plus:a+b'), form({}))).rejects.toMatchObject({ error: 'invalid_client' });
      await expect(plus.authenticate(rawBasic('plus:a%2Bb'), form({}))).resolves.toMatchObject({ method: 'client_secret_basic' });
      const raw = rawBasic(`${formEncode(ODD_ID)}:p:ss%20w+rd é&=/?`);
      await expectInvalidClient(raw, form({}), true);
    });

    it('splits user and password at the first colon (an encoded id cannot contain one)', async () => {
      await expect(authenticator.authenticate(rawBasic('web:web:secret'), form({}))).rejects.toMatchObject({ error: 'invalid_client' });
      const registry = lookup([makeClient('svc', false, sha256('a:b'))]);
      const colonSecret = new ClientAuthenticator(registry, new SecretVerifier());
      await expect(colonSecret.authenticate(rawBasic('svc:a:b'), form({}))).resolves.toMatchObject({ method: 'client_secret_basic' });
    });

    it('accepts the scheme name in any case', async () => {
      const header = basic('web', WEB_SECRET).replace('Basic', 'bAsIc');
      await expect(authenticator.authenticate(header, form({}))).resolves.toMatchObject({ method: 'client_secret_basic' });
    });

    it('accepts a body client_id equal to the Basic one', async () => {
      await expect(authenticator.authenticate(basic('web', WEB_SECRET), form({ client_id: 'web' }))).resolves.toMatchObject({ method: 'client_secret_basic' });
    });

    it('authenticates a bcrypt secret', async () => {
      await expect(authenticator.authenticate(basic('bcrypt-client', BCRYPT_SECRET), form({}))).resolves.toMatchObject({ method: 'client_secret_basic' });
      await expectInvalidClient(basic('bcrypt-client', 'wrong'), form({}), true);
    });
  });

  describe('client_secret_post', () => {
    it('authenticates a confidential client', async () => {
      const { client, method } = await authenticator.authenticate(undefined, form({ client_id: 'web', client_secret: WEB_SECRET }));
      expect(client.id).toBe('web');
      expect(method).toBe('client_secret_post');
    });

    it('authenticates an id and secret with special characters', async () => {
      await expect(authenticator.authenticate(undefined, form({ client_id: ODD_ID, client_secret: ODD_SECRET }))).resolves.toMatchObject({ method: 'client_secret_post' });
    });

    it('authenticates a bcrypt secret', async () => {
      await expect(authenticator.authenticate(undefined, form({ client_id: 'bcrypt-client', client_secret: BCRYPT_SECRET }))).resolves.toMatchObject({ method: 'client_secret_post' });
    });

    it('ignores an Authorization header of another scheme', async () => {
      await expect(authenticator.authenticate('Bearer abc', form({ client_id: 'web', client_secret: WEB_SECRET }))).resolves.toMatchObject({ method: 'client_secret_post' });
    });
  });

  describe('none (public clients)', () => {
    it('authenticates a public client by its client_id', async () => {
      const { client, method } = await authenticator.authenticate(undefined, form({ client_id: 'spa' }));
      expect(client.id).toBe('spa');
      expect(method).toBe('none');
    });
  });

  describe('invalid_request', () => {
    it('refuses two authentication methods in one request', async () => {
      const error = await expectInvalidRequest(basic('web', WEB_SECRET), form({ client_id: 'web', client_secret: WEB_SECRET }));
      expect(error.description).toMatch(/one client authentication method/);
      await expectInvalidRequest(basic('web', WEB_SECRET), form({ client_secret: WEB_SECRET }));
    });

    it('refuses a body client_id that differs from the Basic one', async () => {
      const error = await expectInvalidRequest(basic('web', WEB_SECRET), form({ client_id: 'spa' }));
      expect(error.description).toBe('client_id in the body differs from the HTTP Basic client');
    });
  });

  describe('invalid_client', () => {
    it('refuses a public client that sends a secret, in the body or with Basic', async () => {
      const error = await expectInvalidClient(undefined, form({ client_id: 'spa', client_secret: 'anything' }), false);
      expect(error.description).toBe('a public client must not send a client secret');
      await expectInvalidClient(basic('spa', 'anything'), form({}), true);
    });

    it('refuses an unknown client with every method', async () => {
      await expectInvalidClient(basic('nobody', 'x'), form({}), true);
      await expectInvalidClient(undefined, form({ client_id: 'nobody', client_secret: 'x' }), false);
      await expectInvalidClient(undefined, form({ client_id: 'nobody' }), false);
    });

    it('refuses a wrong secret with every method', async () => {
      await expectInvalidClient(basic('web', 'wrong'), form({}), true);
      await expectInvalidClient(basic('web', ''), form({}), true);
      await expectInvalidClient(undefined, form({ client_id: 'web', client_secret: 'wrong' }), false);
      await expectInvalidClient(undefined, form({ client_id: 'web', client_secret: '' }), false);
    });

    it('refuses a confidential client that sends no secret', async () => {
      const error = await expectInvalidClient(undefined, form({ client_id: 'web' }), false);
      expect(error.description).toMatch(/confidential client must send its secret/);
    });

    it('refuses a request without any client credentials', async () => {
      await expectInvalidClient(undefined, form({}), false);
      await expectInvalidClient(undefined, form({ client_id: '' }), false);
      await expectInvalidClient('Bearer abc', form({}), false);
    });

    it.each([
      ['no credentials after the scheme', 'Basic'],
      ['only white space after the scheme', 'Basic   '],
      ['characters outside base64', 'Basic !!!'],
      ['two tokens', `${basic('web', WEB_SECRET)} extra`],
      ['no colon', rawBasic('web')],
      ['an empty client id', rawBasic(`:${WEB_SECRET}`)],
    ])('refuses malformed Basic credentials (%s) with WWW-Authenticate', async (_what, header) => {
      const error = await expectInvalidClient(header, form({}), true);
      expect(error.description).toBe('malformed HTTP Basic credentials');
    });

    it.each([
      ['in the id', rawBasic(`w%ZZeb:${WEB_SECRET}`)],
      ['in the secret', rawBasic('web:100%')],
    ])('refuses a bad percent-encoding (%s), saying that Basic credentials are form-urlencoded', async (_where, header) => {
      const error = await expectInvalidClient(header, form({}), true);
      expect(error.description).toBe(`malformed HTTP Basic credentials; ${FORM_ENCODING_HINT}`);
    });

    describe('a secret that form-decoding changed', () => {
      // `openssl rand -base64 32` output, as a client sends it without encoding: '+' becomes a space.
      const BASE64_SECRET = 'q5P+3kV9wz/Lr+Xn0aT7c8yJm2Hd4Bf6Ge1Ks0Ui9Oo=';

      it('is refused with a description that says Basic credentials are form-urlencoded', async () => {
        const registry = lookup([makeClient('job', false, sha256(BASE64_SECRET))]);
        const job = new ClientAuthenticator(registry, new SecretVerifier());
        const error = await job.authenticate(rawBasic(`job:${BASE64_SECRET}`), form({})).catch((e: OAuthError) => e);
        expect(error).toMatchObject({ error: 'invalid_client', description: `client authentication failed; ${FORM_ENCODING_HINT}` });
        await expect(job.authenticate(basic('job', BASE64_SECRET), form({}))).resolves.toMatchObject({ method: 'client_secret_basic' });
      });

      it('gets the hint for a % sequence too, and for an unknown client alike (no enumeration)', async () => {
        expect((await failure(rawBasic('web:wrong%2Fsecret'), form({}))).description).toBe(`client authentication failed; ${FORM_ENCODING_HINT}`);
        expect((await failure(rawBasic('nobody:a+b'), form({}))).description).toBe(`client authentication failed; ${FORM_ENCODING_HINT}`);
      });

      it('keeps the descriptions within the characters RFC 6749 section 5.2 allows', async () => {
        for (const header of [rawBasic('web:a+b'), rawBasic('web:100%')]) {
          expect((await failure(header, form({}))).description).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
        }
      });

      it('is the only case with the hint: not a plain wrong secret, not client_secret_post', async () => {
        expect((await failure(basic('web', 'wrong-secret'), form({}))).description).toBe('client authentication failed');
        expect((await failure(rawBasic('web:wrong/secret='), form({}))).description).toBe('client authentication failed');
        expect((await failure(undefined, form({ client_id: 'web', client_secret: 'a+b' }))).description).toBe('client authentication failed');
      });
    });

    it('does not reveal whether the client exists or the secret was wrong', async () => {
      const unknown = await failure(basic('nobody', 'x'), form({}));
      const wrong = await failure(basic('web', 'x'), form({}));
      expect(unknown.description).toBe(wrong.description);
    });

    it('never puts a presented secret into the error', async () => {
      const attempts: [string | undefined, FormBody][] = [
        [basic('web', 'presented-secret-1'), form({})],
        [undefined, form({ client_id: 'web', client_secret: 'presented-secret-2' })],
        [undefined, form({ client_id: 'spa', client_secret: 'presented-secret-3' })],
        [basic('web', 'presented-secret-4'), form({ client_secret: 'presented-secret-5' })],
        [rawBasic('web:presented-secret-6%'), form({})],
        [rawBasic('web:presented+secret-7'), form({})],
        [rawBasic('nobody:presented-secret-8%2B'), form({})],
      ];
      for (const [header, body] of attempts) {
        const error = await failure(header, body);
        expect(JSON.stringify({ ...error.toJSON(), message: error.message, headers: error.headers })).not.toMatch(/presented[- +]secret/);
      }
    });
  });
});

describe('parseBasic', () => {
  it('decodes the form-urlencoded id and secret, saying when decoding changed the secret', () => {
    expect(parseBasic(basic(ODD_ID, ODD_SECRET))).toEqual({ clientId: ODD_ID, secret: ODD_SECRET, secretFormDecoded: true });
    expect(parseBasic(basic('web', WEB_SECRET))).toEqual({ clientId: 'web', secret: WEB_SECRET, secretFormDecoded: false });
    expect(parseBasic(rawBasic('a+b:c'))).toEqual({ clientId: 'a b', secret: 'c', secretFormDecoded: false });
  });

  it('accepts an empty secret', () => {
    expect(parseBasic(rawBasic('web:'))).toEqual({ clientId: 'web', secret: '', secretFormDecoded: false });
  });

  it('says why credentials are malformed', () => {
    expect(parseBasic('Basic')).toEqual({ malformed: 'shape' });
    expect(parseBasic(rawBasic('no-colon'))).toEqual({ malformed: 'shape' });
    expect(parseBasic(rawBasic('%E0%A4%A:x'))).toEqual({ malformed: 'percent-encoding' });
  });
});

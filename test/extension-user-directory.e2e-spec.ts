import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcrypt';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { JsonUserDirectoryModule } from '../examples/json-user-directory/json-user-directory.module.js';
import { JsonUserDirectory } from '../examples/json-user-directory/json-user-directory.js';
import { USER_DIRECTORY } from '../src/users/user-directory.js';
import { obtainCode, openAuthorize, parseSignInForm, pkcePair, submitSignIn } from './support/browser-flow.js';
import { ALICE_PASSWORD, TestApp, baseConfig, startTestApp } from './support/test-app.js';

const CALLBACK = 'https://app.test/callback';

/**
 * The worked example examples/json-user-directory, loaded as an extension module: users come
 * from a JSON file and the `users:` section of the configuration is no longer consulted. No
 * OAuth module knows about it; they only inject USER_DIRECTORY.
 */
describe('extension: users from a JSON file (examples/json-user-directory)', () => {
  let dir: string;
  let t: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'json-users-'));
    const file = join(dir, 'users.json');
    writeFileSync(file, JSON.stringify({
      users: {
        bob: { password: await bcrypt.hash('bob-password', 4), claims: { name: 'Bob Json', email: 'bob@example.com', email_verified: false } },
        // A directory the configuration cannot check: this username is also a client id.
        svc: { password: await bcrypt.hash('svc-password', 4) },
      },
    }));
    t = await startTestApp(baseConfig(), { extensions: [JsonUserDirectoryModule.forFile(file)] });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function tokenRequest(form: Record<string, string>) {
    return request(t.server).post('/api/oauth2/token').auth('web-app', 'web-secret').type('form').send(form);
  }

  it('binds USER_DIRECTORY to the JSON directory', () => {
    expect(t.app.get(USER_DIRECTORY, { strict: false })).toBeInstanceOf(JsonUserDirectory);
  });

  it('signs a JSON user in through the whole code flow: ID token, userinfo and refresh carry the JSON claims', async () => {
    const { code, verifier } = await obtainCode(t, { client_id: 'web-app', redirect_uri: CALLBACK, scope: 'openid profile email', nonce: 'n-json' }, 'bob', 'bob-password');
    const tokens = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.id_token)).toMatchObject({ sub: 'bob', name: 'Bob Json', email: 'bob@example.com', email_verified: false, nonce: 'n-json' });

    const info = await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${tokens.body.access_token}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ sub: 'bob', name: 'Bob Json', email: 'bob@example.com', email_verified: false });

    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token).sub).toBe('bob');
  });

  it('no longer consults the configuration users: alice and her password are refused', async () => {
    const page = await openAuthorize(t, { response_type: 'code', client_id: 'web-app', redirect_uri: CALLBACK, state: 's-1', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    expect(page.status).toBe(200);
    const form = parseSignInForm(page.text, page.headers['set-cookie']);
    const res = await submitSignIn(t, form, 'alice', ALICE_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('Incorrect username or password.');
  });

  it('never issues a token whose sub is a client id (RFC 9700 §4.15), whatever the directory says', async () => {
    const { code, verifier } = await obtainCode(t, { client_id: 'web-app', redirect_uri: CALLBACK, scope: 'openid' }, 'svc', 'svc-password');
    const tokens = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(tokens.status).toBe(400);
    expect(tokens.body.error).toBe('invalid_grant');
    expect(tokens.body.access_token).toBeUndefined();
  });

  it('refuses a wrong password of a JSON user with the same page', async () => {
    const page = await openAuthorize(t, { response_type: 'code', client_id: 'web-app', redirect_uri: CALLBACK, state: 's-2', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
    const form = parseSignInForm(page.text, page.headers['set-cookie']);
    const res = await submitSignIn(t, form, 'bob', 'not-bobs-password');
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('Incorrect username or password.');
  });
});

describe('extension: a broken users file', () => {
  it('stops the app at startup, naming the file and the user but not the value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'json-users-'));
    const file = join(dir, 'users.json');
    writeFileSync(file, JSON.stringify({ users: { carol: { password: 'plain-text-secret' } } }));
    try {
      const start = startTestApp(baseConfig(), { extensions: [JsonUserDirectoryModule.forFile(file)] });
      await expect(start).rejects.toThrow(`user directory ${file}`);
      await expect(start).rejects.toThrow('users.carol.password must be a bcrypt hash');
      await expect(start).rejects.not.toThrow('plain-text-secret');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { OAuthError } from './oauth-error.js';

describe('OAuthError', () => {
  it('keeps error_description within the characters RFC 6749 §5.2 allows', () => {
    const body = new OAuthError('invalid_request', 'bad "x" \\ é § \u0000 ok').toJSON();
    expect(body).toEqual({ error: 'invalid_request', error_description: 'bad ?x? ? ? ? ? ok' });
    expect(body.error_description).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/);
  });
});

import type { ExecutionContext } from '@nestjs/common';
import { Client, GrantType } from '../../clients/client.js';
import { AuthorizationRedirectError, AuthorizeRequest, authorizationContext } from '../authorization-request.js';
import { ResponseTypeGuard } from './request-shape.guard.js';

function makeClient(grantTypes: GrantType[]): Client {
  return new Client({
    id: 'some-client', name: 'Some client', isPublic: false, redirectUris: ['https://app.test/cb'], grantTypes,
    allowedScopes: ['openid'], defaultScopes: [], audience: { id: 'default', tokenAudience: 'default' }, uris: {},
  });
}

/** A request as ClientAndRedirectUriGuard leaves it: client and redirect URI already trusted. */
function contextFor(client: Client, query: Record<string, string | string[]>): ExecutionContext {
  const request = { query } as unknown as AuthorizeRequest;
  const auth = authorizationContext(request);
  auth.client = client;
  auth.redirectUri = 'https://app.test/cb';
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

function rejection(guard: ResponseTypeGuard, context: ExecutionContext): AuthorizationRedirectError {
  try {
    guard.canActivate(context);
  } catch (e) {
    if (e instanceof AuthorizationRedirectError) return e;
    throw e;
  }
  throw new Error('the guard accepted the request');
}

/**
 * `unauthorized_client` cannot be reached end to end (a client without `authorization_code`
 * has no redirect URI, so it stops at the HTML page); the guard still enforces it.
 */
describe('ResponseTypeGuard', () => {
  const guard = new ResponseTypeGuard();
  const codeClient = makeClient(['authorization_code', 'refresh_token']);

  it('accepts response_type=code for a client allowed the code flow', () => {
    expect(guard.canActivate(contextFor(codeClient, { response_type: 'code' }))).toBe(true);
    expect(guard.canActivate(contextFor(codeClient, { response_type: 'code', response_mode: 'query' }))).toBe(true);
  });

  it('answers unauthorized_client for a client without authorization_code, before any other problem', () => {
    const serviceClient = makeClient(['client_credentials']);
    expect(rejection(guard, contextFor(serviceClient, { response_type: 'code' })).error).toBe('unauthorized_client');
    expect(rejection(guard, contextFor(serviceClient, { response_type: 'token' })).error).toBe('unauthorized_client');
  });

  it.each([
    [{ response_type: 'token' }, 'unsupported_response_type'],
    [{ response_type: 'code token' }, 'unsupported_response_type'],
    [{}, 'invalid_request'],
    [{ response_type: 'code', response_mode: 'fragment' }, 'invalid_request'],
    [{ response_type: 'code', response_mode: 'form_post' }, 'invalid_request'],
    [{ response_type: ['code', 'code'] }, 'invalid_request'],
    [{ response_type: 'code', scope: ['openid', 'email'] }, 'invalid_request'],
    [{ response_type: 'code', request: 'eyJ...' }, 'request_not_supported'],
    [{ response_type: 'code', request_uri: 'urn:x' }, 'request_uri_not_supported'],
  ])('%j → %s', (query, error) => {
    expect(rejection(guard, contextFor(codeClient, query as Record<string, string | string[]>)).error).toBe(error);
  });
});

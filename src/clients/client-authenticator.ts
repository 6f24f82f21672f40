import { Inject, Injectable } from '@nestjs/common';
import { FormBody } from '../common/form-body.js';
import { OAuthError } from '../common/oauth-error.js';
import { Client } from './client.js';
import { Clients } from './clients.js';
import { SecretVerifier } from './secret-verifier.js';

export const CLIENT_AUTH_REALM = 'sympauthy';

export type ClientAuthenticationMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** What client authentication needs of the clients slice (the unit tests pass a plain registry). */
export interface ClientLookup {
  find(clientId: string): Client | undefined;
}

export interface AuthenticatedClient {
  client: Client;
  method: ClientAuthenticationMethod;
}

interface Credentials {
  clientId: string;
  secret: string | undefined;
  method: ClientAuthenticationMethod;
  /** HTTP Basic only: form-decoding changed the secret (it held `+` or `%`). */
  secretFormDecoded: boolean;
}

/**
 * Added to a failed HTTP Basic authentication when form-decoding changed the presented secret:
 * a secret such as `openssl rand -base64` output sent without encoding loses its `+` (RFC 6749
 * §2.3.1). Depends only on what was presented, never on the client, and never quotes the secret.
 */
const FORM_ENCODING_HINT = 'HTTP Basic credentials are form-urlencoded (RFC 6749 section 2.3.1): send + as %2B and % as %25 in the client id and secret';

/**
 * Client authentication at the token, introspection and revocation endpoints (SPEC §1):
 * confidential clients with `client_secret_basic` or `client_secret_post`, public clients with
 * `none` (a `client_id` alone). Exactly one method per request (RFC 6749 §2.3).
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    @Inject(Clients) private readonly registry: ClientLookup,
    @Inject(SecretVerifier) private readonly verifier: SecretVerifier,
  ) {}

  async authenticate(authorization: string | undefined, body: FormBody): Promise<AuthenticatedClient> {
    const credentials = this.extractCredentials(authorization, body);
    const basicTried = credentials.method === 'client_secret_basic';
    const fail = (description: string) => OAuthError.invalidClient(description, basicTried, CLIENT_AUTH_REALM);
    const failed = credentials.secretFormDecoded ? `client authentication failed; ${FORM_ENCODING_HINT}` : 'client authentication failed';

    const client = this.registry.find(credentials.clientId);
    if (!client) throw fail(failed);
    if (client.isPublic) {
      if (credentials.secret !== undefined) throw fail('a public client must not send a client secret');
      return { client, method: 'none' };
    }
    if (credentials.secret === undefined || !client.secret) throw fail('client authentication failed: a confidential client must send its secret');
    if (!(await this.verifier.verify(client.id, credentials.secret, client.secret))) throw fail(failed);
    return { client, method: credentials.method };
  }

  private extractCredentials(authorization: string | undefined, body: FormBody): Credentials {
    const bodyId = body.get('client_id');
    const bodySecret = body.get('client_secret');
    if (isBasicAuthorization(authorization)) {
      const basic = parseBasic(authorization);
      if ('malformed' in basic) {
        const description = basic.malformed === 'percent-encoding'
          ? `malformed HTTP Basic credentials; ${FORM_ENCODING_HINT}` : 'malformed HTTP Basic credentials';
        throw OAuthError.invalidClient(description, true, CLIENT_AUTH_REALM);
      }
      if (bodySecret !== undefined) {
        throw OAuthError.invalidRequest('use one client authentication method: HTTP Basic or client_secret in the body, not both');
      }
      if (bodyId !== undefined && bodyId !== basic.clientId) {
        throw OAuthError.invalidRequest('client_id in the body differs from the HTTP Basic client');
      }
      // One object shape for every method (no spread): this runs on every authenticated request.
      return { clientId: basic.clientId, secret: basic.secret, method: 'client_secret_basic', secretFormDecoded: basic.secretFormDecoded };
    }
    if (bodyId === undefined || bodyId === '') {
      throw OAuthError.invalidClient('client authentication is required: send client_id (and client_secret for a confidential client)', false, CLIENT_AUTH_REALM);
    }
    return { clientId: bodyId, secret: bodySecret, method: bodySecret === undefined ? 'none' : 'client_secret_post', secretFormDecoded: false };
  }
}

/** Does the request authenticate with HTTP Basic (whatever the credentials' shape)? */
export function isBasicAuthorization(authorization: string | undefined): authorization is string {
  return authorization !== undefined && /^basic(\s|$)/i.test(authorization);
}

export interface BasicCredentials {
  clientId: string;
  secret: string;
  /** Form-decoding changed the secret: it held `+` or a `%` sequence. */
  secretFormDecoded: boolean;
}

/**
 * `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1: the id
 * and secret are form-urlencoded before being used as user name and password). A malformed
 * header says whether its fault is an invalid `%` sequence.
 */
export function parseBasic(header: string): BasicCredentials | { malformed: 'shape' | 'percent-encoding' } {
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return { malformed: 'shape' };
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return { malformed: 'shape' };
  const rawSecret = decoded.slice(colon + 1);
  try {
    const clientId = formDecode(decoded.slice(0, colon));
    const secret = formDecode(rawSecret);
    return { clientId, secret, secretFormDecoded: secret !== rawSecret };
  } catch {
    return { malformed: 'percent-encoding' };
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

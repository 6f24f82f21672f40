import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { constantTimeEquals } from '../../common/secure-tokens.js';
import { ActiveKeys } from '../../keys/active-keys.js';

/**
 * The CSRF token of the logout confirmation form: an HMAC of the session's store key under a
 * secret derived from the signing keys. Only the browser holding the session cookie can show the
 * page that carries it, every replica computes the same, and nothing is stored. A token made
 * with a key that is still configured (rotation) is accepted.
 */
@Injectable()
export class LogoutCsrf {
  private readonly secrets: () => readonly { kid: string; secret: Buffer }[];

  constructor(keys: ActiveKeys) {
    this.secrets = keys.secretsFor('logout form');
  }

  tokenFor(sessionIdHash: string): string {
    return mac(this.secrets()[0].secret, sessionIdHash);
  }

  matches(token: string, sessionIdHash: string): boolean {
    return this.secrets().some(({ secret }) => constantTimeEquals(token, mac(secret, sessionIdHash)));
  }
}

function mac(secret: Buffer, sessionIdHash: string): string {
  return createHmac('sha256', secret).update(`logout:${sessionIdHash}`).digest('base64url');
}

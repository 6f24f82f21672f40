import { Injectable } from '@nestjs/common';
import { LiveConfiguration } from '../live-config/live-configuration.js';
import { KeyPurpose, SigningKey, SigningKeys } from './signing-keys.js';
import type { SigningAlgorithm } from '../config/sympauthy-config.js';

/**
 * The keys slice: the signing keys of the configuration in force (a reload rotates them without
 * a restart), and what is derived from them once per configuration (the JWKS document, shared
 * MAC secrets).
 */
@Injectable()
export class ActiveKeys {
  private readonly keys: () => SigningKeys;
  private readonly jwksDocument: () => string;

  constructor(private readonly live: LiveConfiguration) {
    this.keys = live.select((s) => s.keys);
    this.jwksDocument = live.select((s) => JSON.stringify(s.keys.jwks()));
  }

  /** The key that signs new tokens of this purpose. */
  active(purpose: KeyPurpose): SigningKey {
    return this.keys().active(purpose);
  }

  /** A key that may verify a token (any purpose), by `kid`. */
  find(kid: string): SigningKey | undefined {
    return this.keys().find(kid);
  }

  algorithms(purpose: KeyPurpose): SigningAlgorithm[] {
    return this.keys().algorithms(purpose);
  }

  /** `GET /.well-known/public.jwk`, serialized once per configuration. */
  get jwks(): string {
    return this.jwksDocument();
  }

  /**
   * A getter of MAC secrets derived from the access-token keys for `info` (signing key first),
   * derived again only after a reload. Call once per use site, at construction.
   */
  secretsFor(info: string): () => readonly { kid: string; secret: Buffer }[] {
    return this.live.select((s) => s.keys.derivedSecrets(info));
  }
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BCRYPT_MAX_BYTES, BcryptLimiter } from '../common/bcrypt-limiter.js';
import { ClientSecret } from './client.js';

export interface SecretVerifierOptions {
  /** How long a successful bcrypt verification is remembered. */
  cacheTtlMs: number;
  /** Upper bound on remembered verifications; the oldest is forgotten first. */
  cacheMaxEntries: number;
}

const DEFAULT_OPTIONS: SecretVerifierOptions = { cacheTtlMs: 60_000, cacheMaxEntries: 10_000 };

/**
 * Verifies presented client secrets. Plain secrets are compared as SHA-256 digests with
 * `crypto.timingSafeEqual` (constant time, equal lengths). bcrypt hashes cost tens of ms per
 * compare (run on libuv's thread pool by bcrypt's async API), so a *successful* verification is
 * remembered for a short time, keyed by an HMAC of client id, configured hash and presented
 * secret under a per-process random key: the cache never holds the secret nor a hash that could
 * be attacked offline without that key, and a secret changed by a reload is refused at once.
 * Concurrent verifications of the same presented secret share one compare.
 */
export class SecretVerifier {
  private readonly cacheKey = randomBytes(32);
  private readonly verified = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly options: SecretVerifierOptions;

  constructor(
    private readonly limiter: BcryptLimiter = new BcryptLimiter(),
    options: Partial<SecretVerifierOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  async verify(clientId: string, presented: string, secret: ClientSecret): Promise<boolean> {
    if (secret.kind === 'plain') {
      const digest = createHash('sha256').update(presented, 'utf8').digest();
      return timingSafeEqual(digest, secret.sha256);
    }
    // bcrypt only looks at the first 72 bytes: a longer presented secret must not pass on its prefix.
    if (Buffer.byteLength(presented, 'utf8') > BCRYPT_MAX_BYTES) return false;
    // The configured hash is part of the key: once a reload changes the secret, the old one is refused at once.
    const key = createHmac('sha256', this.cacheKey).update(clientId).update('\0').update(secret.hash).update('\0').update(presented).digest('base64');
    const expires = this.verified.get(key);
    if (expires !== undefined) {
      if (expires > this.now()) return true;
      this.verified.delete(key);
    }
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.limiter.compare(presented, secret.hash, 'client-secret').finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const ok = await pending;
    if (ok) this.remember(key);
    return ok;
  }

  private remember(key: string): void {
    // Concurrent verifications of one secret all remember it: re-insert it rather than evict another.
    this.verified.delete(key);
    if (this.verified.size >= this.options.cacheMaxEntries) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(key, this.now() + this.options.cacheTtlMs);
  }
}


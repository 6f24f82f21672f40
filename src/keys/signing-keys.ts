import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, randomBytes } from 'node:crypto';
import { ConfigErrors, keyPath } from '../config/config-errors.js';
import { readBoundedTextFile } from '../config/read-bounded-file.js';
import { KeyConfig, SigningAlgorithm } from '../config/sympauthy-config.js';

export type KeyPurpose = 'access-token' | 'id-token';

/** A public JWK as served at `/.well-known/public.jwk`: never a private member. */
export interface PublicJwk {
  kty: string;
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

export interface SigningKey {
  readonly id: string;
  readonly purpose: KeyPurpose;
  readonly algorithm: SigningAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: PublicJwk;
  /** Where the key came from, for the startup line: `file <path>`, `configuration`, or `generated`. */
  readonly source: string;
}

/** Only these JWK members may ever be served (RFC 7517/7518 public parameters). */
const PUBLIC_JWK_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;

/**
 * The signing keys per purpose. The first key of each list signs; the others are only
 * published, so a key can be rotated in without downtime (SPEC §2, Tokens).
 */
export class SigningKeys {
  private constructor(
    readonly accessToken: readonly SigningKey[],
    readonly idToken: readonly SigningKey[],
    /** The purposes whose key was generated (none configured). */
    private readonly generated: ReadonlySet<KeyPurpose> = new Set(),
  ) {}

  static fromKeys(accessToken: SigningKey[], idToken: SigningKey[]): SigningKeys {
    return new SigningKeys(accessToken, idToken);
  }

  /**
   * Loads the configured keys (every problem into `errors`). A purpose without a configured key
   * gets a generated one, or — on a reload — keeps the one `previous` generated for it, so that a
   * reload never invalidates the tokens it signed.
   */
  static build(config: { accessToken: KeyConfig[]; idToken: KeyConfig[] }, errors: ConfigErrors, warnings: string[], previous?: SigningKeys): SigningKeys {
    const ids = new Map<string, string>();
    const generated = new Set<KeyPurpose>();
    const build = (purpose: KeyPurpose, list: KeyConfig[]): SigningKey[] => {
      if (list.length === 0) {
        generated.add(purpose);
        warnings.push(`keys.${purpose}: no key configured, generated an ephemeral ES256 key. ` +
          'Tokens will not verify after a restart nor across replicas: configure keys for any real deployment.');
        const kept = previous?.generated.has(purpose) ? previous.list(purpose) : undefined;
        return kept ? [...kept] : [generateSigningKey(purpose, 'ES256', `${purpose === 'access-token' ? 'at' : 'it'}-generated-${randomBytes(4).toString('hex')}`)];
      }
      const keys: SigningKey[] = [];
      list.forEach((entry, i) => {
        const path = keyPath('keys', purpose, i);
        if (ids.has(entry.id)) errors.add(keyPath(path, 'id'), `duplicate key id ${entry.id} (also at ${ids.get(entry.id)})`);
        else ids.set(entry.id, path);
        const key = loadKey(purpose, entry, path, errors);
        if (key) keys.push(key);
      });
      return keys;
    };
    const accessToken = build('access-token', config.accessToken);
    const idToken = build('id-token', config.idToken);
    const accessPublic = new Set(accessToken.map((k) => fingerprint(k.publicKey)));
    idToken.forEach((k, i) => {
      if (accessPublic.has(fingerprint(k.publicKey))) {
        errors.add(keyPath('keys', 'id-token', i), 'must be a different key from every access-token key');
      }
    });
    return new SigningKeys(accessToken, idToken, generated);
  }

  /** The keys of one purpose, the signing key first. */
  list(purpose: KeyPurpose): readonly SigningKey[] {
    return purpose === 'access-token' ? this.accessToken : this.idToken;
  }

  /** The key that signs new tokens of this purpose. */
  active(purpose: KeyPurpose): SigningKey {
    return this.list(purpose)[0];
  }

  /** Every key, of both purposes, that may still verify a live token. */
  get all(): SigningKey[] {
    return [...this.accessToken, ...this.idToken];
  }

  find(kid: string): SigningKey | undefined {
    return this.all.find((k) => k.id === kid);
  }

  /** The JSON Web Key Set: public members only. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.all.map((k) => k.jwk) };
  }

  /**
   * A 256-bit secret for `info`, derived (HKDF-SHA-256) from the active access-token key: every
   * replica configured with the same keys derives the same secret, and nobody without the private
   * key can. Used where replicas must share a MAC key without another secret to configure.
   */
  derivedSecret(info: string): Buffer {
    return deriveSecret(this.active('access-token'), info);
  }

  /** {@link derivedSecret} for every access-token key, by key id, the signing key first. */
  derivedSecrets(info: string): { kid: string; secret: Buffer }[] {
    return this.accessToken.map((key) => ({ kid: key.id, secret: deriveSecret(key, info) }));
  }

  algorithms(purpose: KeyPurpose): SigningAlgorithm[] {
    return [...new Set(this.list(purpose).map((k) => k.algorithm))];
  }
}

function loadKey(purpose: KeyPurpose, entry: KeyConfig, path: string, errors: ConfigErrors): SigningKey | undefined {
  const algorithm = entry.algorithm ?? 'ES256';
  if ((entry.privateKey === undefined) === (entry.privateKeyFile === undefined)) {
    errors.add(path, 'set exactly one of private-key or private-key-file');
    return undefined;
  }
  let text: string;
  if (entry.privateKeyFile !== undefined) {
    try {
      text = readBoundedTextFile(entry.privateKeyFile);
    } catch (e) {
      errors.add(keyPath(path, 'private-key-file'), `cannot read ${entry.privateKeyFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  } else {
    text = entry.privateKey!;
  }
  const source = entry.privateKeyFile !== undefined ? 'private-key-file' : 'private-key';
  let privateKey: KeyObject;
  try {
    privateKey = parsePrivateKey(text);
  } catch {
    // Never echo the key material: only say what was expected.
    errors.add(keyPath(path, source), 'is not a private key in PKCS#8/PKCS#1/SEC1 PEM or private JWK form');
    return undefined;
  }
  const problem = algorithmMismatch(algorithm, privateKey);
  if (problem) {
    errors.add(keyPath(path, 'algorithm'), problem);
    return undefined;
  }
  return makeSigningKey(purpose, entry.id, algorithm, privateKey, entry.privateKeyFile !== undefined ? `file ${entry.privateKeyFile}` : 'configuration');
}

function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const jwk = JSON.parse(trimmed) as Record<string, unknown>;
    if (typeof jwk.d !== 'string') throw new Error('not a private JWK');
    return createPrivateKey({ key: jwk as never, format: 'jwk' });
  }
  // Environment variables often carry PEM with literal "\n" sequences.
  return createPrivateKey(trimmed.includes('\\n') ? trimmed.replace(/\\n/g, '\n') : trimmed);
}

function algorithmMismatch(algorithm: SigningAlgorithm, key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  switch (algorithm) {
    case 'ES256':
      if (type !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return `ES256 needs an EC P-256 key, got ${describe(key)}`;
      return undefined;
    case 'RS256':
      if (type !== 'rsa') return `RS256 needs an RSA key, got ${describe(key)}`;
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return 'RS256 needs an RSA key of at least 2048 bits';
      return undefined;
    case 'EdDSA':
      if (type !== 'ed25519') return `EdDSA needs an Ed25519 key, got ${describe(key)}`;
      return undefined;
  }
}

function describe(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? `${key.asymmetricKeyType} (${curve})` : String(key.asymmetricKeyType);
}

export function makeSigningKey(purpose: KeyPurpose, id: string, algorithm: SigningAlgorithm, privateKey: KeyObject, source = 'generated'): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const exported = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const jwk = { kid: id, alg: algorithm, use: 'sig' } as PublicJwk;
  for (const member of PUBLIC_JWK_MEMBERS) {
    if (exported[member] !== undefined) (jwk as unknown as Record<string, string>)[member] = exported[member];
  }
  return Object.freeze({ id, purpose, algorithm, privateKey, publicKey, jwk: Object.freeze(jwk), source });
}

export function generateSigningKey(purpose: KeyPurpose, algorithm: SigningAlgorithm, id: string): SigningKey {
  const { privateKey } =
    algorithm === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : algorithm === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  return makeSigningKey(purpose, id, algorithm, privateKey);
}

function deriveSecret(key: SigningKey, info: string): Buffer {
  const material = key.privateKey.export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(hkdfSync('sha256', material, 'sympauthy', info, 32));
}

function fingerprint(publicKey: KeyObject): string {
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}

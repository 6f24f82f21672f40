import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Algorithm = 'ES256' | 'RS256' | 'EdDSA';

export interface TestKey {
  privateKey: KeyObject;
  /** PKCS#8 PEM text. */
  pem: string;
  /** The private JWK as a JSON string. */
  jwkJson: string;
}

/** A fresh key pair for `algorithm` (or an explicit type, to build mismatches). */
export function generateTestKey(algorithm: Algorithm | 'RSA-1024' | 'P-384'): TestKey {
  const { privateKey } =
    algorithm === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : algorithm === 'P-384' ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
        : algorithm === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
          : algorithm === 'RSA-1024' ? generateKeyPairSync('rsa', { modulusLength: 1024 })
            : generateKeyPairSync('ed25519');
  return {
    privateKey,
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    jwkJson: JSON.stringify(privateKey.export({ format: 'jwk' })),
  };
}

/** Writes `content` to a fresh temp file (mode 0600, as a mounted secret) and returns its path. */
export function writeKeyFile(content: string, name = 'key.pem'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sympauthy-key-')), name);
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

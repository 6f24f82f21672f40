// Writes access-token.pem and id-token.pem (ES256, PKCS#8 PEM) into a directory, once: existing
// keys are kept, so every replica and every restart signs with the same keys.
// Usage: node generate-keys.mjs <directory> [owner uid]
import { generateKeyPairSync } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [directory, owner] = process.argv.slice(2);
if (!directory) {
  process.stderr.write('usage: node generate-keys.mjs <directory> [owner uid]\n');
  process.exit(2);
}
mkdirSync(directory, { recursive: true });
for (const name of ['access-token.pem', 'id-token.pem']) {
  const path = join(directory, name);
  if (existsSync(path)) {
    process.stdout.write(`${path}: kept\n`);
    continue;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o400, flag: 'wx' });
  if (owner !== undefined) chownSync(path, Number(owner), Number(owner));
  process.stdout.write(`${path}: generated\n`);
}

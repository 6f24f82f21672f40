// Micro-benchmark behind the choice of library for DPoP proofs (issue 11, item 1): importing the
// proof's public JWK and computing its RFC 7638 thumbprint, then verifying the proof's signature,
// with jose (WebCrypto) and with node:crypto. Run: `node bench/dpop-jwk-micro.mjs` (no build
// needed). Prints the median CPU µs per operation (user + system of the whole process, so work
// that WebCrypto hands to libuv's threads counts too, and other processes on a busy machine do
// not) of BENCH_MICRO_ROUNDS (default 7) interleaved rounds of BENCH_MICRO_ITERATIONS (default
// 2000) operations, per algorithm, and the wall-clock µs beside it.
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';

const ITERATIONS = Number(process.env.BENCH_MICRO_ITERATIONS ?? 2000);
const ROUNDS = Number(process.env.BENCH_MICRO_ROUNDS ?? 7);

const KEYS = {
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: () => generateKeyPairSync('ed25519'),
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
const REQUIRED = { EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'], RSA: ['e', 'kty', 'n'] };

function nodeThumbprint(jwk) {
  const members = {};
  for (const name of REQUIRED[jwk.kty]) members[name] = jwk[name];
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** A DPoP proof as a client makes it (fresh jti), signed with node:crypto. */
function proof(alg, privateKey, jwk) {
  const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg, jwk })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ jti: crypto.randomUUID(), htm: 'POST', htu: 'https://as.test/token', iat: Math.floor(Date.now() / 1000) })).toString('base64url');
  const input = `${header}.${payload}`;
  const signature = sign(alg === 'EdDSA' ? null : 'sha256', Buffer.from(input), alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

function nodeVerify(alg, token, key) {
  const [h, p, s] = token.split('.');
  return verify(alg === 'EdDSA' ? null : 'sha256', Buffer.from(`${h}.${p}`), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, Buffer.from(s, 'base64url'));
}

async function timed(fn) {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) await fn(i);
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / ITERATIONS, wall: Number(process.hrtime.bigint() - started) / 1e3 / ITERATIONS };
}

console.log(`node ${process.version}, jose ${(await import('jose/package.json', { with: { type: 'json' } }).catch(() => ({ default: {} }))).default.version ?? '?'}, ` +
  `${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const [alg, generate] of Object.entries(KEYS)) {
  const { privateKey, publicKey } = generate();
  const jwk = publicKey.export({ format: 'jwk' });
  const joseKey = await importJWK(jwk, alg);
  const proofs = Array.from({ length: ITERATIONS }, () => proof(alg, privateKey, jwk));
  // Each case does what the server does per proof: a fresh JSON parse of the header's jwk (as it
  // arrives), then the operation.
  const jwkText = JSON.stringify(jwk);
  const cases = {
    'import jwk: node createPublicKey': () => createPublicKey({ key: JSON.parse(jwkText), format: 'jwk' }),
    'import jwk: jose importJWK': () => importJWK(JSON.parse(jwkText), alg),
    'thumbprint: node createHash': () => nodeThumbprint(JSON.parse(jwkText)),
    'thumbprint: jose calculateJwkThumbprint': () => calculateJwkThumbprint(JSON.parse(jwkText)),
    'verify signature: node crypto.verify': (i) => nodeVerify(alg, proofs[i], publicKey),
    'verify signature: jose compactVerify': (i) => compactVerify(proofs[i], joseKey),
    'import + thumbprint + verify: node': (i) => {
      const parsed = JSON.parse(jwkText);
      nodeThumbprint(parsed);
      return nodeVerify(alg, proofs[i], createPublicKey({ key: parsed, format: 'jwk' }));
    },
    'import + thumbprint + verify: jose': async (i) => {
      const parsed = JSON.parse(jwkText);
      await calculateJwkThumbprint(parsed);
      return compactVerify(proofs[i], await importJWK(parsed, alg));
    },
  };
  const results = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (const fn of Object.values(cases)) await timed(fn); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(cases)) results[name].push(await timed(fn));
  }
  console.log(`\n${alg} (median of ${ROUNDS} rounds × ${ITERATIONS}, µs per operation: CPU, wall)`);
  for (const [name, values] of Object.entries(results)) {
    const cpu = median(values.map((v) => v.cpu)).toFixed(1).padStart(7);
    const wall = median(values.map((v) => v.wall)).toFixed(1).padStart(7);
    console.log(`  ${name.padEnd(42)} ${cpu} ${wall}`);
  }
}

import type { ActiveKeys } from '../keys/active-keys.js';
import { DPOP_NONCE_STEP_MS, DpopNonces } from './dpop-nonces.js';

/** Nonces over the derived secrets `secrets` (signing key first), on a clock the test sets. */
function noncesWith(secrets: { kid: string; secret: Buffer }[], at: number): DpopNonces {
  const keys = { secretsFor: () => () => secrets } as unknown as ActiveKeys;
  const nonces = new DpopNonces(keys);
  nonces.now = () => at;
  return nonces;
}

const secret = (byte: number) => ({ kid: `k${byte}`, secret: Buffer.alloc(32, byte) });
const T = 1_800_000_000_000;

describe('DpopNonces', () => {
  it('accepts its nonce in its step and the next one, not two steps later', () => {
    const nonce = noncesWith([secret(1)], T).current();
    expect(noncesWith([secret(1)], T).accepts(nonce)).toBe(true);
    expect(noncesWith([secret(1)], T + DPOP_NONCE_STEP_MS).accepts(nonce)).toBe(true);
    expect(noncesWith([secret(1)], T + 2 * DPOP_NONCE_STEP_MS).accepts(nonce)).toBe(false);
  });

  it('accepts a nonce of the next step (a replica whose clock runs ahead issued it)', () => {
    const ahead = noncesWith([secret(1)], T + DPOP_NONCE_STEP_MS).current();
    expect(noncesWith([secret(1)], T).accepts(ahead)).toBe(true);
  });

  it('is the same on every replica with the same keys, and differs with other keys', () => {
    expect(noncesWith([secret(1)], T).current()).toBe(noncesWith([secret(1)], T).current());
    expect(noncesWith([secret(2)], T).accepts(noncesWith([secret(1)], T).current())).toBe(false);
  });

  it('keeps accepting the nonces of a key rotated out of first place', () => {
    const before = noncesWith([secret(1)], T).current();
    const after = noncesWith([secret(2), secret(1)], T);
    expect(after.accepts(before)).toBe(true);
    expect(after.current()).not.toBe(before);
  });

  it.each([undefined, 42, '', 'abc', 'zzzzzzzzzzzz.AAAAAAAAAAAAAAAAAAAAAA', 'x'.repeat(100)])('refuses %p', (value) => {
    expect(noncesWith([secret(1)], T).accepts(value)).toBe(false);
  });

  it('refuses a nonce whose step was altered', () => {
    const nonce = noncesWith([secret(1)], T).current();
    const [step, mac] = nonce.split('.');
    const altered = `${(parseInt(step, 36) + 1).toString(36)}.${mac}`;
    expect(noncesWith([secret(1)], T).accepts(altered)).toBe(false);
  });
});

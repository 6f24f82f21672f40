import bcrypt from 'bcrypt';
import { runNode } from './support/node-process.js';

const hashSecret = (input: string | Buffer, args: string[] = []) => runNode('cli/hash-secret.js', args, { input });

describe('npm run hash-secret', () => {
  it('hashes the secret read from stdin, without its trailing newline, at cost 10 by default', async () => {
    const result = await hashSecret('s3cret with spaces & ümlauts\n');
    expect(result.code).toBe(0);
    const hash = result.stdout.trim();
    expect(hash).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{53}$/);
    expect(await bcrypt.compare('s3cret with spaces & ümlauts', hash)).toBe(true);
    expect(await bcrypt.compare('s3cret with spaces & ümlauts\n', hash)).toBe(false);
  });

  it('removes only one trailing newline (CRLF included) and keeps a secret without one as is', async () => {
    const crlf = (await hashSecret('line\r\n')).stdout.trim();
    expect(await bcrypt.compare('line', crlf)).toBe(true);
    const twoNewlines = (await hashSecret('line\n\n')).stdout.trim();
    expect(await bcrypt.compare('line\n', twoNewlines)).toBe(true);
    const bare = (await hashSecret('line')).stdout.trim();
    expect(await bcrypt.compare('line', bare)).toBe(true);
  });

  it('takes --cost N', async () => {
    for (const [args, prefix] of [[['--cost', '4'], '$2b$04$'], [['--cost=5'], '$2b$05$']] as const) {
      const result = await hashSecret('secret', [...args]);
      expect(result.code).toBe(0);
      expect(result.stdout.startsWith(prefix)).toBe(true);
      expect(await bcrypt.compare('secret', result.stdout.trim())).toBe(true);
    }
  });

  it('accepts exactly 72 bytes and refuses 73, counting UTF-8 bytes', async () => {
    const euro72 = '€'.repeat(24); // 3 bytes each
    const accepted = await hashSecret(euro72, ['--cost', '4']);
    expect(accepted.code).toBe(0);
    expect(await bcrypt.compare(euro72, accepted.stdout.trim())).toBe(true);

    for (const tooLong of [`${euro72}a`, 'x'.repeat(200)]) {
      const refused = await hashSecret(tooLong, ['--cost', '4']);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/bcrypt uses only the first 72 bytes/);
      expect(refused.stderr).not.toContain(tooLong);
    }
  });

  it('refuses an empty secret', async () => {
    for (const input of ['', '\n']) {
      const result = await hashSecret(input);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/the secret is empty/);
    }
  });

  it('refuses a secret bcrypt would cut at a NUL character, and input that is not UTF-8', async () => {
    const nul = await hashSecret('abc\0def');
    expect(nul.code).toBe(2);
    expect(nul.stderr).toMatch(/NUL/);
    const latin1 = await hashSecret(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(latin1.code).toBe(2);
    expect(latin1.stderr).toMatch(/not valid UTF-8/);
  });

  it('refuses a secret given as an argument, without printing it', async () => {
    const result = await hashSecret('', ['argv-secret-value']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/read from standard input, never from arguments/);
    expect(result.stderr).not.toContain('argv-secret-value');
  });

  it('refuses a cost outside 4..15', async () => {
    for (const cost of ['3', '16', 'ten', '']) {
      const result = await hashSecret('secret', ['--cost', cost]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--cost must be a whole number from 4 to 15/);
    }
  });
});

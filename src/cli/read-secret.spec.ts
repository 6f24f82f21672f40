import { Readable } from 'node:stream';
import { readSecret } from './read-secret.js';

function stdinOf(readable: Readable): NodeJS.ReadStream {
  return readable as unknown as NodeJS.ReadStream;
}

describe('readSecret (not a terminal)', () => {
  it('reads all of stdin and removes one trailing newline', async () => {
    await expect(readSecret(stdinOf(Readable.from([Buffer.from('a-secret\n')])))).resolves.toBe('a-secret');
  });

  it('stops reading a never-ending input (`yes | npm run hash-secret`) after 64 KiB and fails', async () => {
    // 16 MiB stands for endless here (a test must end without the bound too).
    let produced = 0;
    const endless = new Readable({
      read() {
        if (produced >= 16 * 1024 * 1024) return void this.push(null);
        produced += 4096;
        this.push(Buffer.alloc(4096, 'y'));
      },
    });
    await expect(readSecret(stdinOf(endless))).rejects.toThrow('standard input is longer than 64 KiB (a secret bcrypt can hash is at most 72 bytes)');
    expect(produced).toBeLessThan(1024 * 1024);
  }, 10_000);
});

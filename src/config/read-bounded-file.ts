import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** The largest configuration file (YAML) read. */
export const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;
/** The largest file a value names: `${file:…}`, `private-key-file`, `store.tls.*-file`. */
export const MAX_REFERENCED_FILE_BYTES = 1024 * 1024;

/**
 * Reads a regular file of at most `maxBytes`, or throws an error whose `code` says why not: the
 * `errno` code (`ENOENT`, `EACCES`, …), `not a regular file` or `larger than N bytes`.
 *
 * `readFileSync` reads until end of file, so a path to `/dev/zero`, `/dev/urandom` or a huge file
 * would hold the event loop while memory grows without bound, and a FIFO without a writer would
 * block the process forever (at startup, in `config:check`, or in a running server on reload).
 * This opens without blocking, refuses anything that is not a regular file (directories, devices,
 * FIFOs, sockets) and stops reading past `maxBytes` — files of `/proc`, whose size reads as 0,
 * are read up to the bound too.
 */
export function readBoundedFile(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw fileError('EISDIR');
    if (!stat.isFile()) throw fileError('not a regular file');
    if (stat.size > maxBytes) throw fileError(`larger than ${maxBytes} bytes`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw fileError(`larger than ${maxBytes} bytes`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** {@link readBoundedFile} as UTF-8 text. */
export function readBoundedTextFile(path: string, maxBytes: number = MAX_REFERENCED_FILE_BYTES): string {
  return readBoundedFile(path, maxBytes).toString('utf8');
}

function fileError(code: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(code);
  error.code = code;
  return error;
}

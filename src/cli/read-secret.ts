/** Raised when the operator cancels the prompt with Ctrl-C. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** More input than this is no secret (bcrypt reads 72 bytes): reading stops and fails. */
const MAX_INPUT_BYTES = 64 * 1024;

/**
 * Reads a secret from standard input, never from arguments (they end up in shell history and in
 * process lists). On a terminal it prompts twice without echo; otherwise it reads all of stdin
 * (at most 64 KiB), which must be UTF-8, and removes one trailing newline (`echo`, here-strings and files end
 * with one).
 */
export async function readSecret(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stdin.isTTY) {
    const secret = await promptWithoutEcho(stdin, 'Secret: ');
    if (secret !== '' && (await promptWithoutEcho(stdin, 'Repeat: ')) !== secret) throw new Error('the two entries differ');
    return secret;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
    // `yes | npm run hash-secret` or `< /dev/urandom` would otherwise be read forever, memory growing.
    if (total > MAX_INPUT_BYTES) throw new Error(`standard input is longer than ${MAX_INPUT_BYTES / 1024} KiB (a secret bcrypt can hash is at most 72 bytes)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new Error('standard input is not valid UTF-8');
  }
  return text.replace(/\r?\n$/, '');
}

function promptWithoutEcho(stdin: NodeJS.ReadStream, prompt: string): Promise<string> {
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (settle: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      settle();
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return done(() => resolve(value));
        if (char === '\u0003') return done(() => reject(new PromptCancelled()));
        if (char === '\u007f' || char === '\b') value = Array.from(value).slice(0, -1).join('');
        else value += char;
      }
    };
    stdin.on('data', onData);
  });
}

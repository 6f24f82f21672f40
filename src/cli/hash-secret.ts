import bcrypt from 'bcrypt';
import { PromptCancelled, readSecret } from './read-secret.js';

/** bcrypt hashes only the first 72 bytes of its input; a longer secret would be cut silently. */
const BCRYPT_MAX_BYTES = 72;
const DEFAULT_COST = 10;
const MIN_COST = 4;
const MAX_COST = 15;

const USAGE = `usage: npm run --silent hash-secret [-- --cost N]

Reads a client secret or a user password from standard input (prompting without echo on a
terminal; otherwise all of stdin, minus one trailing newline) and prints its bcrypt hash for the
configuration. Never pass the secret as an argument: it would end up in the shell history.
  --cost N   bcrypt cost factor, ${MIN_COST} to ${MAX_COST} (default ${DEFAULT_COST})
Example: printf %s "$WEB_APP_SECRET" | npm run --silent hash-secret`;

class UsageError extends Error {}

/**
 * `hash-secret`: prints the bcrypt hash of a secret read from stdin. It needs no configuration
 * (it is how an operator repairs one), so unlike `config:check` it boots no Nest module.
 */
async function hashSecret(args: string[]): Promise<number> {
  let cost: number;
  try {
    const options = parseArguments(args);
    if (options.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    cost = options.cost;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`hash-secret: ${e.message}\n${USAGE}\n`);
    return 2;
  }

  let secret: string;
  try {
    secret = await readSecret();
  } catch (e) {
    if (e instanceof PromptCancelled) return 130;
    process.stderr.write(`hash-secret: ${(e as Error).message}\n`);
    return 2;
  }
  const problem = secretProblem(secret);
  if (problem) {
    process.stderr.write(`hash-secret: ${problem}\n`);
    return 2;
  }
  process.stdout.write(`${await bcrypt.hash(secret, cost)}\n`);
  return 0;
}

function parseArguments(args: string[]): { cost: number; help: boolean } {
  let cost = DEFAULT_COST;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') return { cost, help: true };
    let value: string | undefined;
    if (arg === '--cost') value = args[++i];
    else if (arg.startsWith('--cost=')) value = arg.slice('--cost='.length);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else throw new UsageError('the secret is read from standard input, never from arguments (they end up in shell history)');
    cost = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || cost < MIN_COST || cost > MAX_COST) {
      throw new UsageError(`--cost must be a whole number from ${MIN_COST} to ${MAX_COST}`);
    }
  }
  return { cost, help: false };
}

/** Why bcrypt cannot hash this secret faithfully, or `undefined`. Never quotes the secret. */
function secretProblem(secret: string): string | undefined {
  if (secret === '') return 'the secret is empty';
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes > BCRYPT_MAX_BYTES) {
    return `the secret is ${bytes} bytes long; bcrypt uses only the first ${BCRYPT_MAX_BYTES} bytes, ` +
      `so use a secret of at most ${BCRYPT_MAX_BYTES} bytes (UTF-8)`;
  }
  if (secret.includes('\0')) return 'the secret contains a NUL character, which bcrypt treats as its end';
  return undefined;
}

hashSecret(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (e: unknown) => {
    process.stderr.write(`hash-secret failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);

// Counts the Redis commands (= round trips: the store pipelines nothing) that our server sends
// per authorization-code flow, by watching MONITOR while a few flows run one after the other.
// Commands run inside a Lua script (source "lua") are not round trips and are left out; so is
// everything outside the bench's key prefix (other users of a shared Redis, health PINGs).
import { Redis } from 'ioredis';
import { Browser } from './browser.mjs';
import { authorizationCodeFlow } from './flow.mjs';

/** The `store` section of the bench's Redis server: BENCH_REDIS_URL (default the local 6379), its own prefix. */
export function benchRedisStore(keyPrefix) {
  return { type: 'redis', url: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379', 'key-prefix': keyPrefix };
}

/** Deletes every key under `keyPrefix` (refresh-token families live for days: not on a shared Redis). */
export async function deleteKeys(url, keyPrefix) {
  const client = new Redis(url);
  const batches = client.scanStream({ match: `${keyPrefix}*`, count: 1000 });
  try {
    for await (const keys of batches) if (keys.length) await client.unlink(...keys);
  } finally {
    client.disconnect();
  }
}

/** A started server whose stop() also deletes the keys it wrote under `keyPrefix`. */
export async function deletingKeysOnStop(started, url, keyPrefix) {
  const server = await started;
  const stop = server.stop.bind(server);
  return Object.assign(server, { stop: async () => { const exit = await stop(); await deleteKeys(url, keyPrefix); return exit; } });
}

/** The key a command addresses: EVALSHA/EVAL name it after the sha and the key count. */
function keyOf(args) {
  const [name, ...rest] = args;
  return /^eval(sha)?$/i.test(name) ? rest[2] : rest[0];
}

/**
 * Runs `flows` flows sequentially against `server` while MONITOR is on.
 * @returns {Promise<{ perFlow: number, byCommand: Record<string, number> }>} commands per flow
 */
export async function redisCommandsPerFlow(server, flow, { url, keyPrefix, flows = 20 }) {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  const monitor = await client.monitor();
  const counts = {};
  let total = 0;
  monitor.on('monitor', (_time, args, source) => {
    if (source === 'lua' || !String(keyOf(args) ?? '').startsWith(keyPrefix)) return;
    const name = String(args[0]).toUpperCase();
    counts[name] = (counts[name] ?? 0) + 1;
    total++;
  });
  const browser = new Browser();
  try {
    for (let i = 0; i < flows; i++) await authorizationCodeFlow(browser, flow);
    // MONITOR lines arrive just after the replies they describe.
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    browser.close();
    monitor.disconnect();
    client.disconnect();
  }
  const byCommand = Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, n / flows]));
  return { perFlow: total / flows, byCommand };
}

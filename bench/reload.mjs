// BENCH_RELOAD_EVERY: the configuration of our server is reloaded while a measured run's load
// runs (live configuration, SPEC §5): every N seconds the bench writes the other of two
// configurations (bench/servers.mjs ourConfig: a client more and a second published key, or
// not) and sends SIGHUP. The run's own counts say whether any request failed; this says
// whether every reload was applied, from the server's /metrics.

const SETTLE_MS = 500;

async function reloadCounts(server) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const count = (outcome) => Number(new RegExp(`^sympauthy_config_reloads_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { success: count('success'), unchanged: count('unchanged'), failure: count('failure') };
}

/**
 * Starts reloading `server` every `everySeconds`; `stop()` ends it and resolves with
 * `{ sent, applied, refused, everySeconds }` (applied: reloads the server counted as a success).
 */
export async function reloadDuring(server, everySeconds) {
  const before = await reloadCounts(server);
  let sent = 0;
  const timer = setInterval(() => {
    server.reloadConfiguration();
    sent++;
  }, everySeconds * 1000);
  return {
    async stop() {
      clearInterval(timer);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const after = await reloadCounts(server);
      return {
        everySeconds,
        sent,
        applied: after.success - before.success,
        refused: after.failure - before.failure + after.unchanged - before.unchanged,
      };
    },
  };
}

/** The failure a run gets when a reload was not applied (refused, unchanged or lost). */
export function reloadProblem(reloads) {
  if (!reloads || (reloads.applied === reloads.sent && reloads.refused === 0)) return undefined;
  return `${reloads.sent - reloads.applied} of ${reloads.sent} reloads not applied`;
}

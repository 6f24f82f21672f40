// `node bench/compare-builds.mjs`: client credentials (the ours-plain scenario) on this build, on
// this build with other node flags, on another build of the project, and on node-oidc-provider,
// interleaved round after round: "before and after in the same sitting" for a change.
//
//   COMPARE_BASELINE=/path/to/other/checkout/dist/main.js   another build (its own node_modules);
//                          it is started with this checkout's bench configuration
//   COMPARE_NODE_ARGS='--max-semi-space-size=8'   also this build with these node flags
//   COMPARE_ROUNDS=4  COMPARE_DURATION=10   rounds, seconds per run (32 connections)
//
// Build first (`npm run build`, and in the other checkout). Prints each run, then per server the
// median tokens/s, the median p99, and the peak RSS over all runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { median } from './measure.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { createFixtures, startOurServer, startPeer } from './servers.mjs';

const rounds = Number(process.env.COMPARE_ROUNDS ?? 4);
const settings = { durationSeconds: Number(process.env.COMPARE_DURATION ?? 10), warmupSeconds: 3, connections: 32 };
const dir = mkdtempSync(join(tmpdir(), 'sympauthy-compare-'));
const fixtures = createFixtures(dir, { flowCosts: [4] });
const plain = SCENARIOS.find((s) => s.name === 'ours-plain');
const peer = SCENARIOS.find((s) => s.name === 'oidc-provider');
const baseline = process.env.COMPARE_BASELINE;
const flags = process.env.COMPARE_NODE_ARGS?.split(/\s+/).filter(Boolean);

const variants = [
  { name: 'this build', scenario: plain, start: () => startOurServer(fixtures, { name: 'this', logLevel: 'warn' }) },
  ...(flags ? [{ name: `this build ${flags.join(' ')}`, scenario: plain, start: () => startOurServer(fixtures, { name: 'flags', logLevel: 'warn', nodeArgs: flags }) }] : []),
  // The other build's main.js is node's script; this checkout's dist/main.js follows as an unused argument.
  ...(baseline ? [{ name: 'baseline', scenario: plain, start: () => startOurServer(fixtures, { name: 'baseline', logLevel: 'warn', nodeArgs: [baseline], cwd: dirname(dirname(baseline)) }) }] : []),
  { name: 'oidc-provider', scenario: peer, start: () => startPeer(fixtures) },
];

try {
  for (const v of variants) {
    v.server = await v.start();
    v.options = await v.scenario.setup(v.server, fixtures);
    await v.scenario.check(v.server, fixtures, v.options);
    await v.scenario.measure(v.server, v.options, settings, 'server-warmup');
    v.runs = [];
  }
  for (let round = 1; round <= rounds; round++) {
    for (const v of variants) {
      const r = await v.scenario.measure(v.server, v.options, settings, 'run');
      v.runs.push(r);
      console.log(`round ${round} ${v.name.padEnd(24)} ${r.perSecond.toFixed(0).padStart(6)} tokens/s  p99 ${r.p99Ms.toFixed(2)} ms  RSS ${r.peakRssMiB.toFixed(0)} MiB  other load ${r.otherCpuPct?.toFixed(0)} %  non-2xx ${r.failures}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  for (const v of variants) {
    console.log(`${v.name.padEnd(24)} median ${median(v.runs.map((r) => r.perSecond)).toFixed(0)} tokens/s  p99 ${median(v.runs.map((r) => r.p99Ms)).toFixed(2)} ms  ` +
      `peak RSS ${Math.max(...v.runs.map((r) => r.peakRssMiB)).toFixed(0)} MiB  runs ${v.runs.map((r) => r.perSecond.toFixed(0)).join(' / ')}`);
  }
} finally {
  await Promise.all(variants.map((v) => v.server?.stop()));
  rmSync(dir, { recursive: true, force: true });
}

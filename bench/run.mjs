// `npm run bench`: our built server against node-oidc-provider on this machine, in two groups:
//
// - client-credentials: token issuance with autocannon (bench/scenarios.mjs SCENARIOS);
// - flow: full authorization-code round trips (authorize → sign-in → code → token) at 1, 8 and
//   32 concurrent virtual users, with a bcrypt cost-4 and a cost-10 user password
//   (flowScenarios; driven by bench/flow.mjs, the same way for both servers); and the same round
//   trip with a live session (session-ours-u8, session-oidc-provider-u8: bench/session-scenarios.mjs).
//
// Starts the servers on loopback ports (bench/servers.mjs), checks that each scenario yields what
// it claims (a real ES256 JWT access token; for a flow also an ID token and a refresh token),
// warms up, then runs each group's scenarios interleaved round after round, and prints a Markdown
// table of medians with the ratios per group. Every run is written to bench/results/ (gitignored).
//
// Environment (all optional):
//   BENCH_SCENARIOS=a,b    only these scenarios: names, globs (`flow-*-c4-u8`) or a group name
//                          (`client-credentials`, `flow`)
//   BENCH_DURATION=10      client credentials: seconds per measured run
//   BENCH_WARMUP=3         client credentials: seconds of warm-up per scenario (not measured)
//   BENCH_ROUNDS=3         client credentials: interleaved rounds
//   BENCH_CONNECTIONS=32   client credentials: concurrent connections
//   BENCH_FLOW_DURATION=8  flow: seconds per measured window
//   BENCH_FLOW_LEAD_IN=0.5 flow: seconds of load before each window (flows ending then do not count)
//   BENCH_FLOW_SERVER_WARMUP=6  flow: seconds of warm-up of each server before its first scenario,
//                          with at least 8 users (both servers need ~8 s of load to reach their
//                          steady rate: JIT)
//   BENCH_FLOW_WARMUP=0.5  flow: seconds of warm-up per scenario
//   BENCH_FLOW_ROUNDS=3    flow: interleaved rounds
//   BENCH_FLOW_USERS=1,8,32  flow: numbers of concurrent virtual users
//   BENCH_FLOW_COSTS=4,10  flow: bcrypt costs of the user's password hash
//   BENCH_FLOW_CLIENT=http flow: the virtual users' HTTP client, `http` (node:http keep-alive) or `fetch`
//   BENCH_RELOAD_EVERY=1   reload our server's configuration every N seconds during each measured
//                          run (SIGHUP, alternating two configurations; bench/reload.mjs): a
//                          non-2xx answer or a failed flow then counts as usual, and a reload not
//                          applied fails the run too. Off by default.
//   BENCH_PROFILE=name     instead: run scenario `name` once against a server started with
//                          `node --cpu-prof` and print where its CPU time goes
// The defaults take about 3 min (client credentials) + 6 min (flow) on 2 cores.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcrypt';
import { formatSummary, summarizeProfile } from './cpu-profile-summary.mjs';
import { median } from './measure.mjs';
import { flowMarkdown, machine, markdown, summarize, writeJson } from './report.mjs';
import { COMPARISONS, LATENCY_GOALS, SCENARIOS, SERVERS, flowComparisons, flowScenarios } from './scenarios.mjs';
import { createFixtures } from './servers.mjs';
import { reloadDuring, reloadProblem } from './reload.mjs';
import { sessionFlowComparisons, sessionFlowScenarios } from './session-scenarios.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(REPO, 'bench/results');
const PAUSE_MS = 500;

const number = (name, fallback) => {
  const value = process.env[name] === undefined || process.env[name] === '' ? fallback : Number(process.env[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const numbers = (name, fallback) => {
  const text = process.env[name] || fallback;
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`${name} must be a list of positive integers, got ${text}`);
  return values;
};
const settings = {
  durationSeconds: number('BENCH_DURATION', 10),
  warmupSeconds: number('BENCH_WARMUP', 3),
  rounds: number('BENCH_ROUNDS', 3),
  connections: number('BENCH_CONNECTIONS', 32),
  flowDurationSeconds: number('BENCH_FLOW_DURATION', 8),
  flowLeadInSeconds: number('BENCH_FLOW_LEAD_IN', 0.5),
  flowServerWarmupSeconds: number('BENCH_FLOW_SERVER_WARMUP', 6),
  flowWarmupSeconds: number('BENCH_FLOW_WARMUP', 0.5),
  flowRounds: number('BENCH_FLOW_ROUNDS', 3),
  flowUsers: numbers('BENCH_FLOW_USERS', '1,8,32'),
  flowCosts: numbers('BENCH_FLOW_COSTS', '4,10'),
  flowClient: process.env.BENCH_FLOW_CLIENT || 'http',
  reloadEverySeconds: process.env.BENCH_RELOAD_EVERY ? number('BENCH_RELOAD_EVERY', 1) : undefined,
};
const progress = (line) => process.stderr.write(`${line}\n`);
const pause = () => new Promise((resolve) => setTimeout(resolve, PAUSE_MS));

if (!existsSync(join(REPO, 'dist/main.js'))) {
  progress('dist/main.js is missing: run `npm run bench` (it builds first) or `npm run build`.');
  process.exit(1);
}

const GROUPS = [
  { name: 'client-credentials', scenarios: SCENARIOS, rounds: settings.rounds, comparisons: COMPARISONS, latencyGoals: LATENCY_GOALS, table: markdown },
  {
    name: 'flow',
    scenarios: [...flowScenarios({ users: settings.flowUsers, costs: settings.flowCosts }), ...sessionFlowScenarios({ costs: settings.flowCosts })],
    rounds: settings.flowRounds,
    comparisons: [...flowComparisons({ users: settings.flowUsers, costs: settings.flowCosts }), ...sessionFlowComparisons({ costs: settings.flowCosts })],
    table: flowMarkdown,
  },
];

const fixtures = createFixtures(mkdtempSync(join(tmpdir(), 'sympauthy-bench-')), { flowCosts: settings.flowCosts });
const servers = new Map();
let stopping;
async function stopAll() {
  stopping ??= stopServers([...servers.keys()]).finally(() => rmSync(fixtures.dir, { recursive: true, force: true }));
  return stopping;
}
async function stopServers(keys) {
  await Promise.all(keys.map(async (key) => {
    const pending = servers.get(key);
    servers.delete(key);
    await (await pending?.catch(() => undefined))?.stop();
  }));
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => { progress(`${signal}: stopping the servers`); void stopAll().finally(() => process.exit(130)); });
}

/** Starts a server on first use; later uses share it. */
function server(key, extra) {
  if (!servers.has(key)) {
    progress(`starting ${key}…`);
    servers.set(key, SERVERS[key](fixtures, extra));
  }
  return servers.get(key);
}

const warmedServers = new Set();

/** setup + check + warm-up of one scenario (a longer one for a server's first); returns what its runs need. */
async function prepare(scenario, extra) {
  const target = await server(scenario.server, extra);
  const options = await scenario.setup(target, fixtures);
  const checked = await scenario.check(target, fixtures, options);
  const phase = warmedServers.has(target) ? 'warmup' : 'server-warmup';
  warmedServers.add(target);
  progress(`${scenario.name}: check passed${checked ? ` (${checked})` : ''}; ${phase === 'warmup' ? 'warming up' : `warming up ${target.name}`}`);
  await scenario.measure(target, options, settings, phase);
  await pause();
  return { scenario, target, options };
}

async function run({ scenario, target, options }, label) {
  const reloading = settings.reloadEverySeconds && target.reloadConfiguration ? await reloadDuring(target, settings.reloadEverySeconds) : undefined;
  const result = await scenario.measure(target, options, settings, 'run');
  if (!target.running) throw new Error(`${target.name} died during ${scenario.name}:\n${target.output()}`);
  if (reloading) {
    result.reloads = await reloading.stop();
    const problem = reloadProblem(result.reloads);
    if (problem) {
      result.failures += 1;
      result.failureReasons = { ...result.failureReasons, [problem]: 1 };
    }
  }
  const pct = (value) => value?.toFixed(0);
  progress(`${label} ${scenario.name.padEnd(22)} ${result.perSecond.toFixed(scenario.unit === 'flows' ? 1 : 0).padStart(7)} ${scenario.unit}/s  ` +
    `p50 ${result.p50Ms?.toFixed(2)} ms  p99 ${result.p99Ms?.toFixed(2)} ms  RSS ${result.peakRssMiB.toFixed(0)} MiB  ` +
    `CPU server ${pct(result.serverCpuPct)} % (sys ${pct(result.serverSystemCpuPct)} %, main thread ${pct(result.serverMainThreadCpuPct)} %) generator ${pct(result.loadGeneratorCpuPct)} % others ${pct(result.otherCpuPct)} %` +
    (result.reloads ? `  reloads ${result.reloads.applied}/${result.reloads.sent} applied` : '') +
    (result.failures ? `  !! ${result.failures} failed ${JSON.stringify(result.failureReasons)}` : ''));
  await pause();
  return result;
}

/** BENCH_SCENARIOS entries: a scenario name, a glob over names, or a group name. */
function selected(scenario, wanted) {
  if (!wanted) return true;
  return wanted.some((entry) => entry === scenario.group
    || new RegExp(`^${entry.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(scenario.name));
}

/** Milliseconds of one bcrypt compare per cost, here (the bound a password check puts on flows/s). */
async function bcryptCompareMs(costs) {
  const result = {};
  for (const cost of costs) {
    const hash = await bcrypt.hash('bench', cost);
    const times = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await bcrypt.compare('bench', hash);
      times.push(performance.now() - started);
    }
    result[cost] = median(times);
  }
  return result;
}

async function benchmark() {
  const wanted = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim()).filter(Boolean);
  const groups = GROUPS.map((g) => ({ ...g, scenarios: g.scenarios.filter((s) => selected(s, wanted)) })).filter((g) => g.scenarios.length);
  if (groups.length === 0) {
    throw new Error(`no scenario matches ${wanted}; known: ${GROUPS.flatMap((g) => [g.name, ...g.scenarios.map((s) => s.name)]).join(', ')}`);
  }
  const started = Date.now();
  const meta = { ...settings, ...machine(), date: new Date().toISOString() };
  if (groups.some((g) => g.name === 'flow')) meta.bcryptMs = await bcryptCompareMs(settings.flowCosts);
  const tables = [];
  const summaries = {};
  const allRuns = {};
  let failed = [];

  for (const group of groups) {
    const runsByScenario = new Map(group.scenarios.map((s) => [s.name, []]));
    const interleaved = [];
    for (const scenario of group.scenarios.filter((s) => s.runs === 'interleaved')) interleaved.push(await prepare(scenario));
    for (let round = 1; round <= group.rounds; round++) {
      for (const prepared of interleaved) runsByScenario.get(prepared.scenario.name).push(await run(prepared, `${group.name} round ${round}/${group.rounds}`));
    }
    for (const scenario of group.scenarios.filter((s) => s.runs === 'once')) {
      runsByScenario.get(scenario.name).push(await run(await prepare(scenario), `${group.name} once`));
    }
    // This group's servers are not needed any more: their idle processes stay out of the next group.
    await stopServers([...new Set(group.scenarios.map((s) => s.server))]);
    const summary = summarize(group.scenarios, runsByScenario, group.comparisons, group.latencyGoals);
    summaries[group.name] = summary;
    Object.assign(allRuns, Object.fromEntries(runsByScenario));
    tables.push({ group, summary });
    failed = failed.concat(summary.rows.filter((r) => r.failures > 0).map((r) => r.name));
  }

  meta.elapsedSeconds = (Date.now() - started) / 1000;
  const file = writeJson(RESULTS, { meta, ...summaries, runs: allRuns });
  process.stdout.write(`\n${tables.map(({ group, summary }) => group.table(summary, meta)).join('\n\n')}\n\n`);
  progress(`all runs: ${file} (${meta.elapsedSeconds.toFixed(0)} s)`);
  if (failed.length) {
    progress(`failed requests or flows in: ${failed.join(', ')}: the figures of those rows do not count`);
    process.exitCode = 1;
  }
}

/** BENCH_PROFILE: one run of a scenario against a server under `node --cpu-prof`. */
async function profile(name) {
  const scenario = GROUPS.flatMap((g) => g.scenarios).find((s) => s.name === name);
  if (!scenario || !scenario.server.startsWith('ours')) throw new Error(`BENCH_PROFILE must name one of our scenarios, got ${name}`);
  const dir = join(RESULTS, 'profiles');
  const before = new Set(existsSync(dir) ? readdirSync(dir) : []);
  const prepared = await prepare(scenario, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  const result = await run(prepared, 'profiled');
  await prepared.target.stop();
  const written = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
    .map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!written.length) throw new Error(`no .cpuprofile written in ${dir}`);
  process.stdout.write(`\n${scenario.name} under --cpu-prof: ${result.perSecond.toFixed(0)} ${scenario.unit}/s (warm-up included in the profile)\n`);
  process.stdout.write(`${written[0]}\n\n${formatSummary(summarizeProfile(JSON.parse(readFileSync(written[0], 'utf8'))))}\n`);
}

try {
  if (process.env.BENCH_PROFILE) await profile(process.env.BENCH_PROFILE);
  else await benchmark();
} catch (e) {
  progress(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}

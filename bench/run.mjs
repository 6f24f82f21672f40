// `npm run bench`: token issuance of our built server against node-oidc-provider on this machine.
//
// Starts the servers on loopback ports (bench/servers.mjs), checks that each scenario yields a
// real ES256 JWT access token, warms up, then runs the scenarios of bench/scenarios.mjs with
// autocannon, interleaved round after round, and prints a Markdown table of medians with the
// ratios. Every run is written to bench/results/ (gitignored).
//
// Environment (all optional):
//   BENCH_DURATION=10      seconds per measured run
//   BENCH_WARMUP=3         seconds of warm-up per scenario (not measured)
//   BENCH_ROUNDS=3         interleaved rounds (each runs every 'interleaved' scenario once)
//   BENCH_CONNECTIONS=32   concurrent connections
//   BENCH_SCENARIOS=a,b    only these scenarios
//   BENCH_PROFILE=name     instead: run scenario `name` once against a server started with
//                          `node --cpu-prof` and print where its CPU time goes
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSummary, summarizeProfile } from './cpu-profile-summary.mjs';
import { measure } from './measure.mjs';
import { machine, markdown, summarize, writeJson } from './report.mjs';
import { COMPARISONS, LATENCY_GOALS, SCENARIOS, SERVERS } from './scenarios.mjs';
import { createFixtures } from './servers.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(REPO, 'bench/results');
const PAUSE_MS = 500;

const number = (name, fallback) => {
  const value = process.env[name] === undefined || process.env[name] === '' ? fallback : Number(process.env[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const settings = {
  durationSeconds: number('BENCH_DURATION', 10),
  warmupSeconds: number('BENCH_WARMUP', 3),
  rounds: number('BENCH_ROUNDS', 3),
  connections: number('BENCH_CONNECTIONS', 32),
};
const progress = (line) => process.stderr.write(`${line}\n`);
const pause = () => new Promise((resolve) => setTimeout(resolve, PAUSE_MS));

if (!existsSync(join(REPO, 'dist/main.js'))) {
  progress('dist/main.js is missing: run `npm run bench` (it builds first) or `npm run build`.');
  process.exit(1);
}

const fixtures = createFixtures(mkdtempSync(join(tmpdir(), 'sympauthy-bench-')));
const servers = new Map();
let stopping;
async function stopAll() {
  stopping ??= Promise.all([...servers.values()].map(async (pending) => (await pending.catch(() => undefined))?.stop()))
    .finally(() => rmSync(fixtures.dir, { recursive: true, force: true }));
  return stopping;
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

/** setup + check + warm-up of one scenario; returns what its runs need. */
async function prepare(scenario, extra) {
  const target = await server(scenario.server, extra);
  const options = await scenario.setup(target, fixtures);
  await scenario.check(target, fixtures, options);
  progress(`${scenario.name}: check passed; warming up ${settings.warmupSeconds} s`);
  await measure(target, options, { connections: settings.connections, durationSeconds: settings.warmupSeconds });
  await pause();
  return { scenario, target, options };
}

async function run({ scenario, target, options }, label) {
  const result = await measure(target, options, settings);
  if (!target.running) throw new Error(`${target.name} died during ${scenario.name}:\n${target.output()}`);
  progress(`${label} ${scenario.name.padEnd(20)} ${result.tokensPerSecond.toFixed(0).padStart(6)} tokens/s  ` +
    `p50 ${result.p50Ms?.toFixed(2)} ms  p99 ${result.p99Ms?.toFixed(2)} ms  RSS ${result.peakRssMiB.toFixed(0)} MiB  ` +
    `CPU server ${result.serverCpuPct?.toFixed(0)} % (sys ${result.serverSystemCpuPct?.toFixed(0)} %) generator ${result.loadGeneratorCpuPct?.toFixed(0)} % others ${result.otherCpuPct?.toFixed(0)} %` +
    (result.non2xx + result.errors + result.timeouts ? `  !! non-2xx ${result.non2xx} errors ${result.errors} timeouts ${result.timeouts} ${JSON.stringify(result.statusCodes)}` : ''));
  await pause();
  return result;
}

async function benchmark() {
  const wanted = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim()).filter(Boolean);
  const scenarios = wanted ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;
  if (scenarios.length === 0) throw new Error(`no scenario named ${wanted}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const started = Date.now();
  const runsByScenario = new Map(scenarios.map((s) => [s.name, []]));

  const interleaved = [];
  for (const scenario of scenarios.filter((s) => s.runs === 'interleaved')) interleaved.push(await prepare(scenario));
  for (let round = 1; round <= settings.rounds; round++) {
    for (const prepared of interleaved) runsByScenario.get(prepared.scenario.name).push(await run(prepared, `round ${round}/${settings.rounds}`));
  }
  for (const scenario of scenarios.filter((s) => s.runs === 'once')) {
    runsByScenario.get(scenario.name).push(await run(await prepare(scenario), 'once'));
  }

  const meta = { ...settings, ...machine(), date: new Date().toISOString(), elapsedSeconds: (Date.now() - started) / 1000 };
  const summary = summarize(scenarios, runsByScenario, COMPARISONS, LATENCY_GOALS);
  const table = markdown(summary, meta);
  const file = writeJson(RESULTS, { meta, ...summary, runs: Object.fromEntries(runsByScenario) });
  process.stdout.write(`\n${table}\n\n`);
  progress(`all runs: ${file} (${meta.elapsedSeconds.toFixed(0)} s)`);
  const failed = summary.rows.filter((r) => r.failures > 0);
  if (failed.length) {
    progress(`non-2xx answers or errors in: ${failed.map((r) => r.name).join(', ')}: the figures of those rows do not count`);
    process.exitCode = 1;
  }
}

/** BENCH_PROFILE: one run of a scenario against a server under `node --cpu-prof`. */
async function profile(name) {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario || !scenario.server.startsWith('ours')) throw new Error(`BENCH_PROFILE must name one of our scenarios, got ${name}`);
  const dir = join(RESULTS, 'profiles');
  const before = new Set(existsSync(dir) ? readdirSync(dir) : []);
  const prepared = await prepare(scenario, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  const result = await run(prepared, 'profiled');
  await prepared.target.stop();
  const written = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
    .map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!written.length) throw new Error(`no .cpuprofile written in ${dir}`);
  process.stdout.write(`\n${scenario.name} under --cpu-prof: ${result.tokensPerSecond.toFixed(0)} tokens/s (warm-up included in the profile)\n`);
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

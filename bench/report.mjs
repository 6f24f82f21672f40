// Turns the runs into rows (medians), ratios, a Markdown table and a JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { median } from './measure.mjs';

export function summarize(scenarios, runsByScenario, comparisons, latencyGoals = {}) {
  const rows = scenarios.filter((s) => runsByScenario.has(s.name)).map((scenario) => {
    const runs = runsByScenario.get(scenario.name);
    const failures = runs.reduce((n, r) => n + r.failures, 0);
    const row = {
      name: scenario.name,
      description: scenario.description,
      unit: scenario.unit,
      serverLabel: scenario.serverLabel,
      users: scenario.users,
      cost: scenario.cost,
      noPasswordCheck: scenario.noPasswordCheck,
      runs: runs.length,
      perSecond: median(runs.map((r) => r.perSecond)),
      perSecondPerRun: runs.map((r) => r.perSecond),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
      serverCpuPct: median(runs.map((r) => r.serverCpuPct)),
      serverMainThreadCpuPct: median(runs.map((r) => r.serverMainThreadCpuPct)),
      loadGeneratorCpuPct: median(runs.map((r) => r.loadGeneratorCpuPct)),
      otherCpuPct: median(runs.map((r) => r.otherCpuPct)),
      requestsPerFlow: median(runs.map((r) => r.requestsPerFlow)),
      redisCommandsPerFlow: runs[0]?.redisCommandsPerFlow,
      untilCodeP50Ms: median(runs.map((r) => r.untilCodeP50Ms)),
      tokenP50Ms: median(runs.map((r) => r.tokenP50Ms)),
      failures,
      failureReasons: mergeCounts(runs.map((r) => r.failureReasons ?? {})),
      reloads: runs.some((r) => r.reloads) ? mergeCounts(runs.map((r) => ({ sent: r.reloads?.sent ?? 0, applied: r.reloads?.applied ?? 0 }))) : undefined,
      flags: [],
    };
    if (failures > 0) row.flags.push(`${failures} failed (${Object.entries(row.failureReasons).map(([k, v]) => `${k}: ${v}`).join(', ')})`);
    const goal = latencyGoals[scenario.name];
    if (goal?.p99MaxMs !== undefined && !(row.p99Ms < goal.p99MaxMs)) row.flags.push(`p99 ≥ ${goal.p99MaxMs} ms`);
    return row;
  });
  const byName = new Map(rows.map((r) => [r.name, r]));
  const ratios = comparisons
    .filter((c) => byName.has(c.numerator) && byName.has(c.denominator))
    .map((c) => {
      const value = byName.get(c.numerator).perSecond / byName.get(c.denominator).perSecond;
      return { ...c, value, met: c.goal && Number.isFinite(value) ? value >= c.goal.min : undefined };
    });
  return { rows, ratios };
}

function mergeCounts(list) {
  const merged = {};
  for (const counts of list) for (const [key, n] of Object.entries(counts)) merged[key] = (merged[key] ?? 0) + n;
  return merged;
}

const fixed = (value, digits) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));

const ratioTable = (ratios) => [
  '| ratio (median per second) | value | goal | |',
  '|---|---:|---|---|',
  ...ratios.map((r) => `| ${r.name} | ${fixed(r.value, 2)} | ${r.goalText ?? ''} | ${r.met === undefined ? '' : r.met ? 'met' : '**not met**'} |`),
];

const CPU_NOTE = 'server CPU %: of one core, median; other load %: CPU used by other processes than the server and the load generator, ' +
  'of all cores, median (above a few % the figures are disturbed).';

export function markdown({ rows, ratios }, meta) {
  const lines = [
    `Client-credentials token issuance, ${meta.connections} connections, ${meta.durationSeconds} s per run, ` +
      `median of ${meta.rounds} interleaved runs (${meta.cpuCount} × ${meta.cpuModel}, Node ${meta.node}, ${meta.date}).`,
    '',
    ...reloadNote(rows, meta),
    '| scenario | tokens/s (median) | runs (tokens/s) | p50 ms | p99 ms | peak RSS MiB | server CPU % | other load % | non-2xx | notes |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.name} | ${fixed(r.perSecond, 0)} | ${r.perSecondPerRun.map((v) => v.toFixed(0)).join(' / ')} | ` +
      `${fixed(r.p50Ms, 2)} | ${fixed(r.p99Ms, 2)} | ${fixed(r.peakRssMiB, 0)} | ${fixed(r.serverCpuPct, 0)} | ${fixed(r.otherCpuPct, 0)} | ${r.failures} | ` +
      `${r.flags.length ? `**${r.flags.join('; ')}**` : r.description} |`),
    '',
    CPU_NOTE,
    '',
    ...ratioTable(ratios),
  ];
  return lines.join('\n');
}

/**
 * The flow table: one row per server × cost × users, then ours / peer at each point, with the
 * bound the user's bcrypt compare puts on any server (`bcryptMs`: cost → ms of one compare).
 */
export function flowMarkdown({ rows, ratios }, meta) {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const bound = (cost) => (meta.bcryptMs?.[cost] ? (1000 * meta.cpuCount) / meta.bcryptMs[cost] : undefined);
  const lines = [
    `Authorization-code round trips (authorize → sign-in → code → token, fresh cookies per flow), ${meta.flowDurationSeconds} s per run after a ` +
      `${meta.flowLeadInSeconds} s lead-in, median of ${meta.flowRounds} interleaved runs, ${meta.flowClient === 'http' ? 'node:http keep-alive' : 'fetch'} ` +
      `virtual users, warm-up ${meta.flowServerWarmupSeconds} s per server + ${meta.flowWarmupSeconds} s per scenario ` +
      `(${meta.cpuCount} × ${meta.cpuModel}, Node ${meta.node}, ${meta.date}).`,
    '',
    ...reloadNote(rows, meta),
    '| server | cost | users | flows/s (median) | runs (flows/s) | p50 ms | p99 ms | until code / token p50 ms | req/flow | peak RSS MiB | server CPU % (main thread) | generator CPU % | other load % | failed |',
    '|---|---:|---:|---:|---|---:|---:|---|---:|---:|---|---:|---:|---|',
    ...rows.map((r) => `| ${r.serverLabel} | ${r.cost} | ${r.users} | ${fixed(r.perSecond, 1)} | ${r.perSecondPerRun.map((v) => v.toFixed(0)).join(' / ')} | ` +
      `${fixed(r.p50Ms, 1)} | ${fixed(r.p99Ms, 1)} | ${fixed(r.untilCodeP50Ms, 1)} / ${fixed(r.tokenP50Ms, 1)} | ${fixed(r.requestsPerFlow, 0)} | ${fixed(r.peakRssMiB, 0)} | ` +
      `${fixed(r.serverCpuPct, 0)} (${fixed(r.serverMainThreadCpuPct, 0)}) | ${fixed(r.loadGeneratorCpuPct, 0)} | ${fixed(r.otherCpuPct, 0)} | ${r.flags.length ? `**${r.flags.join('; ')}**` : r.failures} |`),
    '',
    `${CPU_NOTE} (main thread): the event loop's share, the rest is libuv's thread pool (bcrypt, signing), GC and other threads. ` +
      'generator CPU %: the bench process driving the browsers, of one core. ' +
      `One bcrypt compare in the bench process: ${Object.entries(meta.bcryptMs ?? {}).map(([cost, ms]) => `cost ${cost} ${ms.toFixed(1)} ms`).join(', ')}; ` +
      `"bcrypt bound" = ${meta.cpuCount} cores / that time, the most flows/s any server could sign in with nothing else to do.`,
    ...rows.filter((r) => r.redisCommandsPerFlow !== undefined).slice(0, 1).map((r) => `Redis store: ${fixed(r.redisCommandsPerFlow, 1)} round trips per flow ` +
      '(commands the server sends, counted with MONITOR over 20 sequential flows; script-internal commands excluded).'),
    '',
    '| ratio (median flows/s) | value | goal | | ours / bcrypt bound |',
    '|---|---:|---|---|---:|',
    ...ratios.map((r) => {
      const ours = byName.get(r.numerator);
      const ceiling = ours.noPasswordCheck ? undefined : bound(ours.cost);
      return `| ${r.name} | ${fixed(r.value, 2)} | ${r.goalText ?? ''} | ${r.met === undefined ? '' : r.met ? 'met' : '**not met**'} | ` +
        `${ceiling ? `${fixed(ours.perSecond / ceiling, 2)} (of ${ceiling.toFixed(0)})` : '–'} |`;
    }),
  ];
  return lines.join('\n');
}

/** With BENCH_RELOAD_EVERY: how many configuration reloads our server took during the measured runs. */
function reloadNote(rows, meta) {
  if (!meta.reloadEverySeconds) return [];
  const reloaded = rows.filter((r) => r.reloads);
  const sent = reloaded.reduce((n, r) => n + r.reloads.sent, 0);
  const applied = reloaded.reduce((n, r) => n + r.reloads.applied, 0);
  return [`Our server's configuration reloaded every ${meta.reloadEverySeconds} s during its measured runs (SIGHUP, alternating two ` +
    `configurations): ${applied} of ${sent} reloads applied; a non-2xx or failed count above 0 would be a request the reloads broke.`, ''];
}

export function machine() {
  const list = cpus();
  return { cpuCount: list.length, cpuModel: list[0]?.model?.trim() ?? 'unknown CPU', node: process.versions.node };
}

/** Writes the whole result (every run) to bench/results/<timestamp>.json and latest.json. */
export function writeJson(dir, result) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.meta.date.replace(/[:.]/g, '-')}.json`);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return file;
}

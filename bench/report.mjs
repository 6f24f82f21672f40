// Turns the runs into rows (medians), ratios, a Markdown table and a JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { median } from './measure.mjs';

export function summarize(scenarios, runsByScenario, comparisons, latencyGoals) {
  const rows = scenarios.filter((s) => runsByScenario.has(s.name)).map((scenario) => {
    const runs = runsByScenario.get(scenario.name);
    const failures = runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    const row = {
      name: scenario.name,
      description: scenario.description,
      runs: runs.length,
      tokensPerSecond: median(runs.map((r) => r.tokensPerSecond)),
      tokensPerSecondPerRun: runs.map((r) => r.tokensPerSecond),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
      serverCpuPct: median(runs.map((r) => r.serverCpuPct)),
      otherCpuPct: median(runs.map((r) => r.otherCpuPct)),
      failures,
      flags: [],
    };
    if (failures > 0) row.flags.push(`${failures} non-2xx/errors/timeouts`);
    const goal = latencyGoals[scenario.name];
    if (goal?.p99MaxMs !== undefined && !(row.p99Ms < goal.p99MaxMs)) row.flags.push(`p99 ≥ ${goal.p99MaxMs} ms`);
    return row;
  });
  const byName = new Map(rows.map((r) => [r.name, r]));
  const ratios = comparisons
    .filter((c) => byName.has(c.numerator) && byName.has(c.denominator))
    .map((c) => {
      const value = byName.get(c.numerator).tokensPerSecond / byName.get(c.denominator).tokensPerSecond;
      return { ...c, value, met: c.goal && Number.isFinite(value) ? value >= c.goal.min : undefined };
    });
  return { rows, ratios };
}

const fixed = (value, digits) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));

export function markdown({ rows, ratios }, meta) {
  const lines = [
    `Client-credentials token issuance, ${meta.connections} connections, ${meta.durationSeconds} s per run, ` +
      `median of ${meta.rounds} interleaved runs (${meta.cpuCount} × ${meta.cpuModel}, Node ${meta.node}, ${meta.date}).`,
    '',
    '| scenario | tokens/s (median) | runs (tokens/s) | p50 ms | p99 ms | peak RSS MiB | server CPU % | other load % | non-2xx | notes |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.name} | ${fixed(r.tokensPerSecond, 0)} | ${r.tokensPerSecondPerRun.map((v) => v.toFixed(0)).join(' / ')} | ` +
      `${fixed(r.p50Ms, 2)} | ${fixed(r.p99Ms, 2)} | ${fixed(r.peakRssMiB, 0)} | ${fixed(r.serverCpuPct, 0)} | ${fixed(r.otherCpuPct, 0)} | ${r.failures} | ` +
      `${r.flags.length ? `**${r.flags.join('; ')}**` : r.description} |`),
    '',
    'server CPU %: of one core, median; other load %: CPU used by other processes than the server and the load generator, ' +
      'of all cores, median (above a few % the figures are disturbed).',
    '',
    '| ratio (median tokens/s) | value | goal | |',
    '|---|---:|---|---|',
    ...ratios.map((r) => `| ${r.name} | ${fixed(r.value, 2)} | ${r.goalText ?? ''} | ${r.met === undefined ? '' : r.met ? 'met' : '**not met**'} |`),
  ];
  return lines.join('\n');
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

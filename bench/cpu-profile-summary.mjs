// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per origin
// (our code, a package in node_modules, a node internal module, GC), and who calls the hottest
// functions. Usable on its own:
//
//   node bench/cpu-profile-summary.mjs path/to/file.cpuprofile [topN]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function summarizeProfile(profile, top = 25) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id);
  const selfMicros = new Map();
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const byFunction = new Map();
  const byOrigin = new Map();
  const callersOf = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, micros] of selfMicros) {
    const { callFrame } = nodes.get(id);
    total += micros;
    if (callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    const fn = frameName(callFrame);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    // A native function (no URL: writev, a crypto binding, …) counts for the JS code that called it.
    let attributed = id;
    while (!nodes.get(attributed).callFrame.url && parents.has(attributed) && !nodes.get(attributed).callFrame.functionName.startsWith('(')) {
      attributed = parents.get(attributed);
    }
    const origin = originOf(nodes.get(attributed).callFrame);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + micros);
    const stack = [];
    for (let p = parents.get(id); p !== undefined && stack.length < 4; p = parents.get(p)) {
      const frame = nodes.get(p).callFrame;
      if (frame.functionName !== '(root)') stack.push(frameName(frame));
    }
    const callers = callersOf.get(fn) ?? new Map();
    const key = stack.join(' < ') || '(top)';
    callers.set(key, (callers.get(key) ?? 0) + micros);
    callersOf.set(fn, callers);
  }
  const busy = total - idle;
  const rank = (map, n = top) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, micros]) => ({ name, ms: micros / 1000, pctOfBusy: (100 * micros) / busy }));
  const functions = rank(byFunction);
  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    busyMs: busy / 1000,
    origins: rank(byOrigin),
    functions,
    callers: functions.slice(0, 6).map((f) => ({ name: f.name, callers: rank(callersOf.get(f.name), 3) })),
  };
}

function frameName(callFrame) {
  const where = callFrame.url ? ` ${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : '';
  return `${callFrame.functionName || '(anonymous)'}${where}`;
}

function shortUrl(url) {
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist !== -1) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function originOf({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native, uncalled)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.includes('/dist/')) return `our code: ${url.slice(url.indexOf('/dist/') + 6).split('/')[0]}`;
  if (url.startsWith('node:internal/')) return `node:internal/${url.slice(14).split('/')[0].replace(/\.js$/, '')}`;
  if (url.startsWith('node:')) return url.replace(/\.js$/, '');
  return url;
}

export function formatSummary(summary) {
  const line = (r) => `  ${r.pctOfBusy.toFixed(1).padStart(5)} %  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`;
  return [
    `CPU profile: ${summary.totalMs.toFixed(0)} ms sampled, ${summary.idleMs.toFixed(0)} ms idle, ` +
      `${summary.busyMs.toFixed(0)} ms busy (percentages: self time, of busy time)`,
    ['By origin (native code counted for its JS caller):', ...summary.origins.map(line)].join('\n'),
    ['By function:', ...summary.functions.map(line)].join('\n'),
    ['Callers of the hottest functions (nearest first):',
      ...summary.callers.flatMap((f) => [`  ${f.name}`, ...f.callers.map((c) => `  ${line(c)}`)])].join('\n'),
  ].join('\n\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/cpu-profile-summary.mjs <file.cpuprofile> [topN]\n');
    process.exit(2);
  }
  process.stdout.write(`${formatSummary(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), Number(top) || 25))}\n`);
}

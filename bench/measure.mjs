// One load run with autocannon's programmatic API, plus the server's CPU and memory while it runs
// (serverSampler, shared with the flow driver of bench/flow.mjs).
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';

const RSS_SAMPLE_MS = 200;

/**
 * Samples the server while load runs: peak RSS (every 200 ms) and CPU shares (from /proc) between
 * start() and stop().
 */
export function serverSampler(server) {
  let peakRssMiB = 0;
  let timer;
  let cpuBefore;
  const sampleRss = () => {
    const memory = server.memory();
    if (memory) peakRssMiB = Math.max(peakRssMiB, memory.rssMiB);
  };
  return {
    start() {
      sampleRss();
      timer = setInterval(sampleRss, RSS_SAMPLE_MS);
      cpuBefore = cpuTicks(server.pid);
    },
    stop() {
      clearInterval(timer);
      sampleRss();
      const cpu = cpuShares(cpuBefore, cpuTicks(server.pid));
      return { peakRssMiB, vmHwmMiB: server.memory()?.hwmMiB, ...cpu };
    },
  };
}

/**
 * Runs `options` (autocannon request options from a scenario's setup) against `server` for
 * `durationSeconds` with `connections` connections. Latencies are recorded from autocannon's
 * `response` event (float milliseconds, 2xx only) because its own histogram keeps whole ms.
 */
export function measure(server, options, { connections, durationSeconds }) {
  const latencies = [];
  const sampler = serverSampler(server);
  sampler.start();

  return new Promise((resolve, reject) => {
    // autocannon takes the path of a single request from `url` (items of `requests` keep theirs).
    const { path = '', ...rest } = options;
    const instance = autocannon({
      ...rest,
      url: server.url + path,
      connections,
      duration: durationSeconds,
    }, (error, result) => {
      const sampled = sampler.stop();
      if (error) return reject(error);
      latencies.sort((a, b) => a - b);
      resolve({
        perSecond: result['2xx'] / result.duration,
        ok: result['2xx'],
        failures: result.non2xx + result.errors + result.timeouts,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
        failureReasons: Object.fromEntries([
          ...Object.entries(result.statusCodeStats).filter(([code]) => !code.startsWith('2')).map(([code, { count }]) => [`status ${code}`, count]),
          ['errors', result.errors],
          ['timeouts', result.timeouts],
        ].filter(([, count]) => count > 0)),
        durationSeconds: result.duration,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        maxMs: latencies.at(-1),
        ...sampled,
      });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/**
 * CPU ticks (USER_HZ) from /proc: the whole machine busy, the server process, this process (the
 * load generator). Other helpers' work on the same cores shows up as the rest.
 */
function cpuTicks(pid) {
  try {
    const machine = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = machine;
    const processTicks = (file) => {
      const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
      return { user: Number(fields[11]), system: Number(fields[12]) }; // utime, stime (fields 14 and 15 of proc(5))
    };
    const server = processTicks(`/proc/${pid}/stat`);
    // The main thread (its tid is the pid): the event loop, apart from libuv's thread pool.
    const serverMain = processTicks(`/proc/${pid}/task/${pid}/stat`);
    const self = processTicks('/proc/self/stat');
    return {
      at: process.hrtime.bigint(),
      busy: user + nice + system + irq + softirq + (steal ?? 0),
      server: server.user + server.system,
      serverSystem: server.system,
      serverMain: serverMain.user + serverMain.system,
      self: self.user + self.system,
    };
  } catch {
    return undefined; // not Linux
  }
}

/** Percent of one core used by the server (and by its main thread), by the load generator, and by everything else (of all cores). */
function cpuShares(before, after) {
  if (!before || !after) return {};
  const ticksPerSecond = 100; // USER_HZ on Linux
  const seconds = Number(after.at - before.at) / 1e9;
  const pct = (ticks) => (100 * ticks) / (ticksPerSecond * seconds);
  const server = after.server - before.server;
  const self = after.self - before.self;
  return {
    serverCpuPct: pct(server),
    serverSystemCpuPct: pct(after.serverSystem - before.serverSystem),
    serverMainThreadCpuPct: pct(after.serverMain - before.serverMain),
    loadGeneratorCpuPct: pct(self),
    // Tick accounting is coarse (10 ms): a quiet machine can come out a little below zero.
    otherCpuPct: Math.max(0, pct(after.busy - before.busy - server - self) / cpus().length),
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values) {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

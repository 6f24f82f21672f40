// `npm run bench:slow-clients`: how long the built server (dist/main.js, production limits,
// config/sympauthy.yml) holds a connection for each kind of slow or idle client, and whether a
// client sending a 4 MiB body sees the 413. The tests check the same behaviour with shortened
// timeouts (test/security/slow-clients.e2e-spec.ts); this measures the real values. Takes
// about 75 s (the keep-alive timeout is 72 s). Loopback only.
//
//   SLOW_CLIENTS_SERVER=path/to/main.js   another build to measure (default dist/main.js)
//   SLOW_CLIENTS_GIVE_UP=100              seconds after which a connection counts as "held"
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SERVER = process.env.SLOW_CLIENTS_SERVER ?? `${REPO}dist/main.js`;
const GIVE_UP_MS = Number(process.env.SLOW_CLIENTS_GIVE_UP ?? 100) * 1000;

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => { const { port } = probe.address(); probe.close(() => resolve(port)); });
});
const server = spawn(process.execPath, [SERVER], { cwd: REPO, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('the server did not start')), 30_000);
  const poll = () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.destroy(); clearTimeout(timer); resolve(); });
    socket.on('error', () => setTimeout(poll, 200));
  };
  poll();
});

/** Opens a connection, sends `first`, then `drip` every `everyMs`; resolves when the server closes it (or we give up). */
function hold(first, drip, everyMs) {
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    const socket = connect(port, '127.0.0.1');
    let timer;
    const end = (closedByServer) => {
      clearInterval(timer);
      socket.destroy();
      resolve({ seconds: (Date.now() - started) / 1000, closedByServer, answer: answer.split('\r\n')[0] || '(nothing)' });
    };
    const giveUp = setTimeout(() => end(false), GIVE_UP_MS);
    socket.on('data', (d) => { answer += d.toString('latin1'); });
    socket.on('error', () => {});
    socket.on('close', () => { clearTimeout(giveUp); end(true); });
    socket.on('connect', () => {
      if (first) socket.write(first);
      if (drip) timer = setInterval(() => socket.writable && socket.write(drip), everyMs);
    });
  });
}

function fourMiB(connection, chunked) {
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', connection };
    if (!chunked) headers['content-length'] = String(4 * 1024 * 1024);
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/oauth2/token', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
    });
    req.on('error', (e) => resolve(e.code ?? e.message));
    const piece = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < 4 * 1024 * 1024) { sent += piece.length; if (!req.write(piece)) { req.once('drain', pump); return; } }
      req.end();
    };
    pump();
  });
}

const head = 'POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n';
const [slowBody, slowHead, silent, keepAlive] = await Promise.all([
  hold(head, 'a', 1000),
  hold('GET /health/live HTTP/1.1\r\n', 'X-Slow: y\r\n', 1000),
  hold('', '', 0),
  hold('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', '', 0),
]);
const oversized = {};
for (const connection of ['keep-alive', 'close']) {
  for (const chunked of [false, true]) {
    for (let i = 0; i < 20; i++) {
      const outcome = await fourMiB(connection, chunked);
      oversized[outcome] = (oversized[outcome] ?? 0) + 1;
    }
  }
}
server.kill('SIGTERM');

const row = (what, r) => `| ${what} | ${r.closedByServer ? `${r.seconds.toFixed(1)} s` : `still open after ${GIVE_UP_MS / 1000} s`} | ${r.answer} |`;
console.log(`server: ${SERVER}\n`);
console.log('| client | held for | answer |\n|---|---|---|');
console.log(row('body sent one byte a second', slowBody));
console.log(row('head sent one line a second', slowHead));
console.log(row('connects, sends nothing', silent));
console.log(row('idle after one answer (keep-alive)', keepAlive));
console.log(`\n4 MiB POST to the token endpoint, 80 tries (Content-Length and chunked, keep-alive and close): ${JSON.stringify(oversized)}`);

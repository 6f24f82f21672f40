import request from 'supertest';
import { BROKEN_CONFIG_PROBLEMS, brokenConfig } from './support/broken-config.js';
import { ServerProcess, freePort, runNode } from './support/node-process.js';
import { baseConfig, writeConfig } from './support/test-app.js';

describe('the server process (node dist/main.js)', () => {
  it('refuses a broken configuration: every problem with its key path on stderr, exit 2, never listening', async () => {
    const port = await freePort();
    const result = await runNode('main.js', [], {
      env: { SYMPAUTHY_CONFIG: writeConfig(brokenConfig()), HOST: '127.0.0.1', PORT: String(port) },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^invalid configuration \(\d+ problems\):$/m);
    for (const problem of BROKEN_CONFIG_PROBLEMS) expect(result.stderr).toMatch(problem);
    expect(result.stdout).not.toMatch(/listening/);
  });

  it('refuses an invalid PORT with the variable named', async () => {
    const result = await runNode('main.js', [], { env: { SYMPAUTHY_CONFIG: writeConfig(baseConfig()), PORT: 'eighty' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ {2}- PORT: must be a port number/m);
  });

  describe('with a valid configuration', () => {
    let server: ServerProcess;
    beforeAll(async () => {
      server = await ServerProcess.start({ SYMPAUTHY_CONFIG: writeConfig(baseConfig()), SHUTDOWN_DRAIN_DELAY: '1500ms' });
    });
    afterAll(async () => server.stop());

    it('says what started in one line, and keeps the framework\'s route mapping for the debug level', async () => {
      await server.waitFor(/"msg":"listening on /, 10_000); // the server may answer /health/live a moment before it logs
      const startup = server.printed.split('\n').filter((line) => line.startsWith('{') && !line.includes('"msg":"request"'));
      expect(startup.filter((line) => /"msg":"listening on 127\.0\.0\.1:\d+: issuer http:\/\/issuer\.test, store memory, 3 clients/.test(line))).toHaveLength(1);
      expect(server.printed).not.toMatch(/Mapped \{/);
      expect(server.printed).not.toMatch(/dependencies initialized/);
      // The two generated-key warnings and the line above: nothing else at startup.
      expect(startup.length).toBeLessThanOrEqual(3);
    });

    it('answers the liveness and readiness probes', async () => {
      const live = await request(server.url).get('/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
      const ready = await request(server.url).get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ok' });
    });

    it('on SIGTERM fails readiness while still serving during the drain delay, then exits 0', async () => {
      server.signal('SIGTERM');
      let ready = await request(server.url).get('/health/ready');
      for (let attempt = 0; ready.status === 200 && attempt < 20; attempt++) {
        await new Promise((r) => setTimeout(r, 25));
        ready = await request(server.url).get('/health/ready');
      }
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'draining' });
      const live = await request(server.url).get('/health/live');
      expect(live.status).toBe(200);

      const finished = await server.exited;
      expect(finished.code).toBe(0);
      expect(finished.stdout).toMatch(/SIGTERM: not ready, draining/);
      expect(finished.stdout).toMatch(/"msg":"stopped"/);
    });
  });
});

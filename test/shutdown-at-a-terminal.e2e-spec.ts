import request from 'supertest';
import { ServerProcess } from './support/node-process.js';
import { baseConfig, writeConfig } from './support/test-app.js';

/**
 * Stopping the server by hand: a second signal exits at once instead of waiting for the drain
 * delay, and `npm start` (a laptop, no load balancer to drain) has no drain delay unless set.
 */
describe('shutdown at a terminal', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('exits at once on a second SIGINT during the drain delay, with 130 and a warning', async () => {
    server = await ServerProcess.start({ SYMPAUTHY_CONFIG: writeConfig(baseConfig()), SHUTDOWN_DRAIN_DELAY: '10m' });
    server.signal('SIGINT');
    await server.waitFor(/SIGINT: not ready, draining for 600000 ms \(send it again to exit at once\)/, 10_000);
    expect((await request(server.url).get('/health/ready')).status).toBe(503);
    server.signal('SIGINT');
    const finished = await server.exited;
    expect(finished.code).toBe(130);
    expect(finished.stdout).toMatch(/"level":"warn".*"msg":"SIGINT again: exiting now, requests in flight are cut"/);
    expect(finished.stdout).not.toMatch(/"msg":"stopped"/);
  });

  it('exits at once on SIGTERM after SIGINT, with 143', async () => {
    server = await ServerProcess.start({ SYMPAUTHY_CONFIG: writeConfig(baseConfig()), SHUTDOWN_DRAIN_DELAY: '10m' });
    server.signal('SIGINT');
    await server.waitFor(/SIGINT: not ready, draining/, 10_000);
    server.signal('SIGTERM');
    expect((await server.exited).code).toBe(143);
  });

  it('npm start serves with no drain delay: one Ctrl-C stops it cleanly', async () => {
    server = await ServerProcess.npmRun('serve', { SYMPAUTHY_CONFIG: writeConfig(baseConfig()) });
    expect((await request(server.url).get('/health/ready')).status).toBe(200);
    server.signalGroup('SIGINT');
    const finished = await server.exited;
    expect(finished.stdout).toMatch(/"msg":"SIGINT: not ready, draining for 0 ms"/);
    expect(finished.stdout).toMatch(/"msg":"stopped"/);
    expect(finished.stdout).not.toMatch(/exiting now/);
  });

  it('npm start keeps a drain delay that is set', async () => {
    server = await ServerProcess.npmRun('serve', { SYMPAUTHY_CONFIG: writeConfig(baseConfig()), SHUTDOWN_DRAIN_DELAY: '10m' });
    server.signalGroup('SIGINT');
    await server.waitFor(/SIGINT: not ready, draining for 600000 ms/, 10_000);
  });
});

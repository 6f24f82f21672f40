import { loadConfiguration } from '../src/live-config/load-configuration.js';
import { BROKEN_CONFIG_PROBLEMS, brokenConfig, problemLines } from './support/broken-config.js';
import { runNode } from './support/node-process.js';
import { baseConfig, writeConfig } from './support/test-app.js';

const configCheck = (args: string[], env: Record<string, string> = {}) => runNode('cli/config-check.js', args, { env });

describe('npm run config:check', () => {
  it('prints every problem of a broken configuration, the same lines as server startup, and exits 2', async () => {
    const file = writeConfig(brokenConfig());
    const [checked, started] = await Promise.all([
      configCheck([file]),
      runNode('main.js', [], { env: { SYMPAUTHY_CONFIG: file, HOST: '127.0.0.1', PORT: '0' } }),
    ]);
    expect(checked.code).toBe(2);
    expect(checked.stdout).toBe('');
    for (const problem of BROKEN_CONFIG_PROBLEMS) expect(checked.stderr).toMatch(problem);
    expect(started.code).toBe(2);
    expect(problemLines(checked.stderr)).toEqual(problemLines(started.stderr));
    expect(problemLines(checked.stderr).length).toBeGreaterThanOrEqual(BROKEN_CONFIG_PROBLEMS.length);
  });

  it('accepts the example configuration with a one-line summary and exits 0', async () => {
    const example = loadConfiguration({ files: ['config/sympauthy.yml'], env: {} });
    const result = await configCheck(['config/sympauthy.yml']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      `configuration valid (config/sympauthy.yml): ${example.clients.all.length} clients, ` +
        `${example.users.size} user${example.users.size === 1 ? '' : 's'}, ` +
        `${example.keys.all.length} signing keys, store ${example.store.type}`,
    ]);
  });

  it('without arguments checks the files named by SYMPAUTHY_CONFIG', async () => {
    const [valid, broken] = await Promise.all([
      configCheck([], { SYMPAUTHY_CONFIG: writeConfig(baseConfig()) }),
      configCheck([], { SYMPAUTHY_CONFIG: writeConfig(brokenConfig()) }),
    ]);
    expect(valid.code).toBe(0);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(BROKEN_CONFIG_PROBLEMS[0]);
  });

  it('expands ${NAME} from its environment, as the server does', async () => {
    const file = writeConfig(baseConfig({ clients: { svc: { secret: '${SVC_SECRET}', 'allowed-grant-types': ['client_credentials'] } } }));
    expect((await configCheck([file])).stderr).toMatch(/clients\.svc\.secret: environment variable SVC_SECRET is not set/);
    expect((await configCheck([file], { SVC_SECRET: 'from-the-environment' })).code).toBe(0);
  });

  describe('with several files', () => {
    const base = writeConfig(baseConfig());
    const badLifespan = writeConfig({ token: { 'access-token': { lifespan: 'a while' } } });
    const goodLifespan = writeConfig({ token: { 'access-token': { lifespan: '10m' } } });
    const extraClient = writeConfig({ clients: { batch: { secret: 'batch-secret', 'allowed-grant-types': ['client_credentials'] } } });
    const lifespanProblem = /^ {2}- token\.access-token\.lifespan: must be a duration/m;

    it('merges them in order, later files winning', async () => {
      const fixedLast = await configCheck([base, badLifespan, goodLifespan]);
      expect(fixedLast.code).toBe(0);
      const brokenLast = await configCheck([base, goodLifespan, badLifespan]);
      expect(brokenLast.code).toBe(2);
      expect(brokenLast.stderr).toMatch(lifespanProblem);
    });

    it('adds the entries of every file', async () => {
      const baseClients = loadConfiguration({ files: [base], env: {} }).clients.all.length;
      const result = await configCheck([base, extraClient]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`: ${baseClients + 1} clients, `));
    });

    it('takes the same comma-separated list from SYMPAUTHY_CONFIG', async () => {
      expect((await configCheck([], { SYMPAUTHY_CONFIG: `${base},${badLifespan},${goodLifespan}` })).code).toBe(0);
      const brokenLast = await configCheck([], { SYMPAUTHY_CONFIG: `${base},${goodLifespan},${badLifespan}` });
      expect(brokenLast.code).toBe(2);
      expect(brokenLast.stderr).toMatch(lifespanProblem);
    });
  });

  it('names a file it cannot read', async () => {
    const result = await configCheck(['/nonexistent/sympauthy.yml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read configuration file \/nonexistent\/sympauthy\.yml \(ENOENT\)/);
  });

  it('rejects an unknown option', async () => {
    const result = await configCheck(['--strict']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option --strict/);
  });
});

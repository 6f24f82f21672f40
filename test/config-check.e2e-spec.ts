import { loadConfiguration } from '../src/config/load-configuration.js';
import { BROKEN_CONFIG_PROBLEMS, brokenConfig, problemLines } from './support/broken-config.js';
import { runNode } from './support/node-process.js';
import { baseConfig, writeConfig } from './support/test-app.js';

const configCheck = (args: string[], env: Record<string, string> = {}) => runNode('cli/config-check.js', args, { env });

describe('npm run config:check', () => {
  it('prints every problem of a broken configuration, the same lines as server startup, and exits 2', async () => {
    const file = writeConfig(brokenConfig());
    const checked = await configCheck([file]);
    expect(checked.code).toBe(2);
    expect(checked.stdout).toBe('');
    for (const problem of BROKEN_CONFIG_PROBLEMS) expect(checked.stderr).toMatch(problem);

    const started = await runNode('main.js', [], { env: { SYMPAUTHY_CONFIG: file, HOST: '127.0.0.1', PORT: '0' } });
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
        `${example.parsed.users.size} user${example.parsed.users.size === 1 ? '' : 's'}, ` +
        `${example.keys.all.length} signing keys, store ${example.parsed.store.type}`,
    ]);
  });

  it('without arguments checks the files named by SYMPAUTHY_CONFIG', async () => {
    const valid = await configCheck([], { SYMPAUTHY_CONFIG: writeConfig(baseConfig()) });
    expect(valid.code).toBe(0);
    const broken = await configCheck([], { SYMPAUTHY_CONFIG: writeConfig(brokenConfig()) });
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
    const redis = writeConfig({ store: { type: 'redis', url: 'redis://127.0.0.1:6379/0' } });
    const memory = writeConfig({ store: { type: 'memory' } });
    const redisWithoutUrl = writeConfig({ store: { type: 'redis' } });
    const extraClient = writeConfig({ clients: { batch: { secret: 'batch-secret', 'allowed-grant-types': ['client_credentials'] } } });

    it('merges them in order, later files winning', async () => {
      const baseClients = loadConfiguration({ files: [base], env: {} }).clients.all.length;
      const redisLast = await configCheck([base, memory, redis, extraClient]);
      expect(redisLast.code).toBe(0);
      expect(redisLast.stdout).toMatch(new RegExp(`: ${baseClients + 1} clients, .*, store redis$`, 'm'));
      const memoryLast = await configCheck([base, redis, memory]);
      expect(memoryLast.code).toBe(0);
      expect(memoryLast.stdout).toMatch(/store memory$/m);
    });

    it('reports a problem that only the merged configuration has', async () => {
      const result = await configCheck([base, redisWithoutUrl]);
      expect(result.code).toBe(2);
      expect(problemLines(result.stderr)).toEqual(['  - store.url: is required when store.type is redis']);
      expect((await configCheck([base, redisWithoutUrl, redis])).code).toBe(0);
    });

    it('takes the same comma-separated list from SYMPAUTHY_CONFIG', async () => {
      const result = await configCheck([], { SYMPAUTHY_CONFIG: `${base},${memory},${redis}` });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/store redis$/m);
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

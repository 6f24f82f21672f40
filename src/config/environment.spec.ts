import { ConfigurationError } from './config-errors.js';
import { DEFAULT_CONFIG_FILE, fastifyTrustProxy, parseTrustProxy, validateEnvironment } from './environment.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    validateEnvironment(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    return (e as ConfigurationError).problems;
  }
  throw new Error('the environment was accepted');
}

describe('validateEnvironment', () => {
  it('has a default for every variable', () => {
    const environment = validateEnvironment({});
    expect(environment).toMatchObject({
      port: 3000, host: '0.0.0.0', trustProxy: false, logLevel: 'info', shutdownDrainDelayMs: 5000,
      configFiles: [DEFAULT_CONFIG_FILE], modules: [], watchConfig: false,
    });
    expect(DEFAULT_CONFIG_FILE).toBe('config/sympauthy.yml');
  });

  it('reads every variable', () => {
    const environment = validateEnvironment({
      PORT: '8080', HOST: '127.0.0.1', TRUST_PROXY: '1', LOG_LEVEL: 'warn', SHUTDOWN_DRAIN_DELAY: '0s',
      SYMPAUTHY_CONFIG: 'a.yml', SYMPAUTHY_MODULES: '/etc/m.mjs', SYMPAUTHY_WATCH_CONFIG: 'true', UNRELATED: 'x',
    });
    expect(environment).toMatchObject({
      port: 8080, host: '127.0.0.1', trustProxy: 1, logLevel: 'warn', shutdownDrainDelayMs: 0, configFiles: ['a.yml'], modules: ['/etc/m.mjs'],
      watchConfig: true,
    });
  });

  it('keeps a copy of the variables as they were, for the ${NAME} of a reload', () => {
    const env: Record<string, string> = { SECRET_OF_A_CLIENT: 'before' };
    const environment = validateEnvironment(env);
    env.SECRET_OF_A_CLIENT = 'after';
    expect(environment.variables.SECRET_OF_A_CLIENT).toBe('before');
    expect(Object.isFrozen(environment.variables)).toBe(true);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({ PORT: '70000', TRUST_PROXY: 'yes', LOG_LEVEL: 'loud', SHUTDOWN_DRAIN_DELAY: 'soon', SYMPAUTHY_WATCH_CONFIG: 'yes' });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/^SYMPAUTHY_WATCH_CONFIG: must be true or false, got "yes"/m);
    expect(problems.join('\n')).toMatch(/^PORT: must be a port number/m);
    expect(problems.join('\n')).toMatch(/^TRUST_PROXY: must be true, false/m);
    expect(problems.join('\n')).toMatch(/^LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/m);
    expect(problems.join('\n')).toMatch(/^SHUTDOWN_DRAIN_DELAY: must be a duration/m);
  });

  it('refuses a SHUTDOWN_DRAIN_DELAY over 1d (a Node timer past 24.8 days fires after 1 ms: no drain at all)', () => {
    expect(problemsOf({ SHUTDOWN_DRAIN_DELAY: '30d' })).toEqual(['SHUTDOWN_DRAIN_DELAY: must be at most 1d, got "30d"']);
    expect(validateEnvironment({ SHUTDOWN_DRAIN_DELAY: '1d' }).shutdownDrainDelayMs).toBe(86_400_000);
  });

  it('treats an empty variable as unset', () => {
    expect(validateEnvironment({ PORT: '', LOG_LEVEL: '', SYMPAUTHY_CONFIG: '' })).toMatchObject({ port: 3000, logLevel: 'info', configFiles: [DEFAULT_CONFIG_FILE] });
  });

  it('splits SYMPAUTHY_CONFIG on commas, trims each name, keeps the order and ignores empty entries', () => {
    expect(validateEnvironment({ SYMPAUTHY_CONFIG: ' base.yml, prod.yml ,,secrets.json, ' }).configFiles).toEqual(['base.yml', 'prod.yml', 'secrets.json']);
    expect(validateEnvironment({ SYMPAUTHY_CONFIG: ' , ,' }).configFiles).toEqual([DEFAULT_CONFIG_FILE]);
  });
});

describe('TRUST_PROXY', () => {
  it('is off unless set: the TCP peer is the client address', () => {
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
  });

  it('trusts a number of hops, or a list of proxy addresses and CIDRs', () => {
    expect(parseTrustProxy('1')).toBe(1);
    const hops = fastifyTrustProxy(1) as (address: string, hop: number) => boolean;
    expect(hops('10.0.0.1', 0)).toBe(true);
    expect(hops('10.0.0.1', 1)).toBe(false);
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1, fd00::/8')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8']);
  });

  it('refuses what is neither', () => {
    expect(parseTrustProxy('yes')).toBeUndefined();
    expect(parseTrustProxy('10.0.0.0/33')).toBeUndefined();
    expect(parseTrustProxy('proxy.internal')).toBeUndefined();
  });
});

describe('Environment', () => {
  it('keeps the variables for reloads but never prints or serializes them', () => {
    const environment = validateEnvironment({ CLIENT_SECRET: 'do-not-print', PORT: '3001' });
    expect(environment.variables.CLIENT_SECRET).toBe('do-not-print');
    expect(JSON.stringify(environment)).not.toContain('do-not-print');
    expect(Object.keys(environment)).not.toContain('variables');
  });
});

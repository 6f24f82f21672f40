import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { parseDuration } from '../src/config/duration.js';
import { runNode } from './support/node-process.js';
import { ALICE_HASH } from './support/test-app.js';
import { generateTestKey } from './support/test-keys.js';

/**
 * Docker and Kubernetes do not run here: this file parses `deploy/kubernetes.yml` and
 * `docker-compose.yml`, checks the properties a deployment of several replicas depends on, and
 * runs `config:check` on the configuration each mounts (secret paths pointed at a temporary
 * directory holding files like the ones the Secret / the `keys` job provides).
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const SECRET_VALUE = 'a-secret-that-must-not-be-printed';

/** `${file:PATH}` references and `private-key-file` paths of a configuration text. */
function filesReadBy(configText: string): string[] {
  const references = [...configText.matchAll(/\$\{file:([^}]+)\}/g)].map((m) => m[1]);
  const keyFiles = [...configText.matchAll(/private-key-file:\s*(\S+)/g)].map((m) => m[1]);
  return [...references, ...keyFiles];
}

/** Runs config:check on `files`, with every path under `secretDir` moved to a temp dir holding `secrets`. */
async function configCheck(texts: string[], secretDir: string, secrets: Record<string, string>, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sympauthy-deploy-'));
  for (const [name, content] of Object.entries(secrets)) writeFileSync(join(dir, name), content);
  const files = texts.map((text, i) => {
    const file = join(dir, `config-${i}.yml`);
    writeFileSync(file, text.replaceAll(`${secretDir}/`, `${dir}/`));
    return file;
  });
  return runNode('cli/config-check.js', files, { env });
}

function secretFiles(): Record<string, string> {
  return {
    'access-token.pem': generateTestKey('ES256').pem,
    'id-token.pem': generateTestKey('ES256').pem,
    'web-app-secret': SECRET_VALUE,
    'reporting-job-secret': `${SECRET_VALUE}-2`,
    'alice-password-hash': ALICE_HASH,
  };
}

describe('deploy/kubernetes.yml', () => {
  const docs: Json[] = parseAllDocuments(readFileSync('deploy/kubernetes.yml', 'utf8')).map((d) => d.toJS());
  const find = (kind: string, name: string): Json => {
    const found = docs.find((d) => d?.kind === kind && d.metadata?.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes.yml`);
    return found;
  };
  const deployment = find('Deployment', 'sympauthy');
  const pod = deployment.spec.template.spec;
  const container = pod.containers.find((c: Json) => c.name === 'sympauthy');
  const env = (name: string): string => container.env.find((e: Json) => e.name === name)?.value;
  const mountOf = (volume: string): string => container.volumeMounts.find((m: Json) => m.name === volume)?.mountPath;
  const configMap = find('ConfigMap', 'sympauthy-config');
  const configText: string = configMap.data['sympauthy.yml'];
  const config = parse(configText);
  const secretVolume = pod.volumes.find((v: Json) => v.secret !== undefined);

  it('parses: every document has an apiVersion, a kind and a name', () => {
    expect(docs.length).toBeGreaterThanOrEqual(5);
    for (const doc of docs) expect(doc).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String), metadata: { name: expect.any(String) } });
  });

  it('runs two or more replicas on the Redis store', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(config.store).toMatchObject({ type: 'redis', url: expect.stringMatching(/^rediss?:\/\//) });
  });

  it('reads its configuration from the ConfigMap, named by SYMPAUTHY_CONFIG', () => {
    const configVolume = pod.volumes.find((v: Json) => v.configMap?.name === 'sympauthy-config');
    expect(env('SYMPAUTHY_CONFIG')).toBe(posix.join(mountOf(configVolume.name), 'sympauthy.yml'));
  });

  it('reads signing keys, client secrets and the password hash from the Secret through files, every one listed', () => {
    const mount = mountOf(secretVolume.name);
    const listed = secretVolume.secret.items.map((item: Json) => posix.join(mount, item.path));
    expect(filesReadBy(configText).sort()).toEqual([...listed].sort());
    for (const client of Object.values<Json>(config.clients)) if (!client.public) expect(client.secret).toMatch(/^\$\{file:/);
    for (const user of Object.values<Json>(config.users)) expect(user.password).toMatch(/^\$\{file:/);
    expect([...config.keys['access-token'], ...config.keys['id-token']].every((k: Json) => k['private-key-file'] !== undefined)).toBe(true);
  });

  it('has readiness and liveness probes on the health endpoints, and resources', () => {
    const port = container.ports[0].name;
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port });
    expect(container.resources).toMatchObject({ requests: { cpu: expect.anything(), memory: expect.anything() }, limits: { memory: expect.anything() } });
  });

  it('gives the pod longer to stop than the drain delay', () => {
    const drainSeconds = parseDuration(env('SHUTDOWN_DRAIN_DELAY'))! / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds);
    const detectionSeconds = container.readinessProbe.periodSeconds * container.readinessProbe.failureThreshold;
    expect(drainSeconds).toBeGreaterThan(detectionSeconds);
  });

  it('runs as a non-root user on a read-only root filesystem, for every container', () => {
    for (const deploymentName of ['sympauthy', 'redis']) {
      const spec = find('Deployment', deploymentName).spec.template.spec;
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number) });
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      }
    }
  });

  it('has a PodDisruptionBudget for the replicas that always leaves one running', () => {
    const budget = find('PodDisruptionBudget', 'sympauthy');
    expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    const unavailable = budget.spec.maxUnavailable ?? deployment.spec.replicas - budget.spec.minAvailable;
    expect(unavailable).toBeGreaterThanOrEqual(1);
    expect(unavailable).toBeLessThan(deployment.spec.replicas);
  });

  it('includes the Redis that store.url names, reachable only from the server pods', () => {
    const url = new URL(config.store.url);
    const service = find('Service', url.hostname);
    expect(service.spec.ports.map((p: Json) => p.port)).toContain(Number(url.port || 6379));
    const redis = find('Deployment', url.hostname);
    expect(redis.spec.template.metadata.labels).toEqual(service.spec.selector);
    expect(redis.spec.template.spec.containers[0].image).toMatch(/^redis:/);
    const policy = find('NetworkPolicy', url.hostname);
    expect(policy.spec.podSelector.matchLabels).toEqual(service.spec.selector);
    expect(policy.spec.ingress[0].from[0].podSelector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
  });

  it('mounts a configuration that config:check accepts (no Redis reachable), printing no secret', async () => {
    const result = await configCheck([configText], mountOf(secretVolume.name), secretFiles());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/store redis\n$/);
    expect(result.stdout).not.toContain(SECRET_VALUE);
  });
});

describe('docker-compose.yml', () => {
  const compose: Json = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true });
  const services: Record<string, Json> = compose.services;
  const replicas = Object.entries(services).filter(([, s]) => s.image === 'sympauthy-nest:local' && s.command === undefined);
  const overlayPath = 'deploy/compose/sympauthy.compose.yml';
  const overlayText = readFileSync(overlayPath, 'utf8');
  const overlay = parse(overlayText);
  /** `${NAME:-default}` → default, as Docker Compose does with the variable unset. */
  const composeDefault = (value: string): string => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

  it('runs two replicas of the server behind one published port', () => {
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    const published = Object.entries(services).filter(([, s]) => s.ports !== undefined);
    expect(published.map(([name]) => name)).toEqual(['proxy']);
    expect(services.proxy.ports).toHaveLength(1);
    expect(Object.keys(services.proxy.depends_on).sort()).toEqual(replicas.map(([name]) => name).sort());
  });

  it('proxies to every replica, which trusts exactly that one proxy for the client address', () => {
    const mount = services.proxy.volumes.find((v: string) => v.endsWith(':/etc/nginx/nginx.conf:ro'));
    const nginx = readFileSync(mount.split(':')[0], 'utf8');
    const upstreams = [...nginx.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstreams.sort()).toEqual(replicas.map(([name]) => `${name}:3000`).sort());
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    for (const [, replica] of replicas) expect(replica.environment.TRUST_PROXY).toBe('1');
  });

  it('gives every replica the Redis store, the shared keys, and the same settings', () => {
    const [[, first], ...others] = replicas;
    for (const [, other] of others) expect(other).toEqual(first);
    expect(first.depends_on.redis).toEqual({ condition: 'service_healthy' });
    expect(first.depends_on.keys).toEqual({ condition: 'service_completed_successfully' });
    expect(overlay.store).toMatchObject({ type: 'redis', url: expect.stringMatching(/^redis:\/\//) });
    expect(services[new URL(overlay.store.url).hostname].image).toMatch(/^redis:/);
    const keyDir = first.volumes.find((v: string) => v.startsWith('keys:')).split(':')[1];
    for (const path of filesReadBy(overlayText)) expect(dirname(path)).toBe(keyDir);
  });

  it('mounts every configuration file SYMPAUTHY_CONFIG names, read-only', () => {
    const [[, replica]] = replicas;
    const files: string[] = replica.environment.SYMPAUTHY_CONFIG.split(',');
    const binds = replica.volumes.filter((v: string) => v.startsWith('./')).map((v: string) => v.split(':'));
    for (const file of files) {
      const bind = binds.find(([, target]: string[]) => file.startsWith(`${target}/`));
      expect(bind).toBeDefined();
      expect(bind[2]).toBe('ro');
      expect(readFileSync(join(bind[0], file.slice(bind[1].length + 1)), 'utf8')).toBeTruthy();
    }
  });

  it('runs the server as a non-root user on a read-only filesystem, stopping after the drain', () => {
    for (const [, replica] of replicas) {
      expect(replica.user).toBe('node');
      expect(replica.read_only).toBe(true);
      const drain = parseDuration(replica.environment.SHUTDOWN_DRAIN_DELAY)!;
      expect(parseDuration(replica.stop_grace_period)).toBeGreaterThan(drain);
    }
  });

  it('generates the signing keys once, keeping them on the next run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sympauthy-keys-'));
    const script = services.keys.command[1].replace('/app/', '');
    const first = execFileSync(process.execPath, [script, dir], { encoding: 'utf8' });
    expect(first).toMatch(/access-token\.pem: generated\n.*id-token\.pem: generated/s);
    const key = readFileSync(join(dir, 'access-token.pem'), 'utf8');
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(execFileSync(process.execPath, [script, dir], { encoding: 'utf8' })).toMatch(/access-token\.pem: kept/);
    expect(readFileSync(join(dir, 'access-token.pem'), 'utf8')).toBe(key);
  });

  it('mounts a configuration that config:check accepts, with the environment it sets', async () => {
    const [[, replica]] = replicas;
    const env = Object.fromEntries(Object.entries<string>(replica.environment).map(([k, v]) => [k, composeDefault(String(v))]));
    delete env.SYMPAUTHY_CONFIG;
    const result = await configCheck([readFileSync('config/sympauthy.yml', 'utf8'), overlayText], '/run/secrets/sympauthy', secretFiles(), env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/store redis\n$/);
  });
});

import { validateEnvironment } from '../config/environment.js';
import { loadConfiguration } from './load-configuration.js';
import { startupSummary } from './startup-summary.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('startupSummary', () => {
  it('says what started in one line, the Redis store without its credentials', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'summary-')), 'c.yml');
    writeFileSync(file, 'urls:\n  root: https://auth.example.com\nstore:\n  type: redis\n  url: rediss://app:s3cret@redis.internal:6380/2\n  key-prefix: "sa:"\n  allow-generated-keys: true\n');
    const line = startupSummary(loadConfiguration({ files: [file], env: {} }), validateEnvironment({}), '0.0.0.0:3000');
    expect(line).toMatch(/^listening on 0\.0\.0\.0:3000: issuer https:\/\/auth\.example\.com, store redis \(rediss:\/\/redis\.internal:6380\/2, prefix sa:\), 0 clients, 0 configured users, keys: access-token at-generated-[0-9a-f]+ \(ES256, generated\); id-token it-generated-[0-9a-f]+ \(ES256, generated\), configuration .*c\.yml \(hash [0-9a-f]{16}\), log level info$/);
    expect(line).not.toContain('s3cret');
    expect(line).not.toContain('\n');
  });
});

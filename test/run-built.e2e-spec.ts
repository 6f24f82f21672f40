import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * `scripts/run-built.mjs`, behind `npm run config:check` and `npm run hash-secret`: from a fresh
 * clone it builds first instead of failing with MODULE_NOT_FOUND. Run here in a scratch project
 * whose `build` script writes a tiny command, so that no test rebuilds or deletes the real dist/.
 */
describe('scripts/run-built.mjs (operator commands from a checkout)', () => {
  const BUILD = "mkdir -p dist/cli && echo 'console.log(process.argv.slice(2).join(\",\"))' > dist/cli/echo.js";

  function scratchProject(withSources: boolean): string {
    const dir = mkdtempSync(join(tmpdir(), 'run-built-'));
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(resolve('scripts/run-built.mjs'), join(dir, 'scripts/run-built.mjs'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', scripts: { build: BUILD } }));
    if (withSources) {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src/echo.ts'), '');
    }
    return dir;
  }

  function run(dir: string, ...args: string[]) {
    const result = spawnSync(process.execPath, [join(dir, 'scripts/run-built.mjs'), 'cli/echo.js', ...args], {
      cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? dir }, timeout: 20_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('builds a fresh clone first, keeping stdout for the command, then runs the built command', () => {
    const dir = scratchProject(true);
    const first = run(dir, 'a', 'b');
    expect(first).toEqual({ code: 0, stdout: 'a,b\n', stderr: 'not built yet: running npm run build first\n' });
    expect(run(dir, 'c')).toEqual({ code: 0, stdout: 'c\n', stderr: '' });
  });

  it('rebuilds when a source file changed since the build', () => {
    const dir = scratchProject(true);
    run(dir);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'src/echo.ts'), later, later);
    expect(run(dir, 'x')).toEqual({ code: 0, stdout: 'x\n', stderr: 'src/ changed since the last build: running npm run build first\n' });
  });

  it('runs dist/ as shipped where there is no src/ (the image)', () => {
    const dir = scratchProject(false);
    mkdirSync(join(dir, 'dist/cli'), { recursive: true });
    writeFileSync(join(dir, 'dist/cli/echo.js'), "console.log('shipped');\n");
    expect(run(dir)).toEqual({ code: 0, stdout: 'shipped\n', stderr: '' });
  });

  it('says in one line what is missing when it can neither run nor build', () => {
    const dir = scratchProject(false);
    const result = run(dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`${join(dir, 'dist/cli/echo.js')} is missing and there is no src/ to build it from\n`);
  });

  it('says in one line that the build failed, without running anything', () => {
    const dir = scratchProject(true);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, scripts: { build: 'exit 3' } }));
    const result = run(dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n').pop()).toBe('the build failed (exit 3): fix it, then run npm run build');
  });
});

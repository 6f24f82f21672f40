// Runs one of the built operator commands (`npm run config:check`, `npm run hash-secret`):
// `node scripts/run-built.mjs cli/config-check.js [args…]` runs `dist/cli/config-check.js [args…]`
// in this process. In a checkout (src/ present) it first builds when dist/ is missing or older
// than a source file, so the commands work from a fresh clone; in the image (no src/) it runs
// dist/ as shipped. Build output goes to stderr: stdout stays the command's (a hash, a summary).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const [script, ...args] = process.argv.slice(2);
const entry = join(root, 'dist', script);
const sources = join(root, 'src');

/** Newest modification time (ms) of the files below `dir`. */
function newestChange(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (item.isFile()) newest = Math.max(newest, statSync(join(item.parentPath, item.name)).mtimeMs);
  }
  return newest;
}

if (existsSync(sources) && (!existsSync(entry) || newestChange(sources) > statSync(entry).mtimeMs)) {
  process.stderr.write(`${existsSync(entry) ? 'src/ changed since the last build' : 'not built yet'}: running npm run build first\n`);
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) {
    process.stderr.write(`the build failed (exit ${build.status ?? build.signal}): fix it, then run npm run build\n`);
    process.exit(1);
  }
}
if (!existsSync(entry)) {
  process.stderr.write(`${entry} is missing and there is no src/ to build it from\n`);
  process.exit(1);
}
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(entry).href);

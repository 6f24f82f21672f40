import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/**
 * Runs the built commands (`dist/`, made by `npm test`'s `pretest` step) as real processes, for
 * the e2e tests that need a process: exit codes, stderr, signals, a real listener.
 */

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Path of a built entry point, e.g. `main.js` or `cli/config-check.js`. */
export function built(script: string): string {
  const path = resolve('dist', script);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first (npm test builds before jest)`);
  return path;
}

/** A child's environment: only what it needs, plus `env` (no inherited secrets or NODE_OPTIONS). */
function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env };
}

/** Runs `node dist/<script> args…` to completion, feeding `input` on stdin. */
export function runNode(
  script: string,
  args: string[] = [],
  options: { env?: Record<string, string>; input?: string | Buffer; timeoutMs?: number } = {},
): Promise<Finished> {
  const child = spawn(process.execPath, [built(script), ...args], { env: childEnv(options.env ?? {}), stdio: 'pipe' });
  // EPIPE when a command exits without reading its input (a usage error); its exit tells the rest.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  return finished(child, options.timeoutMs ?? 15_000);
}

function finished(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process did not exit within ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolvePromise({ code, signal, stdout, stderr }); });
  });
}

/** A port that was free a moment ago on 127.0.0.1 (the server is started on it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePromise(port));
    });
  });
}

/** `node dist/main.js` listening on 127.0.0.1 and a free port; always `stop()` it in afterAll. */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    /** Resolves when the process has exited, with everything it printed. */
    readonly exited: Promise<Finished>,
    private readonly output: () => string,
    /** Leads its own process group (started by {@link npmRun}). */
    private readonly group: boolean,
  ) {}

  static async start(env: Record<string, string>, timeoutMs = 15_000): Promise<ServerProcess> {
    return ServerProcess.spawn(process.execPath, [built('main.js')], env, timeoutMs);
  }

  /**
   * `npm run <script>` in its own process group, as a terminal runs it: {@link signalGroup}
   * then signals npm, its shell and the server together, like Ctrl-C does.
   */
  static async npmRun(script: string, env: Record<string, string>, timeoutMs = 15_000): Promise<ServerProcess> {
    built('main.js');
    return ServerProcess.spawn('npm', ['run', '--silent', script], { HOME: process.env.HOME ?? '/tmp', ...env }, timeoutMs, true);
  }

  private static async spawn(command: string, args: string[], env: Record<string, string>, timeoutMs: number, detached = false): Promise<ServerProcess> {
    const port = await freePort();
    const child = spawn(command, args, {
      env: childEnv({ HOST: '127.0.0.1', PORT: String(port), ...env }),
      stdio: 'pipe',
      detached,
    });
    child.stdin.end();
    const exited = finished(child, 120_000);
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => { printed += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { printed += chunk.toString('utf8'); });
    const server = new ServerProcess(child, `http://127.0.0.1:${port}`, exited, () => printed, detached);
    // The "listening" line; at LOG_LEVEL=warn and above, which print none, /health/live.
    if (!['warn', 'error', 'fatal', 'silent'].includes(env.LOG_LEVEL ?? '')) {
      await server.waitFor(/"msg":"listening on /, timeoutMs);
      return server;
    }
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), timeoutMs);
    try {
      await server.pollLive(controller.signal);
    } finally {
      clearTimeout(deadline);
    }
    if (controller.signal.aborted) throw new Error(`server did not answer /health/live within ${timeoutMs} ms: ${server.printed}`);
    return server;
  }

  private async pollLive(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if ((await fetch(`${this.url}/health/live`, { signal })).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
    }
  }

  /** Everything printed so far, stdout and stderr. */
  get printed(): string {
    return this.output();
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Signals the whole process group (only for {@link npmRun}), as Ctrl-C at a terminal does. */
  signalGroup(signal: NodeJS.Signals): void {
    process.kill(-this.child.pid!, signal);
  }

  /** Kills the process if it still runs (for afterAll). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (this.group) this.signalGroup('SIGKILL');
      else this.child.kill('SIGKILL');
    }
    await this.exited.catch(() => undefined);
  }

  /** Resolves once the process has printed `pattern` on stdout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const deadline = setTimeout(() => { cleanup(); reject(new Error(`server did not print ${pattern}: ${this.printed}`)); }, timeoutMs);
      const check = () => { if (pattern.test(this.printed)) { cleanup(); resolvePromise(); } };
      const onExit = () => { cleanup(); reject(new Error(`server exited before printing ${pattern}: ${this.printed}`)); };
      const cleanup = () => {
        clearTimeout(deadline);
        this.child.stdout?.off('data', check);
        this.child.off('exit', onExit);
      };
      this.child.stdout?.on('data', check);
      this.child.once('exit', onExit);
      check();
    });
  }
}

import { ConfigurationError } from './config-errors.js';
import { validateListenerEnv } from './listener-config.js';
import { LoadedConfiguration, loadConfiguration } from './load-configuration.js';

/**
 * Everything checked before the server builds its modules: the listener environment (`PORT`,
 * `HOST`, `SHUTDOWN_DRAIN_DELAY`) and the whole configuration. Both sets of problems are
 * collected and thrown together, so the server and `config:check` print the same lines.
 */
export function validateStartup(env: Record<string, string | undefined>, files?: string[]): LoadedConfiguration {
  const problems: string[] = [];
  let configuration: LoadedConfiguration | undefined;
  collect(problems, () => validateListenerEnv(env));
  collect(problems, () => { configuration = loadConfiguration({ files, env }); });
  if (problems.length > 0 || !configuration) throw new ConfigurationError(problems);
  return configuration;
}

/** The message printed when a module fails to build from a configuration that validated. */
export function moduleStartupFailure(e: unknown): string {
  return `invalid configuration: the server's modules failed to start: ${e instanceof Error ? e.message : String(e)}`;
}

function collect(problems: string[], step: () => void): void {
  try {
    step();
  } catch (e) {
    if (!(e instanceof ConfigurationError)) throw e;
    problems.push(...e.problems);
  }
}

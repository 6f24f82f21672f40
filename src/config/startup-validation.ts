import { ConfigurationSnapshot } from '../live-config/configuration-snapshot.js';
import { loadConfiguration } from '../live-config/load-configuration.js';
import { ConfigurationError } from './config-errors.js';
import { Environment, validateEnvironment } from './environment.js';

/**
 * Everything checked before the server builds its modules: the environment (`PORT`, `HOST`,
 * `TRUST_PROXY`, `LOG_LEVEL`, `SHUTDOWN_DRAIN_DELAY`, …) and the whole configuration. Both sets
 * of problems are collected and thrown together, so the server and `config:check` print the same
 * lines.
 */
export function validateStartup(env: Record<string, string | undefined>, files?: string[]): { environment: Environment; configuration: ConfigurationSnapshot } {
  const problems: string[] = [];
  let environment: Environment | undefined;
  let configuration: ConfigurationSnapshot | undefined;
  collect(problems, () => { environment = validateEnvironment(env); });
  collect(problems, () => { configuration = loadConfiguration({ files: files ?? environment?.configFiles, env }); });
  if (problems.length > 0 || !configuration || !environment) throw new ConfigurationError(problems);
  return { environment, configuration };
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

import { ExtensionModule } from '../common/extension-modules.js';
import { loadExtensionModules } from '../extensions/extension-loader.js';
import { ConfigurationSnapshot } from '../live-config/configuration-snapshot.js';
import { loadConfiguration } from '../live-config/load-configuration.js';
import { declaredGrantTypes } from '../token/grant-handler.js';
import { ConfigurationError } from './config-errors.js';
import { Environment, validateEnvironment } from './environment.js';

export interface Startup {
  environment: Environment;
  configuration: ConfigurationSnapshot;
  extensions: ExtensionModule[];
}

/**
 * Everything checked before the server builds its modules: the environment (`PORT`, `HOST`,
 * `TRUST_PROXY`, `LOG_LEVEL`, `SHUTDOWN_DRAIN_DELAY`, …), the extension modules of
 * `SYMPAUTHY_MODULES` (loaded first: the grant types they register may be allowed to clients),
 * and the whole configuration. Every problem is collected and thrown together, so the server and
 * `config:check` print the same lines.
 */
export async function prepareStartup(
  env: Record<string, string | undefined>,
  options: { files?: string[]; extensions?: ExtensionModule[] } = {},
): Promise<Startup> {
  const problems: string[] = [];
  let environment: Environment | undefined;
  let extensions: ExtensionModule[] = [...(options.extensions ?? [])];
  let configuration: ConfigurationSnapshot | undefined;
  await collect(problems, () => { environment = validateEnvironment(env); });
  if (environment) {
    const files = environment.modules;
    await collect(problems, async () => { extensions = [...extensions, ...await loadExtensionModules(files)]; });
  }
  await collect(problems, () => {
    configuration = loadConfiguration({ files: options.files ?? environment?.configFiles, env, extensionGrantTypes: declaredGrantTypes(extensions) });
  });
  if (problems.length > 0 || !configuration || !environment) throw new ConfigurationError(problems);
  return { environment, configuration, extensions };
}

/** The message printed when a module fails to build from a configuration that validated. */
export function moduleStartupFailure(e: unknown): string {
  if (e instanceof ConfigurationError) return e.message;
  return `invalid configuration: the server's modules failed to start: ${e instanceof Error ? e.message : String(e)}`;
}

async function collect(problems: string[], step: () => void | Promise<void>): Promise<void> {
  try {
    await step();
  } catch (e) {
    if (!(e instanceof ConfigurationError)) throw e;
    problems.push(...e.problems);
  }
}

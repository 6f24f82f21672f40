import type { DynamicModule, Type } from '@nestjs/common';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigurationError } from '../config/config-errors.js';
import { ExtensionModule } from '../common/extension-modules.js';

/**
 * Loads the extension modules named by `SYMPAUTHY_MODULES` (comma-separated paths to compiled
 * ES modules). Each file's default export is a Nest module class, a dynamic module, or a list
 * of them — e.g. `export default JsonUserDirectoryModule.forFile('/etc/sympauthy/users.json')`.
 * This is how a deployment adds a grant or replaces the user directory or store without
 * rebuilding the server image: mount the file, set the variable.
 */
export async function loadExtensionModules(files: readonly string[]): Promise<ExtensionModule[]> {
  const modules: ExtensionModule[] = [];
  const problems: string[] = [];
  for (const file of files) {
    let exported: unknown;
    try {
      exported = (await import(pathToFileURL(resolve(file)).href) as { default?: unknown }).default;
    } catch (e) {
      problems.push(`SYMPAUTHY_MODULES: cannot load ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      continue;
    }
    const list = Array.isArray(exported) ? exported : [exported];
    if (list.length === 0 || !list.every(isNestModule)) {
      problems.push(`SYMPAUTHY_MODULES: ${file} must export default a Nest module, a dynamic module, or a list of them`);
      continue;
    }
    modules.push(...(list as ExtensionModule[]));
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return modules;
}

function isNestModule(value: unknown): value is Type<unknown> | DynamicModule {
  if (typeof value === 'function') return Reflect.getMetadataKeys(value).some((k) => ['imports', 'providers', 'controllers', 'exports'].includes(String(k)));
  return typeof value === 'object' && value !== null && typeof (value as DynamicModule).module === 'function';
}

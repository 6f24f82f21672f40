import type { DynamicModule, InjectionToken, Type } from '@nestjs/common';

export type ExtensionModule = Type<unknown> | DynamicModule;

/**
 * The extension module, if any, that exports `token`. Port modules (the store, the user
 * directory) use it to let a team's module replace the built-in implementation: a module that
 * provides and exports the port's token wins, without editing the OAuth modules.
 */
export function findExtensionExporting(extensions: readonly ExtensionModule[], token: InjectionToken): ExtensionModule | undefined {
  const matches = extensions.filter((extension) => exportsOf(extension).some((exported) => exported === token ||
    (typeof exported === 'object' && exported !== null && 'provide' in exported && (exported as { provide: unknown }).provide === token)));
  if (matches.length > 1) throw new Error(`several extension modules export ${String(token)}; keep one`);
  return matches[0];
}

function exportsOf(extension: ExtensionModule): unknown[] {
  if (typeof extension === 'function') return (Reflect.getMetadata('exports', extension) as unknown[] | undefined) ?? [];
  const fromClass = (Reflect.getMetadata('exports', extension.module) as unknown[] | undefined) ?? [];
  return [...fromClass, ...(extension.exports ?? [])];
}

import { renameSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ConfigurationReloader } from '../../src/live-config/configuration-reloader.js';
import type { ReloadResult } from '../../src/live-config/configuration-reloader.js';
import type { TestApp } from './test-app.js';

/** Writes the app's configuration file as an editor's safe save does (write aside, rename into place). */
export function rewriteConfiguration(t: TestApp, next: Record<string, unknown> | string): void {
  const file = t.configuration.files[0];
  writeFileSync(`${file}.tmp`, typeof next === 'string' ? next : stringify(next));
  renameSync(`${file}.tmp`, file);
}

/** Reloads the app's configuration now, as a SIGHUP would. */
export function reloadConfiguration(t: TestApp): ReloadResult {
  return t.app.get(ConfigurationReloader).reload('test');
}

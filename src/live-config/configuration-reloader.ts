import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigurationError } from '../config/config-errors.js';
import { Environment } from '../config/environment.js';
import { GrantHandlerRegistry } from '../token/grant-handler-registry.js';
import { ConfigurationSnapshot } from './configuration-snapshot.js';
import { ConfigurationWatcher, WatcherOptions } from './configuration-watcher.js';
import { LiveConfiguration, fixedSettingChanges } from './live-configuration.js';
import { loadConfiguration } from './load-configuration.js';
import { ReloadMetrics, ReloadOutcome } from './reload-metrics.js';

/** What a reload did. `hash` is that of the configuration in force afterwards. */
export interface ReloadResult {
  outcome: ReloadOutcome;
  hash: string;
  /** Why the new configuration was refused (`failure` only): every problem, one line each. */
  problems: readonly string[];
}

/**
 * Reloads the configuration while the server runs (SPEC §5, live configuration): reads the same
 * files with the same environment as at startup, validates the whole new configuration (every
 * rule of startup, the grant types the loaded modules serve, and what may not change live:
 * `urls.root`, `store`), and only then swaps it in, in one synchronous step
 * ({@link LiveConfiguration.replace}). An invalid configuration is refused with every problem
 * logged, and the previous one keeps serving.
 *
 * Started by `SIGHUP` (main.ts) and, with `SYMPAUTHY_WATCH_CONFIG=true`, by a change of any file
 * the configuration was read from ({@link ConfigurationWatcher}). A reload is synchronous, so two
 * never overlap.
 */
@Injectable()
export class ConfigurationReloader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Configuration');
  private watcher: ConfigurationWatcher | undefined;
  /** Watcher settings (the tests shorten them). */
  watcherOptions: WatcherOptions = {};

  constructor(
    private readonly live: LiveConfiguration,
    private readonly environment: Environment,
    private readonly grants: GrantHandlerRegistry,
    private readonly metrics: ReloadMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.environment.watchConfig) this.startWatching();
  }

  onApplicationShutdown(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Watches every file of the configuration in force; a change of content reloads. */
  startWatching(): void {
    if (this.watcher) return;
    this.watcher = new ConfigurationWatcher(() => this.reload('file change'), this.watcherOptions);
    this.watcher.watch(this.live.current.sources);
    this.logger.log({ msg: `watching ${this.live.current.sources.length} configuration file(s) for changes`, event: 'config_watch' });
  }

  /** Loads, validates and swaps in the configuration files as they are now. Never throws. */
  reload(trigger: string): ReloadResult {
    const current = this.live.current;
    const sources = new Set<string>();
    let next: ConfigurationSnapshot;
    try {
      next = loadConfiguration({
        files: current.files, env: this.environment.variables, extensionGrantTypes: this.grants.grantTypes, previous: current, sources,
      });
      const problems = [...this.grants.unservedGrantTypes(next.clients.all), ...fixedSettingChanges(current, next)];
      if (problems.length > 0) throw new ConfigurationError(problems);
    } catch (e) {
      // Also the files of the refused configuration: a reference to a secret not mounted yet reloads once it appears.
      this.watcher?.watch([...current.sources, ...sources]);
      return this.refused(trigger, current, e);
    }
    this.watcher?.watch(next.sources);
    if (next.hash === current.hash) return this.unchanged(trigger, current);
    this.live.replace(next);
    this.metrics.reloaded('success');
    this.logger.log({
      msg: `configuration reloaded (${trigger}): ${current.hash} → ${next.hash}, ${next.clients.all.length} client(s)`,
      event: 'config_reload', outcome: 'success', trigger, hash: next.hash, previousHash: current.hash,
    });
    for (const warning of next.warnings) this.logger.warn(warning);
    return { outcome: 'success', hash: next.hash, problems: [] };
  }

  private unchanged(trigger: string, current: ConfigurationSnapshot): ReloadResult {
    this.metrics.reloaded('unchanged');
    this.logger.log({ msg: `configuration reloaded (${trigger}): unchanged, ${current.hash}`, event: 'config_reload', outcome: 'unchanged', trigger, hash: current.hash });
    return { outcome: 'unchanged', hash: current.hash, problems: [] };
  }

  private refused(trigger: string, current: ConfigurationSnapshot, e: unknown): ReloadResult {
    // A ConfigurationError's problems never carry a secret value (load-configuration.spec.ts).
    const problems = e instanceof ConfigurationError ? e.problems : [`the configuration could not be loaded (${e instanceof Error ? e.name : 'error'}: a bug, please report it)`];
    this.metrics.reloaded('failure');
    this.logger.error({
      msg: `configuration reload refused (${trigger}), ${problems.length} problem${problems.length === 1 ? '' : 's'}; ` +
        `configuration ${current.hash} keeps serving`,
      event: 'config_reload', outcome: 'failure', trigger, hash: current.hash, problems,
    });
    return { outcome: 'failure', hash: current.hash, problems };
  }
}

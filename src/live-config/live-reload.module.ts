import { Module } from '@nestjs/common';
import { TokenModule } from '../token/token.module.js';
import { ConfigurationReloader } from './configuration-reloader.js';
import { ReloadMetrics } from './reload-metrics.js';

/**
 * Reloading the configuration while the server runs: the {@link ConfigurationReloader} (SIGHUP,
 * and the file watcher when `SYMPAUTHY_WATCH_CONFIG=true`) and its metrics. It imports the token
 * module for the grant types the loaded modules serve, which a new configuration is checked against.
 */
@Module({
  imports: [TokenModule],
  providers: [ConfigurationReloader, ReloadMetrics],
  exports: [ConfigurationReloader],
})
export class LiveReloadModule {}

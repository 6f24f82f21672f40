import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { Metrics } from '../observability/metrics.js';
import { LiveConfiguration } from './live-configuration.js';

export const RELOAD_OUTCOMES = ['success', 'unchanged', 'failure'] as const;
/**
 * `success`: a new configuration is in force; `unchanged`: the files validated and give the
 * configuration already in force; `failure`: refused, the previous configuration keeps serving.
 */
export type ReloadOutcome = (typeof RELOAD_OUTCOMES)[number];

/**
 * The live-configuration metrics, in the application's registry (`GET /metrics`):
 *
 * - `sympauthy_config_reloads_total{outcome}` — reloads by outcome (`success`, `unchanged`,
 *   `failure`), whatever started them (a file change, `SIGHUP`);
 * - `sympauthy_config_info{hash}` — always 1, labelled with the hash of the configuration in
 *   force (`ConfigurationSnapshot.hash`: an HMAC, safe to publish; equal on replicas that run the
 *   same configuration);
 * - `sympauthy_config_last_reload_successful` — 0 after a refused reload, 1 otherwise (alert on 0).
 */
@Injectable()
export class ReloadMetrics {
  private readonly reloads: Counter<'outcome'>;
  private readonly info: Gauge<'hash'>;
  private readonly lastSuccessful: Gauge;

  constructor(metrics: Metrics, live: LiveConfiguration) {
    const registers = [metrics.registry];
    this.reloads = new Counter({
      name: 'sympauthy_config_reloads_total',
      help: 'Configuration reloads by outcome: success (a new configuration is in force), unchanged, failure (refused, the previous one kept).',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.info = new Gauge({
      name: 'sympauthy_config_info',
      help: 'Always 1, labelled with the hash of the configuration in force.',
      labelNames: ['hash'] as const,
      registers,
    });
    this.lastSuccessful = new Gauge({
      name: 'sympauthy_config_last_reload_successful',
      help: 'Whether the last configuration reload was applied or unchanged (1) or refused (0); 1 before any reload.',
      registers,
    });
    for (const outcome of RELOAD_OUTCOMES) this.reloads.labels(outcome).inc(0);
    this.lastSuccessful.set(1);
    this.info.set({ hash: live.current.hash }, 1);
    live.onReplace((next, previous) => {
      this.info.remove({ hash: previous.hash });
      this.info.set({ hash: next.hash }, 1);
    });
  }

  reloaded(outcome: ReloadOutcome): void {
    this.reloads.inc({ outcome });
    this.lastSuccessful.set(outcome === 'failure' ? 0 : 1);
  }
}

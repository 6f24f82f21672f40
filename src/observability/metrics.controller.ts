import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Metrics } from './metrics.js';

/** `GET /metrics` in Prometheus' text format (SPEC §2). Meant for the cluster's scraper only. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.headers({ 'content-type': this.metrics.contentType, 'cache-control': 'no-store' });
    return this.metrics.render();
  }
}

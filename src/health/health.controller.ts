import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STORE_HEALTH } from '../store/store-health.js';
import type { StoreHealth } from '../store/store-health.js';
import { Readiness } from './readiness.js';

/**
 * Kubernetes probes. Liveness: the process answers (never depends on the store: restarting a pod
 * cannot bring Redis back). Readiness: not draining, and the store answers.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    @Inject(STORE_HEALTH) private readonly store: StoreHealth,
  ) {}

  @Get('live')
  @Header('cache-control', 'no-store')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('cache-control', 'no-store')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string }> {
    if (!this.readiness.isReady) {
      void reply.code(503);
      return { status: 'draining' };
    }
    if (!(await this.store.ping())) {
      void reply.code(503);
      return { status: 'store unavailable' };
    }
    return { status: 'ok' };
  }
}

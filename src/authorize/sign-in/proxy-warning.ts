import { Injectable, Logger } from '@nestjs/common';
import { BlockList, isIP } from 'node:net';
import { Environment } from '../../config/environment.js';

/** Addresses of a private network: where a reverse proxy or an ingress usually talks from. */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('10.0.0.0', 8);
PRIVATE.addSubnet('172.16.0.0', 12);
PRIVATE.addSubnet('192.168.0.0', 16);
PRIVATE.addSubnet('100.64.0.0', 10);
PRIVATE.addSubnet('127.0.0.0', 8);
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
PRIVATE.addAddress('::1', 'ipv6');

/**
 * Warns once when the server looks like it runs behind a proxy it does not trust: with
 * `TRUST_PROXY` unset, a sign-in arrives from a private address *and* carries `X-Forwarded-For`.
 * The sign-in throttle then counts every user under the proxy's one address (30 failures from
 * anyone slow everyone down). The warning cannot come at startup: only a request shows it.
 */
@Injectable()
export class ProxyWarning {
  private readonly logger = new Logger('SignInThrottle');
  private warned = false;

  constructor(private readonly environment: Environment) {}

  observe(peer: string, forwardedFor: string | string[] | undefined): void {
    if (this.warned || this.environment.trustProxy !== false || forwardedFor === undefined) return;
    const address = peer.replace(/^::ffff:/, '');
    const family = isIP(address);
    if (family === 0 || !PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6')) return;
    this.warned = true;
    this.logger.warn('sign-ins arrive from a private address with X-Forwarded-For while TRUST_PROXY is unset: the server sees the proxy, ' +
      'not the users, so every user shares one address in the sign-in throttle. Set TRUST_PROXY to the proxy hops or addresses (see README).');
  }
}

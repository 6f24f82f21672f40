import { Controller, Get, Header } from '@nestjs/common';
import { ActiveKeys } from './active-keys.js';

/** `GET /.well-known/public.jwk`: every public key that may still verify a live token. */
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: ActiveKeys) {}

  @Get('public.jwk')
  @Header('content-type', 'application/jwk-set+json; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  jwks(): string {
    return this.keys.jwks;
  }
}

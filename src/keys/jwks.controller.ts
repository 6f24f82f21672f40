import { Controller, Get, Header, Inject } from '@nestjs/common';
import { LoadedConfiguration } from '../config/load-configuration.js';

/** `GET /.well-known/public.jwk`: every public key that may still verify a live token. */
@Controller('.well-known')
export class JwksController {
  private readonly body: string;

  constructor(@Inject(LoadedConfiguration) configuration: LoadedConfiguration) {
    this.body = JSON.stringify(configuration.keys.jwks());
  }

  @Get('public.jwk')
  @Header('content-type', 'application/jwk-set+json; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  jwks(): string {
    return this.body;
  }
}

import { Module } from '@nestjs/common';
import { PushedAuthorizationRequests } from './pushed-authorization-requests.js';
import { PushedRequestPolicy } from './pushed-request-policy.js';

/**
 * The pushed requests themselves (store and settings), used by the authorization endpoint (a
 * `request_uri`) and by the PAR endpoint ({@link ParModule}); the store port is bound globally.
 */
@Module({
  providers: [PushedAuthorizationRequests, PushedRequestPolicy],
  exports: [PushedAuthorizationRequests, PushedRequestPolicy],
})
export class PushedRequestsModule {}

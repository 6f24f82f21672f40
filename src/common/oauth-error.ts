/** An OAuth 2.0 error response (RFC 6749 §5.2, RFC 7009, RFC 7662), rendered by the OAuth filter. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }

  static invalidRequest(description: string, status = 400): OAuthError {
    return new OAuthError('invalid_request', description, status);
  }

  static invalidClient(description: string, basicTried: boolean, realm: string): OAuthError {
    return new OAuthError('invalid_client', description, 401,
      basicTried ? { 'WWW-Authenticate': `Basic realm="${realm}", charset="UTF-8"` } : {});
  }

  static unauthorizedClient(description: string): OAuthError {
    return new OAuthError('unauthorized_client', description);
  }

  static unsupportedGrantType(description: string): OAuthError {
    return new OAuthError('unsupported_grant_type', description);
  }

  static invalidGrant(description: string): OAuthError {
    return new OAuthError('invalid_grant', description);
  }

  static invalidScope(description: string): OAuthError {
    return new OAuthError('invalid_scope', description);
  }

  static serverError(description = 'the server could not complete the request'): OAuthError {
    return new OAuthError('server_error', description, 500);
  }

  static temporarilyUnavailable(description: string): OAuthError {
    return new OAuthError('temporarily_unavailable', description, 503);
  }
}

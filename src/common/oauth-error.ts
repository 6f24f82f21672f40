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

  /**
   * The JSON body. `error_description` may hold only printable ASCII without `"` and `\\`
   * (RFC 6749 §5.2): anything else a description carries (an echoed parameter, a typographic
   * sign) is replaced by `?`, here, for every endpoint.
   */
  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?') };
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

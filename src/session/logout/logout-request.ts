import { AuthorizationPageError } from '../../authorize/authorization-request.js';
import { MAX_STATE_LENGTH } from '../../authorize/checks/state.check.js';
import { MAX_ID_TOKEN_HINT_LENGTH } from '../sign-in-decision.js';

/** The parameters of an RP-initiated logout (RP-Initiated Logout 1.0 §2) and of its confirmation form. */
export interface LogoutParameters {
  readonly idTokenHint?: string;
  readonly clientId?: string;
  readonly postLogoutRedirectUri?: string;
  readonly state?: string;
  /** Only in the confirmation form posted back from the confirmation page. */
  readonly csrfToken?: string;
}

/** Longer than any registered URI or client id. */
const MAX_URI_LENGTH = 2048;
const MAX_CLIENT_ID_LENGTH = 256;

/** The error page of a logout request that cannot be honoured: never a redirect. */
export function logoutRefused(description: string, status = 400): AuthorizationPageError {
  return new AuthorizationPageError('Sign-out refused', description, status);
}

/**
 * Reads the logout parameters of a query or a form: each at most once and bounded; unknown
 * parameters (`logout_hint`, `ui_locales`) are ignored. A problem is an error page.
 */
export function readLogoutParameters(raw: Readonly<Record<string, string | readonly string[] | undefined>>): LogoutParameters {
  const one = (name: string, max: number): string | undefined => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw logoutRefused(`The ${name} parameter is repeated.`);
    if (value.length > max) throw logoutRefused(`The ${name} parameter is longer than ${max} characters.`);
    return value;
  };
  return {
    idTokenHint: one('id_token_hint', MAX_ID_TOKEN_HINT_LENGTH),
    clientId: one('client_id', MAX_CLIENT_ID_LENGTH),
    postLogoutRedirectUri: one('post_logout_redirect_uri', MAX_URI_LENGTH),
    state: one('state', MAX_STATE_LENGTH),
    csrfToken: one('csrf_token', 256),
  };
}

/** The parameters to send again as a query (the confirmation token excepted). */
export function logoutQuery(params: LogoutParameters): string {
  const entries: [string, string | undefined][] = [
    ['id_token_hint', params.idTokenHint], ['client_id', params.clientId],
    ['post_logout_redirect_uri', params.postLogoutRedirectUri], ['state', params.state],
  ];
  return new URLSearchParams(entries.filter((e): e is [string, string] => e[1] !== undefined)).toString();
}

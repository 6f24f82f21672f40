import type { SessionConditions } from './sessions.js';

/** Longer than any ID token this server signs (RS256 with every claim of every scope). */
export const MAX_ID_TOKEN_HINT_LENGTH = 8192;

/** What an `id_token_hint` turned out to be. */
export type IdTokenHint =
  | { readonly kind: 'absent' }
  /** Signed by this server's ID-token keys, issued by it to a known client (expiry ignored). */
  | { readonly kind: 'valid'; readonly sub: string; readonly clientId: string }
  | { readonly kind: 'invalid' };

export type SilentSignInError = 'login_required' | 'consent_required' | 'account_selection_required';

/** What an authorization request asks of the end-user's session, decided before the store is read. */
export interface SignInRequirements {
  /** `prompt=none`: never show the form; answer an error instead. */
  readonly noPrompt: boolean;
  /** An error for a `prompt=none` request whatever the session (there is no consent page). */
  readonly error?: { readonly error: SilentSignInError; readonly description: string };
  /**
   * When a session may serve the request without the form, what it must satisfy (checked by the
   * store atomically with adding the grant); `undefined` when the form is required anyway.
   */
  readonly silently?: SessionConditions;
}

export type SignInOutcome =
  /** The session served the request: issue the code with its user and `auth_time`. */
  | { readonly kind: 'silent' }
  /** Show the sign-in form; `signedIn`: the browser has a session (offer "Not you?"). */
  | { readonly kind: 'form'; readonly signedIn: boolean }
  /** `prompt=none` could not be honoured: an error redirect. */
  | { readonly kind: 'error'; readonly error: SilentSignInError; readonly description: string };

/**
 * The one place where `prompt`, `max_age` and `id_token_hint` are decided (OIDC Core §3.1.2.1,
 * SPEC §6), in two steps around the one store operation:
 *
 * 1. {@link signInRequirements}: from the request alone. `prompt=login` (and `max_age=0`, its
 *    equivalent) always shows the form; `max_age=N` needs a sign-in at most N seconds old; a valid `id_token_hint` needs its `sub`
 *    to be the session's user, an invalid one cannot be satisfied; `prompt=none` combined with
 *    `consent` / `select_account` / `login` is `consent_required` / `account_selection_required` /
 *    `login_required` (there is no consent or account-selection page), and those values are
 *    ignored without `none`.
 * 2. {@link signInOutcome}: from whether the session served (its conditions held): silently, or
 *    the form, or for `prompt=none` `login_required`.
 */
export function signInRequirements(
  request: { readonly prompt: readonly string[]; readonly maxAge?: number },
  hint: IdTokenHint,
  nowSeconds: number,
): SignInRequirements {
  const noPrompt = request.prompt.includes('none');
  // max_age=0 is prompt=login (OIDC Core 1.0 errata set 2, §3.1.2.1): a sign-in of the same
  // second, which auth_time (whole seconds) cannot tell from an older one, does not satisfy it.
  const login = request.prompt.includes('login') || request.maxAge === 0;
  if (noPrompt) {
    if (request.prompt.includes('consent')) return { noPrompt, error: { error: 'consent_required', description: 'prompt=none with prompt=consent: there is no consent page to skip' } };
    if (request.prompt.includes('select_account')) return { noPrompt, error: { error: 'account_selection_required', description: 'prompt=none with prompt=select_account: the end-user must choose an account' } };
    if (login) return { noPrompt, error: { error: 'login_required', description: 'prompt=none with prompt=login or max_age=0: the end-user must sign in' } };
  } else if (login) {
    return { noPrompt };
  }
  if (hint.kind === 'invalid') return { noPrompt };
  const silently: { userId?: string; authTimeAtLeast?: number } = {};
  if (hint.kind === 'valid') silently.userId = hint.sub;
  if (request.maxAge !== undefined) silently.authTimeAtLeast = nowSeconds - request.maxAge;
  return { noPrompt, silently };
}

/** `session`: whether the browser had a live session; `served`: whether it met the requirements. */
export function signInOutcome(requirements: SignInRequirements, session: { exists: boolean; served: boolean }): SignInOutcome {
  if (requirements.error) return { kind: 'error', ...requirements.error };
  if (session.served && requirements.silently) return { kind: 'silent' };
  if (requirements.noPrompt) {
    return { kind: 'error', error: 'login_required', description: session.exists ? 'the session does not satisfy max_age or id_token_hint: the end-user must sign in' : 'the end-user is not signed in' };
  }
  return { kind: 'form', signedIn: session.exists };
}

import { MAX_ID_TOKEN_HINT_LENGTH } from '../../session/sign-in-decision.js';
import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'] as const;

/**
 * `prompt` (OIDC Core §3.1.2.1): known values only; `max_age` a number of seconds; a bounded
 * `id_token_hint`. What they mean — `none` with another value included — is decided with the
 * end-user's session, in one place (`session/sign-in-decision.ts`), not here.
 */
export function checkPrompt(query: AuthorizationParameters): { prompt: string[]; maxAge?: number; idTokenHint?: string } {
  const prompt = (query.params.prompt ?? '').split(' ').filter((p) => p.length > 0);
  const unknown = prompt.find((p) => !(PROMPT_VALUES as readonly string[]).includes(p));
  if (unknown !== undefined) throw new AuthorizationRedirectError('invalid_request', `unsupported prompt value ${unknown.replace(/[^\x21-\x7E]/g, '?').slice(0, 40)}`);
  const rawMaxAge = query.params.max_age;
  if (rawMaxAge !== undefined && !/^\d{1,10}$/.test(rawMaxAge)) throw new AuthorizationRedirectError('invalid_request', 'max_age must be a number of seconds');
  const idTokenHint = query.params.id_token_hint;
  if (idTokenHint !== undefined && idTokenHint.length > MAX_ID_TOKEN_HINT_LENGTH) throw new AuthorizationRedirectError('invalid_request', 'id_token_hint is too long');
  return { prompt, maxAge: rawMaxAge === undefined ? undefined : Number(rawMaxAge), idTokenHint };
}

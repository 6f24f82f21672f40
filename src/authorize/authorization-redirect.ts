import type { FastifyReply } from 'fastify';

/**
 * Appends response parameters to a redirect URI, keeping the query it already has (SPEC §2);
 * the URI itself is used as registered, without normalisation.
 */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const query = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  if (!query) return redirectUri;
  const separator = !redirectUri.includes('?') ? '?' : redirectUri.endsWith('?') || redirectUri.endsWith('&') ? '' : '&';
  return redirectUri + separator + query;
}

/**
 * Sends the browser to the client (a code, or an error of a sign-in): `303 See Other`, never
 * cached, and no `Referer` carrying the authorization request along.
 */
export function redirectToClient(reply: FastifyReply, location: string, setCookies: readonly string[] = []): void {
  void reply.code(303).headers({ location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  if (setCookies.length > 0) void reply.header('set-cookie', [...setCookies]);
  void reply.send();
}

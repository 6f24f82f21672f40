/**
 * Redirect URI matching (SPEC §1): exact string comparison (OAuth 2.1 §7.5.3), no prefix,
 * pattern or normalisation. Single exception, RFC 8252 §7.3: for `http`/`https` URIs whose host
 * is the loopback IP literal `127.0.0.1` or `[::1]`, the port is ignored (native apps listen on
 * an ephemeral port). Not for `localhost`, not for custom schemes.
 */
const LOOPBACK = /^(https?:\/\/)(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?([/?][^#]*)?$/;

export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const reg = LOOPBACK.exec(registered);
  if (!reg) return false;
  const req = LOOPBACK.exec(requested);
  if (!req || Number(req[3] ?? 0) > 65535) return false; // not a port: no redirect to an invalid URL
  return reg[1] === req[1] && reg[2] === req[2] && (reg[4] ?? '') === (req[4] ?? '');
}

/**
 * Schemes a browser runs or opens itself instead of handing the answer to a client (RFC 9700
 * §4.1: a redirect URI names a client's endpoint): a code or an error sent there would execute
 * script in the server's origin or reach no client at all.
 */
const BROWSER_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file', 'blob', 'about', 'filesystem']);

/**
 * Checks a configured redirect URI: absolute (has a scheme), parsable, no fragment, not a scheme
 * the browser handles itself, no user information in an http(s) URI.
 */
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.includes('#')) return `${uri} must not contain a fragment`;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) return `${uri} is not an absolute URI`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${uri} is not a valid absolute URI`;
  }
  if (/\s/.test(uri)) return `${uri} must not contain white space`;
  const scheme = url.protocol.slice(0, -1);
  if (BROWSER_SCHEMES.has(scheme)) return `${uri} must not use the ${scheme}: scheme (the browser would open it itself, not hand the answer to a client)`;
  if ((scheme === 'http' || scheme === 'https') && (url.username !== '' || url.password !== '')) {
    // The message never repeats the user information: it may be a password.
    return `${scheme}://…@${url.host}${url.pathname} must not contain user information (user:password@)`;
  }
  return undefined;
}

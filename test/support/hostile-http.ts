import { METHODS } from 'node:http';
import fc from 'fast-check';
import type { CataloguedRoute } from '../../src/common/route-catalogue.js';

/** One request as the fuzzer builds it; {@link serialize} turns it into bytes. */
export interface HostileRequest {
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  body: Buffer;
  framing: 'length' | 'chunked' | 'none' | 'length-short' | 'length-long' | 'bad-chunk' | 'length-and-chunked';
  lineEnd: '\r\n' | '\n';
  /** Close our side after sending (an aborted request): no answer is then required. */
  abort: boolean;
}

/** Client, redirect URI and credential values the fuzz app is configured with (test-app baseConfig). */
export const KNOWN = {
  redirectUris: ['https://app.test/callback', 'http://127.0.0.1/callback'],
  clients: [['web-app', 'web-secret'], ['svc', 'svc-secret'], ['spa', '']] as const,
};

const weighted = <T>(...pairs: [number, fc.Arbitrary<T>][]) => fc.oneof(...pairs.map(([weight, arbitrary]) => ({ weight, arbitrary })));
const long = (n: number) => fc.constant('x'.repeat(n));

const clientIds = fc.constantFrom('web-app', 'spa', 'svc', 'unknown-client', '', '__proto__', 'web-app%00', 'a'.repeat(300));
const redirectUris = fc.constantFrom(...KNOWN.redirectUris, 'https://evil.test/callback', 'https://app.test/callback/../steal',
  'https://app.test.evil.test/callback', 'https://app.test/callback?next=https://evil.test', 'https://app.test/callback#frag',
  'javascript:alert(1)', '//evil.test/callback', 'https://APP.TEST/callback', 'https://app.test/Callback', '', 'http://127.0.0.1:1/callback');
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** Parameter names and values of the OAuth endpoints, plus hostile ones. */
const parameter: fc.Arbitrary<[string, string]> = weighted<[string, string]>(
  [3, fc.tuple(fc.constant('client_id'), clientIds)],
  [3, fc.tuple(fc.constant('redirect_uri'), redirectUris)],
  [2, fc.tuple(fc.constant('response_type'), fc.constantFrom('code', 'token', 'code id_token', '', 'none'))],
  [2, fc.tuple(fc.constant('state'), weighted([4, fc.constantFrom('s', 'xyz', '')], [1, long(600)], [1, fc.string()]))],
  [2, fc.tuple(fc.constant('code_challenge'), fc.constantFrom(challenge, 'short', '', 'x'.repeat(200)))],
  [2, fc.tuple(fc.constant('code_challenge_method'), fc.constantFrom('S256', 'plain', '', 's256'))],
  [2, fc.tuple(fc.constant('scope'), fc.constantFrom('openid', 'openid profile email', 'admin', '', 'openid openid', 'x'.repeat(500)))],
  [1, fc.tuple(fc.constant('nonce'), fc.string())],
  [3, fc.tuple(fc.constant('grant_type'), fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials', 'password',
    'urn:ietf:params:oauth:grant-type:device_code', '', '__proto__', 'x'.repeat(300)))],
  [2, fc.tuple(fc.constant('client_secret'), fc.constantFrom('web-secret', 'svc-secret', 'wrong', ''))],
  [2, fc.tuple(fc.constantFrom('code', 'refresh_token', 'token', 'access_token'), weighted([3, fc.base64String({ maxLength: 60 })], [1, fc.string()], [1, long(5000)]))],
  [1, fc.tuple(fc.constant('code_verifier'), fc.constantFrom(verifier, 'short', ''))],
  [1, fc.tuple(fc.constant('token_type_hint'), fc.constantFrom('access_token', 'refresh_token', 'id_token', ''))],
  [2, fc.tuple(fc.constantFrom('request_id', 'csrf_token'), fc.constantFrom('', 'forged', 'a'.repeat(64), '../../x'))],
  [2, fc.tuple(fc.constantFrom('username', 'password'), fc.constantFrom('alice', 'alice-password', 'wrong', '', 'x'.repeat(2000)))],
  [1, fc.tuple(fc.constantFrom('__proto__', 'constructor', 'toString', 'a[b]', '', 'request_uri', 'request'), fc.string())],
);

/**
 * Parameters that mostly make sense together (a valid authorization request, a valid token
 * request), with a few replaced, added or removed: this reaches the endpoints' own checks
 * (error redirects, grant handlers) rather than only the first one.
 */
const coherentParameters: fc.Arbitrary<[string, string][]> = fc.tuple(
  fc.constantFrom<[string, string][]>(
    [['response_type', 'code'], ['client_id', 'web-app'], ['redirect_uri', KNOWN.redirectUris[0]], ['state', 's'], ['code_challenge', challenge], ['code_challenge_method', 'S256'], ['scope', 'openid']],
    [['response_type', 'code'], ['client_id', 'spa'], ['redirect_uri', KNOWN.redirectUris[1]], ['state', 's'], ['code_challenge', challenge], ['code_challenge_method', 'S256']],
    [['grant_type', 'client_credentials'], ['client_id', 'svc'], ['client_secret', 'svc-secret'], ['scope', 'openid']],
    [['grant_type', 'authorization_code'], ['client_id', 'web-app'], ['client_secret', 'web-secret'], ['code', 'abc'], ['redirect_uri', KNOWN.redirectUris[0]], ['code_verifier', verifier]],
    [['grant_type', 'refresh_token'], ['client_id', 'web-app'], ['client_secret', 'web-secret'], ['refresh_token', 'abc']],
    [['token', 'abc'], ['client_id', 'web-app'], ['client_secret', 'web-secret'], ['token_type_hint', 'access_token']],
  ),
  fc.array(fc.tuple(fc.nat(), parameter), { maxLength: 3 }),
  fc.nat(),
).map(([base, changes, drop]) => {
  const params = [...base];
  for (const [at, param] of changes) {
    const same = params.findIndex(([k]) => k === param[0]);
    if (same !== -1 && at % 2 === 0) params[same] = param;
    else params.push(param);
  }
  if (drop % 4 === 0) params.splice(drop % params.length, 1);
  return params;
});

const parameterList = weighted([1, fc.array(parameter, { maxLength: 8 })], [1, coherentParameters]);
const encodeParameters = (params: [string, string][]) => params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

/** `k=v&…` with the values encoded, then sometimes broken (bad escapes, raw bytes). */
const formEncoded: fc.Arbitrary<string> = fc.tuple(parameterList, fc.constantFrom('', '', '', '&%zz', '&a=%ff', '&&=&', '&grant_type=client_credentials'))
  .map(([params, tail]) => encodeParameters(params) + tail);

const bodies: fc.Arbitrary<Buffer> = weighted(
  [10, formEncoded.map((text) => Buffer.from(text))],
  [3, fc.constant(Buffer.alloc(0))],
  [2, fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes))],
  [1, fc.constantFrom('{"grant_type":"client_credentials"}', '{"__proto__":{"x":1}}', '<xml/>', '--b\r\ncontent-disposition: form-data\r\n\r\nx\r\n--b--').map((s) => Buffer.from(s))],
  [1, fc.constantFrom(65 * 1024, 70 * 1024, 1024 * 1024).map((n) => Buffer.alloc(n, 'a'))],
  [1, fc.constant(4 * 1024 * 1024).map((n) => Buffer.from(`grant_type=client_credentials&pad=${'a'.repeat(n)}`))],
);

/** Targets derived from a route path: as is, mutated, or not a path at all. */
function targets(path: string): fc.Arbitrary<string> {
  const encodedLetter = path.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`);
  const paths = weighted(
    [12, fc.constant(path)],
    [1, fc.constantFrom(`${path}/`, `/${path}`, path.toUpperCase(), encodedLetter, `${path}/..`, `/x/..${path}`, `${path};jsessionid=1`,
      `${path}%00`, '/api/oauth2/%zz', '/api/oauth2/unknown', '/', '*', `http://evil.test${path}`, `${path}/${'a'.repeat(300)}`)],
    [1, fc.constant(`${path}${'/a'.repeat(9 * 1024)}`)],
  );
  const queries = weighted(
    [6, fc.constant('')],
    [6, parameterList.map((params) => `?${encodeParameters(params)}`)],
    [1, fc.constantFrom('?', '?&&', '?a=%zz', '?a=%ff', '?a=1&a=2', '?access_token=x', `?state=${'s'.repeat(17 * 1024)}`)],
  );
  return fc.tuple(paths, queries).map(([p, q]) => (p.startsWith('/') ? p + q : p));
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const extraHeader: fc.Arbitrary<[string, string][]> = weighted<[string, string][]>(
  [4, fc.constantFrom<[string, string][]>(
    [['authorization', basic('web-app', 'web-secret')]], [['authorization', basic('svc', 'svc-secret')]], [['authorization', basic('web-app', 'wrong')]],
    [['authorization', 'Basic !!!not-base64']], [['authorization', 'Basic ' + Buffer.from('no-colon').toString('base64')]],
    [['authorization', 'Bearer abc.def.ghi']], [['authorization', 'Bearer ']], [['authorization', 'Digest username="x"']],
    [['authorization', basic('web-app', 'web-secret')], ['authorization', basic('svc', 'svc-secret')]],
  )],
  [2, fc.constantFrom<[string, string][]>(
    [['x-request-id', 'fuzz-1']], [['x-request-id', 'r'.repeat(12 * 1024)]], [['x-request-id', '"}\n{"level":"fatal"']],
    [['cookie', 'sympauthy_csrf_x=y; other=%zz']], [['cookie', 'a'.repeat(8000)]], [['origin', 'https://evil.test']],
    [['accept', 'text/html']], [['accept', 'application/json']], [['x-forwarded-for', '1.2.3.4, 5.6.7.8']],
    [['expect', '100-continue']], [['expect', 'something-else']], [['upgrade', 'websocket'], ['connection', 'upgrade']],
    [['upgrade', 'h2c'], ['http2-settings', 'AAMAAABkAARAAAAAAAIAAAAA']], [['range', 'bytes=0-1']], [['te', 'trailers']],
    [['transfer-encoding', 'gzip']], [['transfer-encoding', 'chunked, chunked']], [['content-encoding', 'gzip']],
    [['host', 'second.test']], [['x-padding', 'p'.repeat(17 * 1024)]], [['x-folded', 'a\r\n b']], [['bad header', 'x']],
    [['x-nul', 'a\u0000b']], [['content-length', '12'], ['content-length', '13']],
  )],
  [1, fc.constant(Array.from({ length: 120 }, (_, i) => [`x-many-${i}`, 'v'] as [string, string]))],
);

const contentTypes = weighted(
  [8, fc.constant('application/x-www-form-urlencoded')],
  [3, fc.constantFrom('application/x-www-form-urlencoded; charset=UTF-8', 'application/json', 'text/plain', 'multipart/form-data; boundary=b',
    '', '/', 'application/x-www-form-urlencoded garbage', 'APPLICATION/X-WWW-FORM-URLENCODED')],
  [2, fc.constant(undefined)],
);

/**
 * Hostile requests to the given routes: methods (the route's own, any Node knows, invalid
 * ones), targets (as is, mutated, oversized), headers (credentials, oversized, duplicated,
 * malformed), bodies (OAuth parameters, broken encodings, binary, oversized up to 4 MiB) and
 * framings (consistent, short, long, broken chunking, both). A request that announces more
 * body than it sends is always aborted, so that nothing waits for a timeout.
 */
export function hostileRequests(routes: readonly CataloguedRoute[]): fc.Arbitrary<HostileRequest> {
  const route = fc.oneof(...routes.map((r) => ({ weight: r.path.startsWith('/api/') ? 3 : 1, arbitrary: fc.constant(r) })));
  return route.chain((route) => fc.record({
    method: weighted(
      [8, fc.constantFrom(...route.methods)],
      [4, fc.constantFrom(...METHODS.filter((m) => m !== 'CONNECT'))],
      [1, fc.constantFrom('CONNECT', 'get', 'FOO', 'PRI', 'HEAD\t', '')],
    ),
    target: targets(route.path),
    version: weighted([30, fc.constant('HTTP/1.1')], [1, fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x', 'HTTP/9.9', 'http/1.1', '')]),
    host: weighted([20, fc.constant([['host', '127.0.0.1']] as [string, string][])], [1, fc.constantFrom<[string, string][]>([], [['host', '']], [['host', 'a b']])]),
    connection: weighted([8, fc.constant('close')], [1, fc.constantFrom('keep-alive', undefined)]),
    contentType: contentTypes,
    extra: fc.array(extraHeader, { maxLength: 2 }).map((groups) => groups.flat()),
    body: bodies,
    framing: weighted(
      [12, fc.constant('length' as const)],
      [3, fc.constant('chunked' as const)],
      [1, fc.constantFrom('none' as const, 'length-short' as const, 'length-long' as const, 'bad-chunk' as const, 'length-and-chunked' as const)],
    ),
    lineEnd: weighted([30, fc.constant('\r\n' as const)], [1, fc.constant('\n' as const)]),
    abort: weighted([12, fc.constant(false)], [1, fc.constant(true)]),
  })).map(({ host, connection, contentType, extra, ...r }) => {
    const headers: [string, string][] = [...host];
    if (connection) headers.push(['connection', connection]);
    if (contentType !== undefined) headers.push(['content-type', contentType]);
    headers.push(...extra);
    const request: HostileRequest = { ...r, headers, abort: r.abort || r.framing === 'length-long' };
    // fast-check prints counterexamples with this: short, even for a 4 MiB body.
    return Object.defineProperty(request, fc.toStringMethod, { value: () => describeRequest(request), enumerable: false });
  });
}

/** The bytes of a request, framed as it says (including the broken framings). */
export function serialize(r: HostileRequest): Buffer {
  const eol = r.lineEnd;
  const head = [`${r.method} ${r.target}${r.version ? ` ${r.version}` : ''}`, ...r.headers.map(([n, v]) => `${n}: ${v}`)];
  let body = r.body;
  switch (r.framing) {
    case 'length': head.push(`content-length: ${body.length}`); break;
    case 'length-short': head.push(`content-length: ${Math.floor(body.length / 2)}`); break;
    case 'length-long': head.push(`content-length: ${body.length + 10}`); break;
    case 'chunked':
    case 'bad-chunk':
    case 'length-and-chunked': {
      head.push('transfer-encoding: chunked');
      if (r.framing === 'length-and-chunked') head.push(`content-length: ${body.length}`);
      const size = r.framing === 'bad-chunk' ? 'zz' : body.length.toString(16);
      body = Buffer.concat([Buffer.from(body.length ? `${size}\r\n` : ''), body, Buffer.from(body.length ? '\r\n0\r\n\r\n' : '0\r\n\r\n')]);
      break;
    }
    case 'none': break;
  }
  return Buffer.concat([Buffer.from(head.join(eol) + eol + eol, 'latin1'), body]);
}

/** A short, printable description of a request for violation reports. */
export function describeRequest(r: HostileRequest): string {
  const clip = (s: string) => (s.length > 400 ? `${s.slice(0, 360)}…(${s.length} chars)` : s);
  return `${JSON.stringify(r.method)} ${clip(r.target)} ${r.version} framing=${r.framing}${r.abort ? ' aborted' : ''} ` +
    `headers=${clip(JSON.stringify(r.headers))} body=${r.body.length} bytes ${JSON.stringify(r.body.subarray(0, 80).toString('latin1'))}`;
}

import { redirectUriMatches, redirectUriProblem } from './redirect-uri-matcher.js';

describe('redirectUriMatches', () => {
  describe('exact comparison', () => {
    it.each([
      'https://app.test/cb',
      'https://app.test:8443/oauth/callback?tenant=a&x=1',
      'com.example.app:/oauth2redirect',
      'http://localhost:8080/cb',
      'http://127.0.0.1:8080/cb',
    ])('matches %s with itself', (uri) => {
      expect(redirectUriMatches(uri, uri)).toBe(true);
    });

    it.each([
      ['a prefix', 'https://app.test/cb', 'https://app.test/cb/extra'],
      ['a shorter path', 'https://app.test/cb/extra', 'https://app.test/cb'],
      ['a trailing slash', 'https://app.test/cb', 'https://app.test/cb/'],
      ['a missing trailing slash', 'https://app.test/', 'https://app.test'],
      ['another host case', 'https://app.test/cb', 'https://APP.test/cb'],
      ['another scheme case', 'https://app.test/cb', 'HTTPS://app.test/cb'],
      ['another path case', 'https://app.test/cb', 'https://app.test/CB'],
      ['a default port written out', 'https://app.test/cb', 'https://app.test:443/cb'],
      ['percent-encoding', 'https://app.test/a b', 'https://app.test/a%20b'],
      ['dot segments', 'https://app.test/cb', 'https://app.test/x/../cb'],
      ['an added query', 'https://app.test/cb', 'https://app.test/cb?next=/admin'],
      ['a removed query', 'https://app.test/cb?tenant=a', 'https://app.test/cb'],
      ['another query value', 'https://app.test/cb?tenant=a', 'https://app.test/cb?tenant=b'],
      ['reordered query', 'https://app.test/cb?a=1&b=2', 'https://app.test/cb?b=2&a=1'],
      ['an empty query', 'https://app.test/cb', 'https://app.test/cb?'],
      ['a fragment', 'https://app.test/cb', 'https://app.test/cb#x'],
      ['another port on a non-loopback host', 'https://app.test:8443/cb', 'https://app.test:9443/cb'],
      ['a subdomain', 'https://app.test/cb', 'https://evil.app.test/cb'],
      ['userinfo', 'https://app.test/cb', 'https://app.test@evil.test/cb'],
      ['another scheme', 'https://app.test/cb', 'http://app.test/cb'],
      ['surrounding white space', 'https://app.test/cb', ' https://app.test/cb'],
      ['an empty string', 'https://app.test/cb', ''],
    ])('rejects %s', (_what, registered, requested) => {
      expect(redirectUriMatches(registered, requested)).toBe(false);
    });
  });

  describe('loopback port exception (RFC 8252 §7.3)', () => {
    it.each([
      ['http://127.0.0.1/cb', 'http://127.0.0.1:51234/cb'],
      ['http://127.0.0.1/cb', 'http://127.0.0.1/cb'],
      ['http://127.0.0.1:8080/cb', 'http://127.0.0.1:9090/cb'],
      ['http://127.0.0.1:8080/cb', 'http://127.0.0.1/cb'],
      ['https://127.0.0.1/cb', 'https://127.0.0.1:8443/cb'],
      ['http://[::1]/cb', 'http://[::1]:51234/cb'],
      ['http://[::1]:3000/cb', 'http://[::1]:4000/cb'],
      ['https://[::1]:3000/cb', 'https://[::1]/cb'],
      ['http://127.0.0.1/cb?x=1', 'http://127.0.0.1:1/cb?x=1'],
      ['http://127.0.0.1', 'http://127.0.0.1:65535'],
      ['http://127.0.0.1/', 'http://127.0.0.1:80/'],
    ])('matches %s with %s', (registered, requested) => {
      expect(redirectUriMatches(registered, requested)).toBe(true);
    });

    it.each([
      ['localhost', 'http://localhost/cb', 'http://localhost:51234/cb'],
      ['localhost with a port', 'http://localhost:8080/cb', 'http://localhost:9090/cb'],
      ['a custom scheme', 'com.example.app://127.0.0.1/cb', 'com.example.app://127.0.0.1:4000/cb'],
      ['a custom scheme path', 'com.example.app:/cb', 'com.example.app:/cb2'],
      ['another path', 'http://127.0.0.1/cb', 'http://127.0.0.1:4000/other'],
      ['a path prefix', 'http://127.0.0.1/cb', 'http://127.0.0.1:4000/cb/more'],
      ['a trailing slash', 'http://127.0.0.1/cb', 'http://127.0.0.1:4000/cb/'],
      ['an added query', 'http://127.0.0.1/cb', 'http://127.0.0.1:4000/cb?x=1'],
      ['another query', 'http://127.0.0.1/cb?x=1', 'http://127.0.0.1:4000/cb?x=2'],
      ['a fragment', 'http://127.0.0.1/cb', 'http://127.0.0.1:4000/cb#x'],
      ['http registered, https requested', 'http://127.0.0.1/cb', 'https://127.0.0.1:4000/cb'],
      ['https registered, http requested', 'https://127.0.0.1/cb', 'http://127.0.0.1/cb'],
      ['IPv4 registered, IPv6 requested', 'http://127.0.0.1/cb', 'http://[::1]:4000/cb'],
      ['another loopback address', 'http://127.0.0.1/cb', 'http://127.0.0.2:4000/cb'],
      ['userinfo on the loopback host', 'http://127.0.0.1/cb', 'http://127.0.0.1@evil.test/cb'],
      ['userinfo after a port', 'http://127.0.0.1/cb', 'http://127.0.0.1:80@evil.test/cb'],
      ['a host that starts with the loopback address', 'http://127.0.0.1/cb', 'http://127.0.0.1.evil.test/cb'],
      ['a longer IPv6 host', 'http://[::1]/cb', 'http://[::1%25eth0]:4000/cb'],
      ['localhost requested for 127.0.0.1', 'http://127.0.0.1/cb', 'http://localhost:4000/cb'],
      ['an empty port', 'http://127.0.0.1/cb', 'http://127.0.0.1:/cb'],
      ['a non-numeric port', 'http://127.0.0.1/cb', 'http://127.0.0.1:abc/cb'],
      ['a port beyond 65535', 'http://127.0.0.1/cb', 'http://127.0.0.1:65536/cb'],
      ['a backslash path', 'http://127.0.0.1/cb', 'http://127.0.0.1:4000\\cb'],
      ['upper-case scheme', 'http://127.0.0.1/cb', 'HTTP://127.0.0.1:4000/cb'],
    ])('does not apply to %s', (_what, registered, requested) => {
      expect(redirectUriMatches(registered, requested)).toBe(false);
    });
  });
});

describe('redirectUriProblem', () => {
  it.each([
    'https://app.test/cb',
    'https://app.test/cb?tenant=a',
    'http://127.0.0.1/cb',
    'http://[::1]:8080/cb',
    'com.example.app:/oauth2redirect',
    'http://localhost:5173/callback',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it.each([
    ['/cb', '/cb is not an absolute URI'],
    ['app.test/cb', 'app.test/cb is not an absolute URI'],
    ['//app.test/cb', '//app.test/cb is not an absolute URI'],
    ['', ' is not an absolute URI'],
    ['https://app.test/cb#x', 'https://app.test/cb#x must not contain a fragment'],
    ['https://app.test/cb#', 'https://app.test/cb# must not contain a fragment'],
    ['http://[bad/cb', 'http://[bad/cb is not a valid absolute URI'],
    ['https://app.test/a b', 'https://app.test/a b must not contain white space'],
    ['javascript:alert(1)', 'javascript:alert(1) must not use the javascript: scheme (the browser would open it itself, not hand the answer to a client)'],
    ['JavaScript://x/%0aalert(1)', 'JavaScript://x/%0aalert(1) must not use the javascript: scheme (the browser would open it itself, not hand the answer to a client)'],
    ['data:text/html,<script>x</script>', 'data:text/html,<script>x</script> must not use the data: scheme (the browser would open it itself, not hand the answer to a client)'],
    ['file:///etc/passwd', 'file:///etc/passwd must not use the file: scheme (the browser would open it itself, not hand the answer to a client)'],
    ['https://user:pw@app.test/cb', 'https://…@app.test/cb must not contain user information (user:password@)'],
    ['https://evil.test@app.test/cb', 'https://…@app.test/cb must not contain user information (user:password@)'],
  ])('rejects %j', (uri, problem) => {
    expect(redirectUriProblem(uri)).toBe(problem);
  });
});

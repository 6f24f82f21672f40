import { ConfigErrors, ConfigurationError } from './config-errors.js';

describe('ConfigErrors', () => {
  it('keeps each problem on one line: control characters, line separators and bidi overrides of keys and values are escaped', () => {
    // A redirect URI ending in a newline, a client id with U+202E and an ANSI escape used to be
    // printed raw: the newline split the problem in two and the override reordered the terminal line.
    const errors = new ConfigErrors();
    errors.add('clients.spa.allowed-redirect-uris.0', 'https://a.example/cb\n must not contain white space');
    errors.add('clients.evil\u202e', 'a client id must be printable ASCII');
    errors.addUnresolved('clients.x\u001b[31m.secret', 'environment variable A is not set\r\u2028\u0085');
    expect(errors.list).toEqual([
      'clients.spa.allowed-redirect-uris.0: https://a.example/cb\\n must not contain white space',
      'clients.evil\\u{202e}: a client id must be printable ASCII',
      'clients.x\\u{1b}[31m.secret: environment variable A is not set\\r\\u{2028}\\u{85}',
    ]);
    expect(new ConfigurationError(errors.list).message.split('\n')).toHaveLength(4);
  });

  it('leaves printable text, non-ASCII letters included, as it is', () => {
    const errors = new ConfigErrors();
    errors.add('clients.клиент', 'unknown key (did you mean allowed-scopes?)');
    expect(errors.list).toEqual(['clients.клиент: unknown key (did you mean allowed-scopes?)']);
  });
});

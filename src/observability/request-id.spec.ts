import type { IncomingMessage } from 'node:http';
import { requestIdOf } from './request-id.js';

const withHeader = (value: string | undefined) => ({ headers: value === undefined ? {} : { 'x-request-id': value } }) as IncomingMessage;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('requestIdOf', () => {
  it('keeps a short id made of safe characters', () => {
    for (const id of ['3f2c9a1e-8b7d-4c6e-9f01-23456789abcd', '0123456789abcdef0123456789abcdef', 'lb-7:42', 'a'.repeat(64)]) {
      expect(requestIdOf(withHeader(id))).toBe(id);
    }
  });

  it('replaces a missing, long or unsafe id with a fresh UUID', () => {
    for (const id of [undefined, '', 'a'.repeat(65), 'r'.repeat(12_000), 'id with spaces', 'a\nb', '{"level":"error"}', 'a, b', 'é']) {
      const chosen = requestIdOf(withHeader(id));
      expect(chosen).toMatch(UUID);
      expect(chosen).not.toBe(id);
    }
  });
});

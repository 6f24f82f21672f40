/** What both supertest and Fastify's `inject` answers can give. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, unknown>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** Something a stack trace or an internal path would leave in a response body. */
export const INTERNALS = /\n\s+at |node_modules|\/src\/|Error:|TypeError|Cannot read/;

/**
 * Asserts an RFC 6749 §5.2 error response: the status, a JSON body that is exactly
 * `{error, error_description}`, `Cache-Control: no-store`, and nothing internal in the text.
 */
export function expectOAuthError(res: HttpAnswer, status: number, error: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { error } });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description']);
  expect(typeof res.body.error_description).toBe('string');
  expect(res.body.error_description.length).toBeGreaterThan(0);
  expect(res.text).not.toMatch(INTERNALS);
}

import { request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpAnswer } from './oauth-error-expectations.js';

export interface RawRequest {
  method?: string;
  path: string;
  /** Sent exactly as given: nothing is added (no Content-Type unless listed here). */
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/**
 * Sends one HTTP request with exactly the given headers and bytes (supertest adds a
 * Content-Type of its own), listening on an ephemeral loopback port for the time of the request.
 */
export async function sendRaw(server: Server, raw: RawRequest): Promise<HttpAnswer> {
  const listening = server.listening;
  if (!listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<HttpAnswer>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: raw.method ?? 'POST', path: raw.path, headers: raw.headers ?? {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try { body = JSON.parse(text); } catch { body = undefined; }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
      });
      req.on('error', reject);
      if (raw.body !== undefined) req.write(raw.body);
      req.end();
    });
  } finally {
    if (!listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

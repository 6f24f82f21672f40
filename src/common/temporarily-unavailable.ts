/**
 * The server cannot serve this request right now (its store is unreachable or full, its password
 * hashing queue is full). Endpoints answer 503 — `temporarily_unavailable` JSON, or an HTML page —
 * never a 500 or a silent success. The message goes to the log, never to the client.
 */
export class TemporarilyUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemporarilyUnavailableError';
  }
}

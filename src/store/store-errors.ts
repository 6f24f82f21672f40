/**
 * The store cannot take the operation right now (full, unreachable, too slow). Endpoints answer
 * 503 (`temporarily_unavailable`, or an HTML page), never a 500 or a silent success. Every store
 * implementation throws this (or a subclass) for backend failures, never the backend's own error.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

import { TemporarilyUnavailableError } from '../common/temporarily-unavailable.js';

/**
 * The store cannot take the operation right now (full, unreachable, too slow): endpoints answer
 * 503. Every store implementation throws this (or a subclass) for backend failures, never the
 * backend's own error.
 */
export class StoreUnavailableError extends TemporarilyUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

import { errorCatalog } from './catalog.js';

/**
 * Thrown by a handler when retrying cannot help (a rejected recipient, a missing referenced record):
 * the message goes to the DLQ at once instead of waiting out every retry.
 */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
  readonly code = errorCatalog.permanentFailure.code;
}

/**
 * Thrown by a handler when the message cannot be handled now through no fault of its own (another
 * run of the same event holds its claim): it comes back after `delayMs`, and the attempt does not count.
 */
export class Deferred extends Error {
  override readonly name = 'Deferred';
  readonly code = errorCatalog.deferred.code;
  readonly delayMs: number;

  constructor(message: string, delayMs = 1_000) {
    super(message);
    this.delayMs = delayMs;
  }
}

/** `Name: message` for an Error, the value as text for anything else thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

import { errorCatalog, type HttpErrorName } from './catalog.js';

/** An expected failure with a catalog code; the HTTP error handler answers it with its status. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: string;
  readonly status: number;

  constructor(kind: HttpErrorName, message: string) {
    super(message);
    this.code = errorCatalog[kind].code;
    this.status = errorCatalog[kind].status;
  }
}

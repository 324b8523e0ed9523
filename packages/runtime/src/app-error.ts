/** The error catalog: stable codes clients can branch on, each with its HTTP status. */
export const ErrorCode = {
  validation: { code: 'HERALD_VALIDATION', status: 400 },
  /** A body that is not what its content type says (malformed JSON, empty, forbidden keys). */
  malformedRequest: { code: 'HERALD_MALFORMED_REQUEST', status: 400 },
  payloadTooLarge: { code: 'HERALD_PAYLOAD_TOO_LARGE', status: 413 },
  unsupportedMediaType: { code: 'HERALD_UNSUPPORTED_MEDIA_TYPE', status: 415 },
  unauthorized: { code: 'HERALD_UNAUTHORIZED', status: 401 },
  forbidden: { code: 'HERALD_FORBIDDEN', status: 403 },
  notFound: { code: 'HERALD_NOT_FOUND', status: 404 },
  conflict: { code: 'HERALD_CONFLICT', status: 409 },
  gone: { code: 'HERALD_GONE', status: 410 },
  tooManyRequests: { code: 'HERALD_RATE_LIMITED', status: 429 },
} as const;
export type ErrorKind = keyof typeof ErrorCode;

/** An expected failure with a catalog code; the HTTP error handler maps it to its status. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: string;
  readonly status: number;

  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.code = ErrorCode[kind].code;
    this.status = ErrorCode[kind].status;
  }
}

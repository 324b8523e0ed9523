/** What a consumer does with a message whose handler threw the error (see bus/src/routing.ts). */
export type ConsumerRoute = 'retry' | 'defer' | 'dead-letter';

/** Where an error that is neither an HTTP answer nor a handler's failure surfaces. */
export type OperatorSurface = 'start-up' | 'dlq tool' | 'console';

interface Entry {
  readonly code: `HERALD_${string}`;
  /** One line for the doc page and the OpenAPI document. */
  readonly description: string;
}
/** Answered to an HTTP client with `status`. */
export interface HttpEntry extends Entry {
  readonly status: number;
}
/** Thrown inside a handler (or by what it calls): the consumer routes the message by `route`. */
export interface ConsumerEntry extends Entry {
  readonly route: ConsumerRoute;
}
/** Seen by whoever runs Herald: a service that will not start, the DLQ tool, the console. */
export interface OperatorEntry extends Entry {
  readonly surface: OperatorSurface;
}
export type CatalogEntry = HttpEntry | ConsumerEntry | OperatorEntry;

/**
 * Every error code Herald gives, under one name each. Codes are stable: clients, dashboards and
 * the DLQ's headers branch on them, so a code is added, never renamed. docs/errors.md is rendered
 * from this table (`npm run errors -- --write`) and a unit test fails when the two drift.
 */
export const errorCatalog = {
  validation: {
    code: 'HERALD_VALIDATION',
    status: 400,
    description:
      'The body, query or path does not match the route schema; the answer adds `issues`.',
  },
  malformedRequest: {
    code: 'HERALD_MALFORMED_REQUEST',
    status: 400,
    description:
      'The body is not what its content type says (malformed JSON, empty, forbidden keys).',
  },
  unauthorized: {
    code: 'HERALD_UNAUTHORIZED',
    status: 401,
    description: 'The access token is missing, expired or invalid, or the credentials are wrong.',
  },
  forbidden: {
    code: 'HERALD_FORBIDDEN',
    status: 403,
    description: 'The caller is not allowed this (not a member of the workspace, wrong role).',
  },
  emailUnverified: {
    code: 'HERALD_EMAIL_UNVERIFIED',
    status: 403,
    description:
      'The caller has not verified their e-mail address yet (needed to accept an invite): open the link of the verification e-mail.',
  },
  notFound: {
    code: 'HERALD_NOT_FOUND',
    status: 404,
    description: 'No such resource, or no such route.',
  },
  conflict: {
    code: 'HERALD_CONFLICT',
    status: 409,
    description: 'The request conflicts with the current state (a taken email, a stale version).',
  },
  gone: {
    code: 'HERALD_GONE',
    status: 410,
    description: 'The invite or link token was used already or has expired.',
  },
  payloadTooLarge: {
    code: 'HERALD_PAYLOAD_TOO_LARGE',
    status: 413,
    description: 'The body is over the size limit.',
  },
  unsupportedMediaType: {
    code: 'HERALD_UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    description: 'The content type is not one the route accepts.',
  },
  tooManyRequests: {
    code: 'HERALD_RATE_LIMITED',
    status: 429,
    description: 'The client reached its rate limit; the message says when to retry.',
  },
  internal: {
    code: 'HERALD_INTERNAL',
    status: 500,
    description: 'An unexpected failure; the details are in the service log, not in the answer.',
  },
  permanentFailure: {
    code: 'HERALD_PERMANENT_FAILURE',
    route: 'dead-letter',
    description:
      'Retrying cannot help (a rejected recipient, a missing record): to the DLQ at once.',
  },
  deferred: {
    code: 'HERALD_DEFERRED',
    route: 'defer',
    description:
      'Cannot be handled now through no fault of its own: back later, attempt not counted.',
  },
  brokerUnavailable: {
    code: 'HERALD_BROKER_UNAVAILABLE',
    route: 'retry',
    description:
      'A publish could not reach the broker within its deadline; the event was not sent.',
  },
  publishRejected: {
    code: 'HERALD_PUBLISH_REJECTED',
    route: 'retry',
    description: 'The broker refused (nacked) a publish; the event was not stored.',
  },
  publishUnroutable: {
    code: 'HERALD_PUBLISH_UNROUTABLE',
    route: 'retry',
    description: 'The broker returned a mandatory publish: no queue is bound for its routing key.',
  },
  configInvalid: {
    code: 'HERALD_CONFIG_INVALID',
    surface: 'start-up',
    description: 'An environment variable is missing or invalid; the service stops, listing each.',
  },
  deadLetterQueueMissing: {
    code: 'HERALD_DLQ_MISSING',
    surface: 'dlq tool',
    description: 'The service has no DLQ yet: it declares one when it starts consuming.',
  },
  replayQueueMissing: {
    code: 'HERALD_REPLAY_QUEUE_MISSING',
    surface: 'dlq tool',
    description: 'A replay found no queue to take messages back; they stay in the DLQ.',
  },
  consoleUpstream: {
    code: 'HERALD_CONSOLE_UPSTREAM',
    surface: 'console',
    description: 'A system the console reads (broker, service, Jaeger) did not answer as expected.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCatalog = typeof errorCatalog;
export type ErrorName = keyof ErrorCatalog;
export type ErrorCode = ErrorCatalog[ErrorName]['code'];
/** The names of the errors answered over HTTP, the kinds an `AppError` can have. */
export type HttpErrorName = {
  [N in ErrorName]: ErrorCatalog[N] extends HttpEntry ? N : never;
}[ErrorName];

export function isHttpEntry(entry: CatalogEntry): entry is HttpEntry {
  return 'status' in entry;
}

/** Every entry, in catalog order. */
export const catalogEntries: readonly CatalogEntry[] = Object.values(errorCatalog);

/**
 * The client-error statuses (4xx) with their codes, in ascending order: what any route can answer
 * besides its own responses. 5xx is left out on purpose: documenting it would make a 500 look expected.
 */
export function clientErrorStatuses(): ReadonlyMap<number, readonly HttpEntry[]> {
  const byStatus = new Map<number, HttpEntry[]>();
  for (const entry of catalogEntries.filter(isHttpEntry).sort((a, b) => a.status - b.status)) {
    if (entry.status >= 500) continue;
    byStatus.set(entry.status, [...(byStatus.get(entry.status) ?? []), entry]);
  }
  return byStatus;
}

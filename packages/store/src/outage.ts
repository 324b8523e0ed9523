import type { OutagePolicy } from '@herald/bus';
import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  type Db,
} from 'mongodb';
import { mongoReachable } from './mongo.js';

/**
 * Server error codes that say the server cannot serve right now (shutting down, stepping down,
 * not primary, a network failure between members), not that the operation was wrong.
 */
const unavailableCodes = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * True when `error` (or an error it wraps) says the store cannot be reached: refused,
 * reset or timed-out connections and cleared pools (all `MongoNetworkError`), no server selectable
 * within `serverSelectionTimeoutMS`, a client not connected, or a server that is shutting down or
 * not primary. A duplicate key, a validation error or a bad query are not outages.
 */
export function isStoreUnavailable(error: unknown): boolean {
  // Bounded: a cause chain could loop.
  for (
    let e: unknown = error, depth = 0;
    e instanceof Error && depth < 8;
    e = wrapped(e), depth++
  ) {
    if (
      e instanceof MongoNetworkError ||
      e instanceof MongoServerSelectionError ||
      e instanceof MongoNotConnectedError
    ) {
      return true;
    }
    if (e instanceof MongoServerError && typeof e.code === 'number' && unavailableCodes.has(e.code))
      return true;
  }
  return false;
}

/** The error inside `error`: its cause, or the driver error a bulk write wraps (`errorResponse`). */
function wrapped(error: Error): unknown {
  if (error.cause !== undefined) return error.cause;
  return error instanceof MongoServerError ? error.errorResponse : undefined;
}

/**
 * The consumer's outage policy for a service whose handlers write to `db`: a handler failing
 * because the store is unreachable pauses consuming until a ping answers, instead of spending
 * the message's retries (a long outage would otherwise dead-letter every message).
 */
export function storeOutage(db: Db): OutagePolicy {
  return { isOutage: isStoreUnavailable, probe: () => mongoReachable(db) };
}

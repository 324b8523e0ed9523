import { createServer } from 'node:net';
import {
  MongoClient,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoNotConnectedError,
  MongoServerError,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import { isStoreUnavailable, storeOutage } from './outage.js';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

describe('isStoreUnavailable', () => {
  it('is true for what the driver throws when no server answers', async () => {
    const client = new MongoClient(`mongodb://127.0.0.1:${await closedPort()}/x`, {
      serverSelectionTimeoutMS: 200,
    });
    try {
      const error = await client
        .db()
        .collection('c')
        .insertOne({ a: 1 })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('MongoServerSelectionError');
      expect(isStoreUnavailable(error)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('is true for network errors, timeouts, a client not connected and a server going away', () => {
    for (const error of [
      new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'),
      new MongoNetworkTimeoutError('connection timed out'),
      new MongoNotConnectedError('Client must be connected before running operations'),
      new MongoServerError({ code: 11600, errmsg: 'interrupted at shutdown' }),
      new MongoServerError({ code: 10107, errmsg: 'not primary' }),
      // A handler or adapter that wraps the driver's error keeps it as the cause.
      new Error('saving the notification failed', {
        cause: new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017'),
      }),
    ]) {
      expect(isStoreUnavailable(error), error.message).toBe(true);
    }
  });

  it('is false for failures of the operation itself', () => {
    for (const error of [
      new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error' }),
      new MongoServerError({ code: 2, errmsg: 'BadValue' }),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      new Error('template missing'),
    ]) {
      expect(isStoreUnavailable(error), error.message).toBe(false);
    }
    expect(isStoreUnavailable('ECONNREFUSED')).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
  });
});

describe('storeOutage', () => {
  it('probes with a ping, which fails while the store is unreachable', async () => {
    const client = new MongoClient(`mongodb://127.0.0.1:${await closedPort()}/x`, {
      serverSelectionTimeoutMS: 200,
    });
    try {
      const policy = storeOutage(client.db());
      expect(policy.isOutage(new MongoNetworkError('reset'))).toBe(true);
      expect(await policy.probe()).toBe(false);
    } finally {
      await client.close();
    }
  });
});

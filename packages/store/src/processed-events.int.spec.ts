// Two or more replicas, each with its own connection to the store, delivered the same event at once.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { MongoClient } from 'mongodb';
import { Deferred } from '@herald/bus';
import {
  eventually,
  mongoUrlForTest,
  recordingLogger,
  testLogger,
  uniqueNamespace,
} from '@herald/testkit';
import { connectMongo } from './mongo.js';
import { ProcessedEvents, type ProcessedEventsOptions } from './processed-events.js';

const url = mongoUrlForTest(uniqueNamespace('claims'));
const clients: MongoClient[] = [];

afterAll(async () => {
  await clients[0]?.db().dropDatabase();
  await Promise.all(clients.map((c) => c.close()));
});

/** A replica's ProcessedEvents, on a MongoClient of its own. */
async function replica(options?: ProcessedEventsOptions) {
  const { client, db } = await connectMongo(url, 'claims-test');
  clients.push(client);
  return { client, processed: new ProcessedEvents(db, options) };
}

/** An effect that counts its runs and holds each one until `open()`. */
function heldEffect() {
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const effect = {
    runs: 0,
    open,
    run: async () => {
      effect.runs++;
      await gate;
    },
  };
  return effect;
}

type Outcome = { ran: boolean } | { error: unknown };

/** Starts `once` and notes how it settled in `outcomes`, without ever rejecting. */
function settle(run: Promise<boolean>, outcomes: Outcome[]): Promise<void> {
  return run.then(
    (ran) => void outcomes.push({ ran }),
    (error: unknown) => void outcomes.push({ error }),
  );
}

const deferred = (o: Outcome) => 'error' in o && o.error instanceof Deferred;

describe('ProcessedEvents at two or more replicas', () => {
  it('runs one effect for two concurrent deliveries: the second is deferred while the first runs', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const effect = heldEffect();
    const outcomes: Outcome[] = [];
    const both = Promise.all(
      [a, b].map((r) => settle(r.processed.once('mailer', 'e1', effect.run, testLogger), outcomes)),
    );
    // The loser settles while the winner's effect is still held; a second effect would show too.
    await eventually('one run settled', () => outcomes.length > 0 || effect.runs > 1);
    expect(effect.runs).toBe(1);
    expect(outcomes).toHaveLength(1);
    expect(outcomes.every(deferred)).toBe(true);
    effect.open();
    await both;
    expect(outcomes[1]).toEqual({ ran: true });

    // The deferred delivery comes back after the first completed: a no-op, on either replica.
    for (const r of [a, b]) {
      expect(await r.processed.once('mailer', 'e1', effect.run, testLogger)).toBe(false);
    }
    expect(effect.runs).toBe(1);
  });

  it('keeps a run that outlives its lease exclusive by renewing it while the effect runs', async () => {
    const leaseMs = 300;
    const [a, b] = await Promise.all([replica({ leaseMs }), replica({ leaseMs })]);
    const slow = heldEffect();
    const started = Date.now();
    const first = a.processed.once('mailer', 'e2', slow.run, testLogger);
    await eventually('the slow effect runs', () => slow.runs === 1);
    await eventually('three leases have passed', () => Date.now() > started + 3 * leaseMs);

    let effects = 0;
    const second = b.processed.once('mailer', 'e2', async () => void effects++, testLogger);
    await expect(second).rejects.toBeInstanceOf(Deferred);
    slow.open();
    expect(await first).toBe(true);
    expect(await b.processed.once('mailer', 'e2', async () => void effects++, testLogger)).toBe(
      false,
    );
    expect(effects).toBe(0);
  });

  it('hands the event of a run that died to exactly one of two replicas racing for it once the lease is over', async () => {
    // Long enough that the lease surely outlives the few round trips right after the death.
    const leaseMs = 2_000;
    const [dying, b, c, d] = await Promise.all([
      replica({ leaseMs }),
      replica({ leaseMs }),
      replica({ leaseMs }),
      replica({ leaseMs }),
    ]);
    const { logger, lines } = recordingLogger();
    const crashed = heldEffect(); // never opened: the run never completes
    void dying.processed.once('mailer', 'e3', crashed.run, logger);
    await eventually('the doomed effect runs', () => crashed.runs === 1);
    // The process dies: nothing it does reaches the store any more.
    await dying.client.close(true);

    let earlyEffects = 0;
    const early = await b.processed
      .once('mailer', 'e3', async () => void earlyEffects++, testLogger)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    // Its lease still runs: the event waits, and is told how long.
    expect(early).toBeInstanceOf(Deferred);
    expect(earlyEffects).toBe(0);
    await sleep((early as Deferred).delayMs);

    const takeover = heldEffect();
    const outcomes: Outcome[] = [];
    const race = Promise.all(
      [b, c].map((r) =>
        settle(r.processed.once('mailer', 'e3', takeover.run, testLogger), outcomes),
      ),
    );
    await eventually('one takeover settled', () => outcomes.length > 0 || takeover.runs > 1);
    expect(takeover.runs).toBe(1);
    expect(outcomes.every(deferred)).toBe(true);
    takeover.open();
    await race;
    expect(outcomes[1]).toEqual({ ran: true });

    expect(await d.processed.once('mailer', 'e3', takeover.run, testLogger)).toBe(false);
    expect(takeover.runs).toBe(1);
    expect(crashed.runs).toBe(1);
    // The dead run's timer noticed its lease was gone and stopped renewing it.
    await eventually('the lost lease reported', () =>
      lines.some((l) => l.msg === 'claim lease ran out; another delivery may run this too'),
    );
  });

  it('lets another replica retry at once after a run failed, without waiting out its lease', async () => {
    const [a, b] = await Promise.all([replica({ leaseMs: 60_000 }), replica({ leaseMs: 60_000 })]);
    await expect(
      a.processed.once('mailer', 'e4', () => Promise.reject(new Error('451 later')), testLogger),
    ).rejects.toThrow('451 later');
    let effects = 0;
    expect(await b.processed.once('mailer', 'e4', async () => void effects++, testLogger)).toBe(
      true,
    );
    expect(await a.processed.once('mailer', 'e4', async () => void effects++, testLogger)).toBe(
      false,
    );
    expect(effects).toBe(1);
  });
});

describe('ensureIndexes', () => {
  it('makes the record and the claims collections before any event is claimed', async () => {
    const { client, processed } = await replica();
    await processed.ensureIndexes();
    await processed.ensureIndexes(); // every replica runs it at start-up
    const names = (await client.db().listCollections({}, { nameOnly: true }).toArray()).map(
      (c) => c.name,
    );
    expect(names).toEqual(expect.arrayContaining(['processed_events', 'processed_event_claims']));
  });
});

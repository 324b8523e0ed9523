import { describe, expect, expectTypeOf, it } from 'vitest';
import { catalog } from './catalog.js';
import { ContractViolation, createEvent, parseEvent } from './envelope.js';
import type { UserRegistered } from './events/identity.js';

const ada: UserRegistered = {
  userId: 'u-1',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  handle: 'ada',
};
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What a consumer receives: the event after a trip through JSON, as `unknown`. */
function wire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function violation(run: () => unknown): ContractViolation {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ContractViolation);
    return err as ContractViolation;
  }
  throw new Error('expected a ContractViolation, nothing was thrown');
}

describe('createEvent', () => {
  it('fills id, version and time and keeps type, source and data', () => {
    const event = createEvent('user.registered', ada, 'api');

    expect(event.id).toMatch(uuid);
    expect(event.version).toBe(catalog['user.registered'].version);
    expect(Date.parse(event.time)).not.toBeNaN();
    expect(event).toMatchObject({ type: 'user.registered', source: 'api', data: ada });
  });

  it('uses the id and time it is given, so schedule slots get deterministic ids', () => {
    const id = '6f1c1a52-3b5e-5d7a-9c1e-2f4b6d8a0c13';
    const event = createEvent('user.registered', ada, 'api', {
      id,
      time: new Date('2026-01-02T09:00:00Z'),
    });

    expect(event.id).toBe(id);
    expect(event.time).toBe('2026-01-02T09:00:00.000Z');
  });

  it('gives every event its own id', () => {
    const a = createEvent('user.registered', ada, 'api');
    const b = createEvent('user.registered', ada, 'api');

    expect(a.id).not.toBe(b.id);
  });

  it('returns the parsed data, without keys the schema does not know', () => {
    const user = { ...ada, password: 'secret' }; // a wider object, e.g. a database row
    const event = createEvent('user.registered', user, 'api');

    expect(event.data).toEqual(ada);
  });

  it('rejects data that does not match the schema, naming the event and the field', () => {
    const err = violation(() =>
      createEvent('user.registered', { ...ada, email: 'not-an-email' }, 'api'),
    );

    expect(err.message).toMatch(/^user\.registered: /);
    expect(err.message).toContain('at email');
    expect(err.issues.map((issue) => issue.path)).toEqual([['email']]);
  });

  it('rejects an envelope consumers would reject: a non-uuid id, an empty source', () => {
    expect(
      violation(() => createEvent('user.registered', ada, 'api', { id: 'slot-1' })).message,
    ).toMatch(/^user\.registered envelope: .*Invalid UUID.*\n.*at id/);
    expect(violation(() => createEvent('user.registered', ada, '')).message).toContain('at source');
  });

  it('rejects an invalid Date instead of throwing a RangeError', () => {
    const err = violation(() =>
      createEvent('user.registered', ada, 'api', { time: new Date('not a date') }),
    );

    expect(err.message).toBe('user.registered: time is an invalid Date');
  });
});

describe('parseEvent', () => {
  const good = createEvent('user.registered', ada, 'api');

  it('accepts an event from the wire and returns its typed data', () => {
    const event = parseEvent(wire(good));

    expect(event).toEqual(good);
    if (event.type !== 'user.registered') throw new Error(`unexpected ${event.type}`);
    expectTypeOf(event.data).toEqualTypeOf<UserRegistered>();
    expect(event.data.handle).toBe('ada');
  });

  it.each([
    ['a string', 'hello', 'expected object, received string'],
    ['null', null, 'expected object, received null'],
    ['an array', [], 'expected object, received array'],
  ])('rejects %s as not an envelope', (_name, input, reason) => {
    expect(violation(() => parseEvent(input)).message).toBe(`envelope: ✖ Invalid input: ${reason}`);
  });

  it('rejects an envelope with missing fields, naming each one', () => {
    const partial: Record<string, unknown> = { ...good };
    delete partial.id;
    delete partial.time;
    const err = violation(() => parseEvent(wire(partial)));

    expect(err.message).toMatch(/^envelope: /);
    expect(err.message).toContain('at id');
    expect(err.message).toContain('at time');
    expect(err.issues.map((issue) => issue.path)).toEqual([['id'], ['time']]);
  });

  it('rejects an event type the catalog does not know', () => {
    const err = violation(() => parseEvent(wire({ ...good, type: 'user.deleted' })));

    expect(err.message).toBe('unknown event type "user.deleted"');
  });

  it('rejects a version this build does not read', () => {
    const err = violation(() => parseEvent(wire({ ...good, version: 2 })));

    expect(err.message).toBe('user.registered: unsupported version 2 (this build reads 1)');
  });

  it('rejects data of the wrong shape, naming every bad field', () => {
    const err = violation(() =>
      parseEvent(wire({ ...good, data: { ...ada, email: 'nope', handle: 42 } })),
    );

    expect(err.message).toMatch(/^user\.registered: /);
    expect(err.message).toContain('Invalid email address\n  → at email');
    expect(err.message).toContain('expected string, received number\n  → at handle');
  });

  it("rejects another event's data under this type", () => {
    const task = { workspaceId: 'w-1', taskId: 't-1', key: 'WS-1', title: 'Ship it' };
    const err = violation(() => parseEvent(wire({ ...good, data: task })));

    expect(err.message).toMatch(/^user\.registered: /);
    expect(err.issues.map((issue) => issue.path.join('.'))).toEqual(
      expect.arrayContaining(['userId', 'email', 'name', 'handle']),
    );
  });
});

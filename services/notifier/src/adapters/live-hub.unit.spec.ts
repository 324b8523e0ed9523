import { describe, expect, it } from 'vitest';
import type { NotificationCreated } from '@herald/contracts';
import { LiveHub, type LiveListener } from './live-hub.js';

function aLive(userId: string, seq = 1): NotificationCreated {
  return {
    userId,
    seq,
    notification: {
      id: `e-${seq}:${userId}`,
      kind: 'mentioned',
      title: 'Ada mentioned you',
      body: 'hi',
      createdAt: new Date(0).toISOString(),
      readAt: null,
    },
  };
}

/** A listener that writes what it is told into `log`, prefixed with `name`. */
function recorder(log: string[], name: string): LiveListener {
  return {
    offer: (live) => log.push(`${name} ${live.notification.id}`),
    catchUp: () => log.push(`${name} catch-up`),
  };
}

describe('LiveHub', () => {
  it("passes a notification to its user's streams only", () => {
    const hub = new LiveHub();
    const log: string[] = [];
    hub.subscribe('ada', recorder(log, 'ada 1'));
    hub.subscribe('ada', recorder(log, 'ada 2'));
    hub.subscribe('grace', recorder(log, 'grace'));

    hub.dispatch(aLive('ada'));

    expect(log).toEqual(['ada 1 e-1:ada', 'ada 2 e-1:ada']);
  });

  it('tells every stream to catch up', () => {
    const hub = new LiveHub();
    const log: string[] = [];
    hub.subscribe('ada', recorder(log, 'ada'));
    hub.subscribe('grace', recorder(log, 'grace'));

    hub.catchUpAll();

    expect(log).toEqual(['ada catch-up', 'grace catch-up']);
  });

  it('stops passing after unsubscribe and forgets users with no streams', () => {
    const hub = new LiveHub();
    const log: string[] = [];
    const listener = recorder(log, 'ada');
    const first = hub.subscribe('ada', listener);
    const second = hub.subscribe('ada', listener);
    expect(hub.listeners('ada')).toBe(2);

    first();
    first();
    expect(hub.listeners('ada')).toBe(1);
    hub.dispatch(aLive('ada', 1));
    second();
    hub.dispatch(aLive('ada', 2));

    expect(log).toEqual(['ada e-1:ada']);
    expect(hub.listeners('ada')).toBe(0);
    expect(hub.listeners()).toBe(0);
  });

  it('keeps passing to the others when one stream throws, and reports it', () => {
    const errors: unknown[] = [];
    const hub = new LiveHub({ onListenerError: (error) => errors.push(error) });
    const log: string[] = [];
    hub.subscribe('ada', {
      offer: () => {
        throw new Error('socket gone');
      },
      catchUp: () => undefined,
    });
    hub.subscribe('ada', recorder(log, 'ada'));

    expect(() => hub.dispatch(aLive('ada'))).not.toThrow();
    expect(log).toEqual(['ada e-1:ada']);
    expect(errors).toEqual([new Error('socket gone')]);
  });
});

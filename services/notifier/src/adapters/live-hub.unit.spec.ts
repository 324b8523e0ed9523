import { describe, expect, it } from 'vitest';
import type { Notification } from '../domain/notification.js';
import { LiveHub } from './live-hub.js';

function aNotification(userId: string, id = `e-1:${userId}`): Notification {
  return {
    id,
    userId,
    kind: 'mentioned',
    title: 'Ada mentioned you',
    body: 'hi',
    eventId: 'e-1',
    createdAt: new Date(0),
    readAt: null,
  };
}

describe('LiveHub', () => {
  it("delivers a notification to its user's listeners only", () => {
    const hub = new LiveHub();
    const ada: string[] = [];
    const grace: string[] = [];
    hub.subscribe('ada', (n) => ada.push(n.id));
    hub.subscribe('ada', (n) => ada.push(`second ${n.id}`));
    hub.subscribe('grace', (n) => grace.push(n.id));

    hub.publish(aNotification('ada'));

    expect(ada).toEqual(['e-1:ada', 'second e-1:ada']);
    expect(grace).toEqual([]);
  });

  it('stops delivering after unsubscribe and forgets users with no listeners', () => {
    const hub = new LiveHub();
    const seen: string[] = [];
    const listener = (n: Notification) => seen.push(n.id);
    const first = hub.subscribe('ada', listener);
    const second = hub.subscribe('ada', listener);
    expect(hub.listeners('ada')).toBe(2);

    first();
    first();
    expect(hub.listeners('ada')).toBe(1);
    hub.publish(aNotification('ada', 'one'));
    second();
    hub.publish(aNotification('ada', 'two'));

    expect(seen).toEqual(['one']);
    expect(hub.listeners('ada')).toBe(0);
    expect(hub.listeners()).toBe(0);
  });

  it('keeps delivering to the others when one listener throws, and reports it', () => {
    const errors: unknown[] = [];
    const hub = new LiveHub({ onListenerError: (error) => errors.push(error) });
    const seen: string[] = [];
    hub.subscribe('ada', () => {
      throw new Error('socket gone');
    });
    hub.subscribe('ada', (n) => seen.push(n.id));

    expect(() => hub.publish(aNotification('ada'))).not.toThrow();
    expect(seen).toEqual(['e-1:ada']);
    expect(errors).toEqual([new Error('socket gone')]);
  });
});

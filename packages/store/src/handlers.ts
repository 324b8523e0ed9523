// What handler tables need from the store, with no driver behind it: every import here is a type,
// so domain and handler files can use it (the lint's boundary rule) without loading mongodb.
import type { Handler, Logger } from '@herald/bus';
import type { Event, EventType } from '@herald/contracts';
import type { Heartbeats } from './heartbeats.js';
import type { PreferenceCopies } from './preference-copies.js';
import type { ProcessedEvents } from './processed-events.js';

/** Wraps a handler so each event id runs it once for `consumer` (redeliveries become no-ops). */
export function idempotent<E extends { readonly id: string }, C extends { readonly log: Logger }>(
  processed: ProcessedEvents,
  consumer: string,
  handler: (event: E, context: C) => Promise<void>,
): (event: E, context: C) => Promise<void> {
  return async (event, context) => {
    await processed.once(consumer, event.id, () => handler(event, context), context.log);
  };
}

/**
 * Subscribes a handler table on a consumer, each handler wrapped by `idempotent`: the one place
 * every service wires "this event type -> this handler, once per event id".
 */
export function subscribeOnce<T extends EventType, P>(
  consumer: { on<K extends T>(type: K, handler: Handler<K>): unknown },
  options: {
    readonly handlers: { readonly [K in T]: (event: Event<K>, ports: P) => Promise<void> };
    readonly types: readonly T[];
    readonly ports: P;
    readonly processed: ProcessedEvents;
    /** Names the consumer in the processed-events record. */
    readonly consumer: string;
  },
): void {
  const { handlers, ports, processed } = options;
  const register = <K extends T>(type: K) => {
    const handle: (event: Event<K>, ports: P) => Promise<void> = handlers[type];
    consumer.on(
      type,
      idempotent(processed, options.consumer, (event: Event<K>) => handle(event, ports)),
    );
  };
  for (const type of options.types) register(type);
}

/** The `system.heartbeat` handler every consuming service shares. */
export async function onSystemHeartbeat(
  event: Event<'system.heartbeat'>,
  ports: { readonly heartbeats: Pick<Heartbeats, 'record'>; readonly now: () => Date },
): Promise<void> {
  await ports.heartbeats.record(new Date(event.data.slot), ports.now());
}

/** The `user.notification-preferences-changed` handler the mailer and the notifier share. */
export async function onUserNotificationPreferencesChanged(
  event: Event<'user.notification-preferences-changed'>,
  ports: { readonly preferences: Pick<PreferenceCopies, 'record'> },
): Promise<void> {
  await ports.preferences.record(event.data);
}

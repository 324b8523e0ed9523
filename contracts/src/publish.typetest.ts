// Compile-time contract tests: type-checked by `tsc --noEmit` (tsconfig.json), never run and never
// built (tsconfig.build.json excludes *.typetest.ts). Each `@ts-expect-error` must stay a real error:
// if the line ever compiles, tsc fails with "Unused '@ts-expect-error' directive".
import type { EventData } from './catalog.js';
import { createEvent, type AnyEvent, type Event } from './envelope.js';
import type { UserRegistered } from './events/identity.js';
import type { TaskCreated } from './events/tasks.js';
import type { ConsumedBy, ProducedBy } from './topology.js';

/** Compiles only when `value` is assignable to `T`. */
function expectType<T>(_value: T): void {}

declare const ada: UserRegistered;
declare const task: TaskCreated;
declare const incoming: AnyEvent;

// A correct payload compiles, and the event it returns is typed by its event type.
const registered = createEvent(
  'user.registered',
  { userId: 'u-1', email: 'ada@example.com', name: 'Ada', handle: 'ada' },
  'api',
);
expectType<Event<'user.registered'>>(registered);
expectType<string>(registered.data.handle);
expectType<EventData<'user.registered'>>(ada);

// Missing field: `handle` is required.
// @ts-expect-error -- Property 'handle' is missing
createEvent('user.registered', { userId: 'u-1', email: 'ada@example.com', name: 'Ada' }, 'api');

// Wrong field type: `handle` is a string.
createEvent(
  'user.registered',
  {
    ...ada,
    // @ts-expect-error -- Type 'number' is not assignable to type 'string'
    handle: 42,
  },
  'api',
);

// A field the contract does not have, written as a literal.
createEvent(
  'user.registered',
  {
    ...ada,
    // @ts-expect-error -- Object literal may only specify known properties
    password: 'secret',
  },
  'api',
);

// The data of another event.
// @ts-expect-error -- TaskCreated is not assignable to UserRegistered
createEvent('user.registered', task, 'api');

// Right data, wrong event type: task.created needs a TaskCreated.
// @ts-expect-error -- UserRegistered is not assignable to TaskCreated
createEvent('task.created', ada, 'api');

// An event type the catalog does not know.
// @ts-expect-error -- '"user.deleted"' is not assignable to EventType
createEvent('user.deleted', ada, 'api');

// An event of one type is not an event of another.
// @ts-expect-error -- Event<'user.registered'> is not Event<'task.created'>
expectType<Event<'task.created'>>(registered);

// Consumption: a parsed event's data is known only once `type` has been narrowed.
// @ts-expect-error -- before narrowing, data may be any event's data
expectType<UserRegistered>(incoming.data);
if (incoming.type === 'user.registered') expectType<UserRegistered>(incoming.data);

// The services table types what each service may send and receive.
expectType<ProducedBy<'api'>>('user.registered');
// @ts-expect-error -- api does not produce digest.compiled
expectType<ProducedBy<'api'>>('digest.compiled');
expectType<ConsumedBy<'notifier'>>('user.registered');
// @ts-expect-error -- notifier does not consume task.created
expectType<ConsumedBy<'notifier'>>('task.created');

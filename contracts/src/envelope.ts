import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { catalog, type EventData, type EventType } from './catalog.js';
import { IsoTime } from './events/common.js';

/** CloudEvents-like wrapper every message carries; AMQP properties mirror it. */
export const Envelope = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  source: z.string().min(1),
  time: IsoTime,
  data: z.unknown(),
});
export type Envelope = z.infer<typeof Envelope>;

/** The envelope fields a producer supplies (the rest is generated). */
const SuppliedFields = Envelope.pick({ id: true, source: true });

/** Sources that passed SuppliedFields; a service publishes from one or two. */
const checkedSources = new Set<string>();

/** An envelope whose `data` has been parsed with its event's schema. */
export interface Event<T extends EventType = EventType> {
  readonly id: string;
  readonly type: T;
  readonly version: number;
  readonly source: string;
  readonly time: string;
  readonly data: EventData<T>;
}

/** Any event of the catalog, discriminated by `type`. */
export type AnyEvent = { [T in EventType]: Event<T> }[EventType];

export interface CreateEventOptions {
  /** Deterministic ids (schedule slots, per-day reminders) make re-emission dedupe downstream. */
  readonly id?: string;
  readonly time?: Date;
}

/**
 * Builds a validated event; throws ContractViolation when `data` does not match the schema or the
 * envelope would not pass `parseEvent` (a non-uuid `id`, an empty `source`, an invalid `time`).
 */
export function createEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  source: string,
  options: CreateEventOptions = {},
): Event<T> {
  const time = options.time ?? new Date();
  if (Number.isNaN(time.getTime())) throw new ContractViolation(`${type}: time is an invalid Date`);
  // Only the caller-supplied envelope fields can be wrong (a generated id and time always parse),
  // and a source that passed once passes again: this runs on every publish.
  const id = options.id ?? randomUUID();
  if (options.id !== undefined || !checkedSources.has(source)) {
    const supplied = SuppliedFields.safeParse({ id, source });
    if (!supplied.success) {
      throw new ContractViolation(
        `${type} envelope: ${z.prettifyError(supplied.error)}`,
        supplied.error.issues,
      );
    }
    checkedSources.add(source);
  }
  const event: Event<T> = {
    id,
    type,
    version: catalog[type].version,
    source,
    time: time.toISOString(),
    data: parseData(type, data),
  };
  return event;
}

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  constructor(
    message: string,
    readonly issues: readonly z.core.$ZodIssue[] = [],
  ) {
    super(message);
  }
}

function parseData<T extends EventType>(type: T, data: unknown): EventData<T> {
  const result = catalog[type].schema.safeParse(data);
  if (!result.success) {
    throw new ContractViolation(`${type}: ${z.prettifyError(result.error)}`, result.error.issues);
  }
  return result.data as EventData<T>;
}

/**
 * Parses untrusted JSON-decoded input into a catalog event: envelope shape, known type, supported
 * version, then the event's own schema. Throws ContractViolation with a readable reason.
 */
export function parseEvent(input: unknown): AnyEvent {
  const envelope = Envelope.safeParse(input);
  if (!envelope.success) {
    throw new ContractViolation(
      `envelope: ${z.prettifyError(envelope.error)}`,
      envelope.error.issues,
    );
  }
  const { type, version } = envelope.data;
  if (!Object.hasOwn(catalog, type)) throw new ContractViolation(`unknown event type "${type}"`);
  const eventType = type as EventType;
  const expected = catalog[eventType].version;
  if (version !== expected) {
    throw new ContractViolation(
      `${type}: unsupported version ${version} (this build reads ${expected})`,
    );
  }
  return {
    ...envelope.data,
    type: eventType,
    data: parseData(eventType, envelope.data.data),
  } as AnyEvent;
}

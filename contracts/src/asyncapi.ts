import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { catalog, eventTypes, type EventType } from './catalog.js';
import { Envelope } from './envelope.js';
import { Exchange } from './exchanges.js';
import {
  liveEvents,
  liveQueue,
  serviceQueues,
  services,
  type LiveService,
  type ServiceName,
} from './topology.js';

type JsonSchema = Record<string, unknown>;
interface Ref {
  readonly $ref: string;
}

export interface AsyncApiMessage {
  readonly name: EventType;
  readonly title: string;
  readonly summary: string;
  readonly description: string;
  readonly contentType: string;
  readonly headers: Ref;
  readonly payload: JsonSchema;
  readonly bindings: { readonly amqp: Record<string, unknown> };
}

export interface AsyncApiChannel {
  readonly address: string;
  readonly title: string;
  readonly description: string;
  readonly messages: Record<string, Ref>;
  readonly bindings: { readonly amqp: Record<string, unknown> };
}

export interface AsyncApiOperation {
  readonly action: 'send' | 'receive';
  readonly channel: Ref;
  readonly messages: readonly Ref[];
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly { readonly name: string }[];
  readonly bindings: { readonly amqp: Record<string, unknown> };
}

/** The subset of AsyncAPI 3.0.0 that Herald's document uses. */
export interface AsyncApiDocument {
  readonly asyncapi: '3.0.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly defaultContentType: string;
  readonly servers: Record<string, Record<string, unknown>>;
  readonly channels: Record<string, AsyncApiChannel>;
  readonly operations: Record<string, AsyncApiOperation>;
  readonly components: {
    readonly schemas: Record<string, JsonSchema>;
    readonly messages: Record<string, AsyncApiMessage>;
  };
}

const contentType = 'application/json';
const amqpBindingVersion = '0.3.0';
const headersSchema = 'TraceContextHeaders';

// Read once at load: the document's version is the contracts package's version.
const packageVersion = z
  .object({ version: z.string().min(1) })
  .parse(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))).version;

/** JSON Pointer segment escaping (RFC 6901), so any event or exchange name makes a valid $ref. */
function pointer(...segments: string[]): Ref {
  const escaped = segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1'));
  return { $ref: `#/${escaped.join('/')}` };
}

/**
 * JSON Schema of what consumers accept (`io: 'input'`: zod objects strip unknown keys rather than
 * reject them, so adding an optional field is not a breaking change). Draft-07 without its `$schema`
 * marker: payloads use AsyncAPI's default schema format, a superset of draft-07.
 */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const json: JsonSchema = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' });
  delete json.$schema;
  return json;
}

function envelopeSchema(type: EventType): JsonSchema {
  const { version, schema } = catalog[type];
  return jsonSchema(
    Envelope.extend({ type: z.literal(type), version: z.literal(version), data: schema }),
  );
}

function message(type: EventType): AsyncApiMessage {
  const { exchange, version, description } = catalog[type];
  return {
    name: type,
    title: type,
    summary: description,
    description:
      `Version ${version}, published to exchange \`${exchange}\` with routing key \`${type}\`. ` +
      'AMQP properties mirror the envelope (messageId = id, type = type, appId = source, ' +
      'timestamp = time) and delivery is persistent.',
    contentType,
    headers: pointer('components', 'schemas', headersSchema),
    payload: envelopeSchema(type),
    bindings: { amqp: { messageType: type, bindingVersion: amqpBindingVersion } },
  };
}

function channel(exchange: Exchange): AsyncApiChannel {
  const types = eventTypes.filter((type) => catalog[type].exchange === exchange);
  return {
    address: exchange,
    title: exchange,
    description: `Durable topic exchange \`${exchange}\`. The routing key is the event type.`,
    messages: Object.fromEntries(
      types.map((type) => [type, pointer('components', 'messages', type)]),
    ),
    bindings: {
      amqp: {
        is: 'routingKey',
        exchange: { name: exchange, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
        bindingVersion: amqpBindingVersion,
      },
    },
  };
}

function operation(service: ServiceName, action: 'send' | 'receive', type: EventType) {
  const { exchange } = catalog[type];
  const common = {
    action,
    channel: pointer('channels', exchange),
    messages: [pointer('channels', exchange, 'messages', type)],
    tags: [{ name: service }],
  };
  const entry: AsyncApiOperation =
    action === 'send'
      ? {
          ...common,
          summary: `${service} publishes ${type}.`,
          bindings: {
            amqp: { deliveryMode: 2, timestamp: true, bindingVersion: amqpBindingVersion },
          },
        }
      : {
          ...common,
          summary: `${service} consumes ${type}.`,
          description: receiveDescription(service, type),
          bindings: { amqp: { ack: true, bindingVersion: amqpBindingVersion } },
        };
  return [`${service}.${action}.${type}`, entry] as const;
}

/** Which of the service's queues takes `type`, and how that queue retries. */
function receiveDescription(service: ServiceName, type: EventType): string {
  const topology = serviceQueues(service).find((q) =>
    q.bindings.some((b) => b.routingKey === type),
  );
  if (!topology) throw new Error(`${service} consumes ${type} but no queue of it is bound to it`);
  const { delaysMs, maxAttempts } = topology.retry;
  const waits = delaysMs.map((ms) => (ms < 1_000 ? `${ms} ms` : `${ms / 1_000} s`)).join(', ');
  return (
    `Delivered to ${service}'s durable quorum queue \`${topology.queue}\` (bound by routing key); ` +
    `acked once handled; a failure is retried after ${waits} (the last wait repeats) for at most ` +
    `${maxAttempts} attempts, then dead-lettered to \`${topology.deadLetterQueue}\`.`
  );
}

/** Receiving a live event: every replica on its own queue, no acks (the store is the truth). */
function liveOperation(service: LiveService, type: EventType) {
  const { exchange } = catalog[type];
  const { queue, maxLength } = liveQueue(service, '<replica>');
  const entry: AsyncApiOperation = {
    action: 'receive',
    channel: pointer('channels', exchange),
    messages: [pointer('channels', exchange, 'messages', type)],
    tags: [{ name: service }],
    summary: `Every ${service} replica receives ${type}.`,
    description:
      `Delivered to a queue of each replica's own (\`${queue}.<n>\`: exclusive, auto-delete, ` +
      `at most ${maxLength} messages, the oldest dropped beyond), so every replica gets every ` +
      'message. Consumed without acks: a lost message is read from the store instead.',
    bindings: { amqp: { ack: false, bindingVersion: amqpBindingVersion } },
  };
  return [`${service}.receive.${type}`, entry] as const;
}

interface ServiceEvents {
  readonly produces: readonly EventType[];
  readonly consumes: readonly EventType[];
}

function operations(): Record<string, AsyncApiOperation> {
  const names = Object.keys(services) as ServiceName[];
  const live = Object.keys(liveEvents) as LiveService[];
  return Object.fromEntries([
    ...names.flatMap((service) => {
      const { produces, consumes }: ServiceEvents = services[service];
      return [
        ...produces.map((type) => operation(service, 'send', type)),
        ...consumes.map((type) => operation(service, 'receive', type)),
      ];
    }),
    ...live.flatMap((service) => {
      const receives: readonly EventType[] = liveEvents[service];
      return receives.map((type) => liveOperation(service, type));
    }),
  ]);
}

/**
 * The AsyncAPI 3.0.0 document for every event in the catalog, derived from the zod schemas and the
 * services table. Pure and deterministic: the same contracts always give the same document.
 */
export function buildAsyncApi(): AsyncApiDocument {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Herald',
      version: packageVersion,
      description:
        "Herald's event contracts: every event is a JSON envelope (id, type, version, source, " +
        'time, data) published to a durable topic exchange with the event type as routing key.',
    },
    defaultContentType: contentType,
    servers: {
      production: {
        host: 'rabbitmq:5672',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        description: 'The RabbitMQ broker every service connects to.',
      },
    },
    channels: Object.fromEntries(Object.values(Exchange).map((e) => [e, channel(e)])),
    operations: operations(),
    components: {
      schemas: {
        [headersSchema]: {
          type: 'object',
          description: 'AMQP headers carrying W3C Trace Context from producer to consumer.',
          properties: {
            traceparent: {
              type: 'string',
              description: 'W3C traceparent: version-traceid-parentid-flags.',
              pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
            },
            tracestate: { type: 'string', description: 'W3C tracestate (vendor entries).' },
          },
        },
      },
      messages: Object.fromEntries(eventTypes.map((type) => [type, message(type)])),
    },
  };
}

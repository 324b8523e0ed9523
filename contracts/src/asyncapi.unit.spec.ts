import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateAsyncApi } from '../scripts/validate-asyncapi.js';
import { buildAsyncApi, type AsyncApiOperation } from './asyncapi.js';
import { catalog, eventTypes, type EventType } from './catalog.js';
import { Exchange } from './exchanges.js';
import { liveEvents, services, type LiveService, type ServiceName } from './topology.js';

const doc = buildAsyncApi();
const serviceNames = Object.keys(services) as ServiceName[];

function readJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(new URL(relativePath, import.meta.url), 'utf8'));
}

/** Services whose `action` operations carry `type`, according to the document. */
function servicesThat(action: AsyncApiOperation['action'], type: EventType): string[] {
  const ref = `#/channels/${catalog[type].exchange}/messages/${type}`;
  return Object.values(doc.operations)
    .filter((op) => op.action === action && op.messages.some((m) => m.$ref === ref))
    .flatMap((op) => op.tags.map((tag) => tag.name))
    .sort();
}

/** Services that `action` `type`, according to the services and live tables in topology.ts. */
function expected(list: 'produces' | 'consumes', type: EventType): string[] {
  const live = (Object.keys(liveEvents) as LiveService[]).filter(
    (name) => list === 'consumes' && (liveEvents[name] as readonly EventType[]).includes(type),
  );
  return [
    ...serviceNames.filter((name) => (services[name][list] as readonly EventType[]).includes(type)),
    ...live,
  ].sort();
}

describe('buildAsyncApi', () => {
  it('describes Herald at the contracts package version, on the production broker', () => {
    const pkg = z.object({ version: z.string() }).parse(readJson('../package.json'));

    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.info).toMatchObject({ title: 'Herald', version: pkg.version });
    expect(Object.keys(doc.servers)).toEqual(['production']);
    expect(doc.servers.production).toMatchObject({ host: 'rabbitmq:5672', protocol: 'amqp' });
  });

  it('has one durable topic exchange channel per exchange, addressed by its name', () => {
    expect(Object.keys(doc.channels)).toEqual(Object.values(Exchange));
    for (const exchange of Object.values(Exchange)) {
      const channel = doc.channels[exchange];
      expect(channel?.address).toBe(exchange);
      expect(channel?.bindings.amqp).toMatchObject({
        is: 'routingKey',
        exchange: { name: exchange, type: 'topic', durable: true },
      });
    }
  });

  it.each(eventTypes)('has a message for %s on its exchange channel', (type) => {
    const { exchange, version, schema } = catalog[type];
    const message = doc.components.messages[type];
    const data: Record<string, unknown> = z.toJSONSchema(schema, {
      target: 'draft-7',
      io: 'input',
    });
    delete data.$schema;

    expect(message?.name).toBe(type);
    expect(message?.contentType).toBe('application/json');
    expect(doc.channels[exchange]?.messages[type]).toEqual({
      $ref: `#/components/messages/${type}`,
    });
    expect(message?.payload).toMatchObject({
      required: ['id', 'type', 'version', 'source', 'time', 'data'],
      properties: {
        type: { const: type },
        version: { const: version },
        data,
      },
    });
  });

  it('carries W3C trace context in the headers of every message', () => {
    const headers = doc.components.schemas.TraceContextHeaders;

    expect(headers).toMatchObject({ properties: { traceparent: { type: 'string' } } });
    for (const message of Object.values(doc.components.messages)) {
      expect(message.headers).toEqual({ $ref: '#/components/schemas/TraceContextHeaders' });
    }
  });

  it.each(eventTypes)('has %s sent by exactly its producers', (type) => {
    expect(servicesThat('send', type)).toEqual(expected('produces', type));
  });

  it.each(eventTypes)('has %s received by exactly its consumers', (type) => {
    expect(servicesThat('receive', type)).toEqual(expected('consumes', type));
  });

  it('publishes persistently, consumes work queues with acks and live queues without', () => {
    const live = new Set(
      (Object.keys(liveEvents) as LiveService[]).flatMap((service) =>
        liveEvents[service].map((type) => `${service}.receive.${type}`),
      ),
    );
    expect(live.size).toBeGreaterThan(0);
    for (const [id, op] of Object.entries(doc.operations)) {
      expect(op.bindings.amqp, id).toMatchObject(
        op.action === 'send' ? { deliveryMode: 2 } : { ack: !live.has(id) },
      );
    }
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildAsyncApi())).toBe(JSON.stringify(doc));
  });

  it('validates with the AsyncAPI parser', { timeout: 60_000 }, async () => {
    const findings = await validateAsyncApi(JSON.stringify(doc));

    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('matches the committed contracts/asyncapi.json (regenerate with `npm run asyncapi`)', () => {
    expect(readJson('../asyncapi.json')).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});

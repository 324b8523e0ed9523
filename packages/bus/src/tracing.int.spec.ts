// The bus's own spans on a real broker: one PRODUCER span per publish, one CONSUMER span per
// delivery, parented across RabbitMQ through the message headers, with the handler's work inside.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { catalog, exchangeName, queueTopology, type QueueTopology } from '@herald/contracts';
import {
  deleteNamespace,
  eventually,
  recordOutcomes,
  servers,
  testLogger,
  uniqueNamespace,
} from '@herald/testkit';
import { BrokerConnection } from './connection.js';
import { Consumer, type Handler } from './consumer.js';
import { PermanentFailure } from './errors.js';
import { aUserRegistered } from './fixtures.js';
import { Publisher } from './publisher.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = trace.getTracer('tracing.int.spec');
let namespace: string;
let topology: QueueTopology<'user.registered'>;
let connection: BrokerConnection;

beforeAll(() => provider.register());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

beforeEach(() => {
  exporter.reset();
  namespace = uniqueNamespace('trace');
  topology = queueTopology({
    queue: 'test',
    consumes: ['user.registered'],
    namespace,
    retry: { delaysMs: [50], maxAttempts: 2 },
  });
  connection = new BrokerConnection({
    url: servers.rabbitmq,
    name: `${namespace}bus`,
    logger: testLogger,
  });
  connection.start();
});

afterEach(async () => {
  await connection.close();
  await deleteNamespace(namespace);
});

async function pipeline(handler: Handler<'user.registered'>) {
  const consumer = new Consumer({ connection, topology, name: 'test', logger: testLogger });
  consumer.on('user.registered', handler);
  const outcomes = recordOutcomes(consumer);
  await consumer.start();
  const publisher = new Publisher({
    connection,
    source: 'api',
    produces: ['user.registered'],
    namespace,
    logger: testLogger,
  });
  await publisher.start();
  return { publisher, outcomes };
}

const named = (name: string) => (span: ReadableSpan) => span.name === name;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

it('parents the consumer span on the publish span across the broker, and the handler inside it', async () => {
  const { publisher, outcomes } = await pipeline(async () => {
    tracer.startSpan('handler work').end();
  });
  const sent = await tracer.startActiveSpan('request', async (request) => {
    const event = await publisher.publish('user.registered', aUserRegistered(1));
    request.end();
    return event;
  });
  await outcomes.until('ack', (all) => all.some((o) => o.status === 'acked'));
  const spans = await eventually('the process span ended', () => {
    const found = exporter.getFinishedSpans();
    return found.some((s) => s.kind === SpanKind.CONSUMER) ? found : undefined;
  });

  const exchange = exchangeName(catalog['user.registered'].exchange, namespace);
  const request = spans.find(named('request'))!;
  const publish = spans.find(named(`publish ${exchange}`))!;
  const process = spans.find(named(`process ${topology.queue}`))!;
  const work = spans.find(named('handler work'))!;
  expect(publish.kind).toBe(SpanKind.PRODUCER);
  expect(publish.attributes).toMatchObject({
    'messaging.system': 'rabbitmq',
    'messaging.destination.name': exchange,
    'messaging.rabbitmq.destination.routing_key': 'user.registered',
    'messaging.message.id': sent.id,
  });
  expect(process.kind).toBe(SpanKind.CONSUMER);
  expect(process.attributes).toMatchObject({
    'messaging.destination.name': topology.queue,
    'messaging.message.id': sent.id,
    'herald.outcome': 'acked',
  });
  expect(process.status.code).not.toBe(SpanStatusCode.ERROR);
  const traceId = request.spanContext().traceId;
  for (const span of [publish, process, work]) expect(span.spanContext().traceId).toBe(traceId);
  expect(parentOf(publish)).toBe(request.spanContext().spanId);
  expect(parentOf(process)).toBe(publish.spanContext().spanId);
  expect(parentOf(work)).toBe(process.spanContext().spanId);
});

it('marks each failed delivery as an error with what became of it', async () => {
  const { publisher, outcomes } = await pipeline(async (_event, { attempt }) => {
    if (attempt === 1) throw new Error('smtp down');
    throw new PermanentFailure('no such mailbox');
  });
  await publisher.publish('user.registered', aUserRegistered(2));
  await outcomes.until('dead-letter', (all) => all.some((o) => o.status === 'dead-lettered'));
  const processed = await eventually('both process spans ended', () => {
    const found = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER);
    return found.length === 2 ? found : undefined;
  });

  expect(processed.map((s) => [s.attributes['herald.outcome'], s.status])).toEqual([
    ['retried', { code: SpanStatusCode.ERROR, message: 'Error: smtp down' }],
    ['dead-lettered', { code: SpanStatusCode.ERROR, message: 'PermanentFailure: no such mailbox' }],
  ]);
  // The retry came back through the wait queue still carrying the publish's trace context.
  const publish = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER)!;
  for (const span of processed) expect(parentOf(span)).toBe(publish.spanContext().spanId);
});

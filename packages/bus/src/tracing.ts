import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';

/**
 * The bus makes its own two spans per message (publish, process) instead of leaving it to
 * @opentelemetry/instrumentation-amqplib: that one wraps every channel method and ack, and cost
 * ~100 µs per message even for traces that were not sampled. Without a registered SDK every call
 * here is the API's no-op.
 */
const tracer = trace.getTracer('@herald/bus');

/** AMQP header values may arrive as Buffers; trace context is text. */
const amqpHeaders: TextMapGetter<Readonly<Record<string, unknown>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  },
};

export interface PublishSpan {
  readonly span: Span;
  /** `headers` plus the trace context of the publish span; undefined when there is nothing to send. */
  readonly headers: Record<string, string> | undefined;
}

/**
 * Starts the PRODUCER span of one publish under the active context (the request, or the context
 * the outbox relay restored) and writes its trace context into the message headers, replacing
 * any that came in, so each consumer's span hangs off this publish.
 */
export function startPublishSpan(
  exchange: string,
  routingKey: string,
  messageId: string,
  headers: Readonly<Record<string, string>> | undefined,
): PublishSpan {
  const parent = context.active();
  const span = tracer.startSpan(`publish ${exchange}`, { kind: SpanKind.PRODUCER }, parent);
  // Attributes only for a span that is kept: building them is most of an unsampled span's cost.
  if (span.isRecording()) {
    span.setAttributes({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': exchange,
      'messaging.rabbitmq.destination.routing_key': routingKey,
      'messaging.message.id': messageId,
    });
  }
  const carrier: Record<string, string> = { ...headers };
  propagation.inject(trace.setSpan(parent, span), carrier);
  return { span, headers: Object.keys(carrier).length > 0 ? carrier : undefined };
}

/** Starts the CONSUMER span of one delivery, as a child of the publish that sent it. */
export function startProcessSpan(
  queue: string,
  headers: Readonly<Record<string, unknown>>,
  messageId: unknown,
  routingKey: string,
): { readonly span: Span; readonly context: Context } {
  const parent = propagation.extract(ROOT_CONTEXT, headers, amqpHeaders);
  const span = tracer.startSpan(`process ${queue}`, { kind: SpanKind.CONSUMER }, parent);
  if (span.isRecording()) {
    span.setAttributes({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': queue,
      'messaging.rabbitmq.destination.routing_key': routingKey,
      ...(typeof messageId === 'string' ? { 'messaging.message.id': messageId } : {}),
    });
  }
  return { span, context: trace.setSpan(parent, span) };
}

/** Marks a delivery's span with what became of the message; anything but an ack is a failure. */
export function recordOutcome(span: Span, status: string, error?: string): void {
  span.setAttribute('herald.outcome', status);
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
}

/** Ends a span, marking it failed when there is an error to report. */
export function endSpan(span: Span, error?: string): void {
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  span.end();
}

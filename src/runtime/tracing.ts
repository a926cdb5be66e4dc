/**
 * W3C trace context through @opentelemetry/api. Everything here is a no-op unless the service
 * registers an OpenTelemetry SDK; then publishes are PRODUCER spans whose context travels in the
 * `traceparent`/`tracestate` headers, and handlers run inside CONSUMER spans continuing it.
 *
 * With no SDK (or an unsampled, parentless message) the span context is invalid and the per-
 * message work stops there: no attributes, no context objects, no propagation.
 */
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import type { WireHeaders } from './message.js';

export const defaultTracer = (): Tracer => trace.getTracer('eventplane');

export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

const PRODUCER: SpanOptions = { kind: SpanKind.PRODUCER };
const CONSUMER: SpanOptions = { kind: SpanKind.CONSUMER };

/** Starts a PRODUCER span; `headers` carry it, undefined when there is nothing to propagate. */
export function startPublishSpan(tracer: Tracer, exchange: string, routingKey: string, type: string): { span: Span; headers: TraceHeaders | undefined } {
  const span = tracer.startSpan(`${exchange} publish`, PRODUCER);
  if (!isSpanContextValid(span.spanContext())) return { span, headers: undefined };
  if (span.isRecording()) {
    span.setAttributes({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'publish',
      'messaging.destination.name': exchange,
      'messaging.rabbitmq.destination.routing_key': routingKey,
      'messaging.message.type': type,
    });
  }
  const carrier: TraceHeaders = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return { span, headers: carrier.traceparent ? carrier : undefined };
}

const headerGetter: TextMapGetter<WireHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    return undefined;
  },
};

/**
 * The CONSUMER span for one delivery, child of the publisher's context from the headers.
 * `context` is undefined when tracing is off: run the handler without entering a context.
 */
export function startConsumeSpan(
  tracer: Tracer,
  spanName: string,
  queue: string,
  type: string,
  messageId: string,
  headers: WireHeaders,
): { span: Span; context: Context | undefined } {
  const parent = headers['traceparent'] === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, headers, headerGetter);
  const span = tracer.startSpan(spanName, CONSUMER, parent);
  if (!isSpanContextValid(span.spanContext())) return { span, context: undefined };
  if (span.isRecording()) {
    span.setAttributes({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': queue,
      'messaging.message.type': type,
      'messaging.message.id': messageId,
    });
  }
  return { span, context: trace.setSpan(parent, span) };
}

/** What only exists once the envelope is built: the message and conversation (correlation) ids. */
export function describeMessage(span: Span, messageId: string, correlationId: string | undefined): void {
  if (!span.isRecording()) return;
  span.setAttribute('messaging.message.id', messageId);
  if (correlationId !== undefined) span.setAttribute('messaging.message.conversation_id', correlationId);
}

/**
 * The delivery's story beyond the handler: which attempt this is, and what happens after a
 * failure (`retry` with the step and delay, or `dead-letter`), as span events on the CONSUMER span.
 */
export function markAttempt(span: Span, attempt: number, correlationId: string | undefined): void {
  if (!span.isRecording()) return;
  span.setAttribute('messaging.rabbitmq.delivery_attempt', attempt);
  if (correlationId !== undefined) span.setAttribute('messaging.message.conversation_id', correlationId);
  if (attempt > 1) span.addEvent('redelivery', { 'messaging.rabbitmq.delivery_attempt': attempt });
}

export function spanEvent(span: Span, name: string, attributes: Record<string, string | number>): void {
  if (span.isRecording()) span.addEvent(name, attributes);
}

export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined && span.isRecording()) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

export { context as otelContext };

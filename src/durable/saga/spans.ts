/**
 * Spans of the saga engine: each step (an event applied to an instance, or a `begin`) is an
 * INTERNAL span inside the delivery's or request's trace, and each timeout is a trace of its own
 * (nothing else is running when a deadline passes), so the commands a step or a timeout
 * publishes through the outbox are its children. Without an SDK the spans are no-ops; a step
 * with no trace around it starts none.
 */
import { context, isSpanContextValid, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('eventplane');

export interface SagaStepResult {
  readonly kind: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

function finish<T>(span: Span, work: () => Promise<T>, describe: (result: T) => SagaStepResult | undefined): Promise<T> {
  return work().then(
    (result) => {
      const outcome = describe(result);
      if (outcome && span.isRecording()) {
        span.setAttributes({
          'eventplane.saga.outcome': outcome.kind,
          ...(outcome.from !== undefined ? { 'eventplane.saga.from': outcome.from } : {}),
          ...(outcome.to !== undefined ? { 'eventplane.saga.to': outcome.to } : {}),
        });
      }
      span.end();
      return result;
    },
    (error: unknown) => {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      span.end();
      throw error;
    },
  );
}

/** A step `saga <name> <step>` inside the active trace; runs `work` untraced when there is none. */
export function sagaStepSpan<T>(saga: string, step: string, attributes: Attributes, work: () => Promise<T>, describe: (result: T) => SagaStepResult | undefined): Promise<T> {
  const parent = trace.getSpan(context.active());
  if (parent === undefined || !isSpanContextValid(parent.spanContext())) return work();
  const span = tracer.startSpan(`saga ${saga} ${step}`, { kind: SpanKind.INTERNAL, attributes: { 'eventplane.saga.name': saga, 'eventplane.saga.step': step, ...attributes } });
  return context.with(trace.setSpan(context.active(), span), () => finish(span, work, describe));
}

/** A timeout `saga <name> timeout`, the root of its own trace. */
export function sagaTimeoutSpan<T>(saga: string, attributes: Attributes, work: () => Promise<T>, describe: (result: T) => SagaStepResult | undefined): Promise<T> {
  const span = tracer.startSpan(`saga ${saga} timeout`, { kind: SpanKind.INTERNAL, root: true, attributes: { 'eventplane.saga.name': saga, 'eventplane.saga.step': 'timeout', ...attributes } });
  if (!span.isRecording()) {
    span.end();
    return work();
  }
  return context.with(trace.setSpan(context.active(), span), () => finish(span, work, describe));
}

/**
 * Spans for PGlite queries. The `pg` instrumentation traces PostgreSQL servers; PGlite runs in
 * the process and has no instrumentation library, so its queries get CLIENT spans here, named
 * and attributed as that instrumentation names them (db.system postgresql, the statement text
 * with its parameters left out). Like `pg` with requireParentSpan, only queries made inside a
 * trace (a request, a delivery) are traced: background polling never starts traces of its own.
 * Without an SDK the active span is invalid and the query runs untouched.
 */
import { context, isSpanContextValid, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

const tracer = trace.getTracer('eventplane');

/** The statement's verb (SELECT, INSERT, …), or undefined for something unusual. */
export function operationOf(text: string): string | undefined {
  const verb = /^\s*(?:--[^\n]*\n\s*)*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase();
  return verb && verb.length <= 16 ? verb : undefined;
}

export function tracedQuery<R>(schema: string, text: string, work: () => Promise<R>): Promise<R> {
  const parent = trace.getSpan(context.active());
  if (parent === undefined || !isSpanContextValid(parent.spanContext())) return work();
  const operation = operationOf(text);
  const attributes: Attributes = {
    'db.system': 'postgresql',
    'db.system.name': 'postgresql',
    'db.query.text': text,
    'db.namespace': schema,
    'eventplane.db.engine': 'pglite',
    ...(operation ? { 'db.operation.name': operation } : {}),
  };
  const span = tracer.startSpan(`pglite.query:${operation ?? 'statement'}`, { kind: SpanKind.CLIENT, attributes });
  return context.with(trace.setSpan(context.active(), span), work).then(
    (result) => {
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

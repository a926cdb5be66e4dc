/**
 * Saga steps are spans of the trace that drove them, and a timeout is a trace of its own whose
 * compensation commands carry its context through the outbox.
 */
import { randomUUID } from 'node:crypto';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/durable/open-store.js';
import { SagaEngine, type SagaTransition } from '../../../src/durable/saga/engine.js';
import type { DurableStore } from '../../../src/durable/store.js';
import { checkoutSaga, events } from '../durable/checkout-saga.js';
import { delivery, handlerContext } from '../durable/fixtures.js';

const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
let store: DurableStore;
const transitions: SagaTransition[] = [];

beforeAll(async () => {
  provider.register();
  store = await openStore();
}, 120_000);

afterAll(async () => {
  await store?.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
});

const engine = (timeout: Parameters<typeof checkoutSaga>[0]) =>
  new SagaEngine({ store, sagas: [checkoutSaga(timeout)], logger: pino({ level: 'silent' }), registry: new Registry(), onTransition: (t) => transitions.push(t) });

const request = (checkoutId: string) => delivery(events.CheckoutRequested, { checkoutId, customerId: 'cust-1', lines: [{ sku: 'SKU-1', quantity: 2 }], total: 40 });

const sagaSpans = () => exporter.getFinishedSpans().filter((s) => s.name.startsWith('saga '));

describe('saga spans', () => {
  it('each step is a child span of the delivery that drove it, with the transition it made', async () => {
    exporter.reset();
    const sagas = engine('30s');
    const id = randomUUID();
    const consumer = trace.getTracer('test').startSpan('checkout process', { kind: SpanKind.CONSUMER });
    await context.with(trace.setSpan(context.active(), consumer), async () => {
      await sagas.dispatch(request(id), handlerContext());
      await sagas.dispatch(delivery(events.StockReserved, { checkoutId: id, reservationId: 'res-1' }, { correlationId: id }));
    });
    consumer.end();
    const spans = sagaSpans();
    expect(spans.map((s) => s.name)).toEqual(['saga checkout CheckoutRequested', 'saga checkout StockReserved']);
    for (const span of spans) expect(span.parentSpanContext?.spanId).toBe(consumer.spanContext().spanId);
    expect(spans[1]!.attributes).toMatchObject({ 'eventplane.saga.id': id, 'eventplane.saga.outcome': 'transitioned', 'eventplane.saga.from': 'reservingStock', 'eventplane.saga.to': 'takingPayment' });
  });

  it('starts no step span outside a trace', async () => {
    exporter.reset();
    await engine('30s').dispatch(request(randomUUID()));
    expect(sagaSpans()).toEqual([]);
  });

  it('a timeout is the root span of its own trace, and its compensation command carries that trace', async () => {
    const sagas = engine('150ms');
    const id = randomUUID();
    await sagas.dispatch(request(id));
    await sagas.dispatch(delivery(events.StockReserved, { checkoutId: id, reservationId: 'res-5' }, { correlationId: id }));
    exporter.reset();
    const timedOut = new Promise<void>((resolve) => {
      const watch = setInterval(() => {
        if (transitions.some((t) => t.id === id && t.cause.kind === 'timeout')) {
          clearInterval(watch);
          resolve();
        }
      }, 5);
    });
    await sagas.start();
    try {
      await timedOut;
    } finally {
      await sagas.stop();
    }
    const span = sagaSpans().find((s) => s.name === 'saga checkout timeout' && s.attributes['eventplane.saga.id'] === id)!;
    expect(span).toBeDefined();
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.attributes).toMatchObject({ 'eventplane.saga.from': 'takingPayment', 'eventplane.saga.to': 'releasingStock', 'eventplane.saga.outcome': 'transitioned' });
    const { rows } = await store.query<{ traceparent: string }>(
      `SELECT headers->'trace'->>'traceparent' AS traceparent FROM ${store.table('outbox')} WHERE headers->>'correlationId' = $1 AND event_type = 'shop.ReleaseStock'`,
      [id],
    );
    expect(rows[0]?.traceparent).toContain(span.spanContext().traceId);
  });
});

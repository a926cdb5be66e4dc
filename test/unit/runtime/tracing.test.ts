/**
 * Trace propagation with an OpenTelemetry SDK registered, played by a minimal tracer, W3C
 * propagator and AsyncLocalStorage context manager written here (the SDK packages do not yet
 * accept @opentelemetry/api 1.10).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Context,
  type ContextManager,
  type Span,
  type SpanContext,
  type SpanOptions,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness } from '../../../src/runtime/test-harness.js';
import { createInMemoryBus } from '../../../src/runtime/memory-bus.js';
import { billingOrders, billingService, orderPublisher, orderService, publishOrderCreated } from '../../fixtures/runtime/shop-contract.js';
import { shopTopology } from '../../fixtures/runtime/shop-topology.js';

interface Recorded {
  readonly name: string;
  readonly kind: SpanKind | undefined;
  readonly context: SpanContext;
  readonly parentSpanId: string | undefined;
  ended: boolean;
  status?: unknown;
}

const spans: Recorded[] = [];

class TestTracer implements Tracer {
  startSpan(name: string, options: SpanOptions = {}, ctx: Context = context.active()): Span {
    const parent = trace.getSpanContext(ctx);
    const spanContext: SpanContext = { traceId: parent?.traceId ?? randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: 1 };
    const record: Recorded = { name, kind: options.kind, context: spanContext, parentSpanId: parent?.spanId, ended: false };
    spans.push(record);
    const span: Span = {
      spanContext: () => spanContext,
      setAttribute: () => span,
      setAttributes: () => span,
      addEvent: () => span,
      addLink: () => span,
      addLinks: () => span,
      setStatus: (status) => ((record.status = status), span),
      updateName: () => span,
      end: () => void (record.ended = true),
      isRecording: () => true,
      recordException: () => {},
    };
    return span;
  }
  startActiveSpan(): never {
    throw new Error('not used');
  }
}

const w3c: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const span = trace.getSpanContext(ctx);
    if (span) setter.set(carrier, 'traceparent', `00-${span.traceId}-${span.spanId}-01`);
  },
  extract(ctx, carrier, getter) {
    const header = getter.get(carrier, 'traceparent');
    const match = typeof header === 'string' ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(header) : null;
    return match ? trace.setSpanContext(ctx, { traceId: match[1]!, spanId: match[2]!, traceFlags: 1, isRemote: true }) : ctx;
  },
  fields: () => ['traceparent'],
};

const storage = new AsyncLocalStorage<Context>();
const contextManager: ContextManager = {
  active: () => storage.getStore() ?? ROOT_CONTEXT,
  with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
  bind: (_ctx, target) => target,
  enable: () => contextManager,
  disable: () => contextManager,
};

beforeAll(() => {
  propagation.setGlobalPropagator(w3c);
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  propagation.disable();
  context.disable();
});

describe('W3C trace context with an SDK registered', () => {
  it('continues the publisher’s trace in the handler and in what the handler publishes', async () => {
    const tracer = new TestTracer();
    const harness = createTestHarness({ topology: shopTopology() });
    const billing = createInMemoryBus({ service: billingService, broker: harness.broker, tracer, logger: silent() });
    const orders = createInMemoryBus({ service: orderService, broker: harness.broker, tracer, logger: silent(), onPublished: () => {} });
    const seen: Array<{ name: string; traceparent: string | undefined }> = [];
    let done!: () => void;
    const secondHandled = new Promise<void>((resolve) => (done = resolve));
    await billing.subscribe(billingOrders, async (delivery) => {
      seen.push({ name: delivery.name, traceparent: delivery.envelope.traceparent });
      if (delivery.name === 'OrderCreated') await orderPublisher(orders).orderCancelled({ orderId: delivery.payload.orderId, reason: 'x' });
      else done();
    });
    await orders.publish(publishOrderCreated, {
      orderId: '9b2f0c5e-7d4c-4a67-9e0b-6f8e1f5d2a11',
      customerId: 'c',
      total: 1,
      currency: 'EUR',
      lines: [{ sku: 'A', quantity: 1, price: 1 }],
    });
    await secondHandled;
    await new Promise((resolve) => setImmediate(resolve)); // the second consume span ends after its handler

    const [publish1, consume1, publish2, consume2] = spans;
    expect(spans.map((s) => [s.name, s.kind])).toEqual([
      ['shop.events publish', SpanKind.PRODUCER],
      ['billing.orders process', SpanKind.CONSUMER],
      ['shop.events publish', SpanKind.PRODUCER],
      ['billing.orders process', SpanKind.CONSUMER],
    ]);
    const traceId = publish1!.context.traceId;
    expect(spans.every((s) => s.context.traceId === traceId)).toBe(true); // one trace end to end
    expect(seen[0]!.traceparent).toBe(`00-${traceId}-${publish1!.context.spanId}-01`);
    expect(consume1!.parentSpanId).toBe(publish1!.context.spanId);
    expect(publish2!.parentSpanId).toBe(consume1!.context.spanId);
    expect(consume2!.parentSpanId).toBe(publish2!.context.spanId);
    expect(spans.every((s) => s.ended)).toBe(true);
    await billing.close();
    await orders.close();
    await harness.close();
  });
});

function silent() {
  const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
  return logger;
}

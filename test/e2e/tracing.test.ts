/**
 * Tracing end to end: the shop's services as real processes on the test broker and PostgreSQL,
 * exporting OTLP/HTTP to a receiver this test runs. A flow the test starts with its own
 * `traceparent` must come back as one trace across every service it touches, each CONSUMER span
 * the child of the PRODUCER span that sent its message, and a retried delivery must show its
 * retries as span events.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, otlpEnvFor, type OtlpReceiver } from '../../src/trace-view/otlp-receiver.js';
import { SPAN_KIND, type SpanRecord } from '../../src/trace-view/otlp-json.js';
import { renderWaterfall, waterfallRows } from '../../src/trace-view/waterfall-svg.js';
import { eventually, http, startE2eStack, type E2eStack } from './support/e2e.js';
import { shopClient } from './support/shop.js';

const SHOP = ['shop/product', 'shop/inventory', 'shop/cart', 'shop/order', 'shop/payment', 'shop/checkout'];

let receiver: OtlpReceiver;
let e2e: E2eStack;
let shop: ReturnType<typeof shopClient>;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  e2e = await startE2eStack({ label: 'tracing', services: SHOP, database: 'postgres', env: otlpEnvFor(receiver.endpoint) });
  shop = shopClient(e2e);
});

afterAll(async () => {
  await e2e?.dispose();
  await receiver?.close();
});

/** A W3C traceparent the test owns: the flow it starts must stay in this trace. */
function newTrace(): { traceId: string; parentId: string; headers: Record<string, string> } {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, headers: { traceparent: `00-${traceId}-${parentId}-01` } };
}

const services = (spans: readonly SpanRecord[]) => new Set(spans.map((s) => s.service));
const hasAll = (spans: readonly SpanRecord[], wanted: readonly string[]) => wanted.every((id) => services(spans).has(id));

/** Every CONSUMER span's parent is a PRODUCER span of the same trace that sent the same message. */
function expectConsumersUnderProducers(spans: readonly SpanRecord[]): void {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const consumers = spans.filter((s) => s.kind === SPAN_KIND.consumer);
  expect(consumers.length).toBeGreaterThan(0);
  for (const consumer of consumers) {
    const parent = byId.get(consumer.parentSpanId ?? '');
    expect(parent, `${consumer.service} ${consumer.name} has its producer in the trace`).toBeDefined();
    expect(parent!.kind, `${consumer.service} ${consumer.name}'s parent is a producer`).toBe(SPAN_KIND.producer);
    expect(parent!.attributes['messaging.message.id']).toBe(consumer.attributes['messaging.message.id']);
    expect(parent!.attributes['messaging.system']).toBe('rabbitmq');
    expect(consumer.startMs).toBeGreaterThanOrEqual(parent!.startMs);
  }
}

/** No span of this flow's conversations went to another trace. */
function expectOneTrace(traceId: string, spans: readonly SpanRecord[]): void {
  const conversations = new Set(spans.map((s) => s.attributes['messaging.message.conversation_id']).filter((id) => id !== undefined));
  expect(conversations.size).toBeGreaterThan(0);
  const elsewhere = receiver.spans().filter((s) => s.traceId !== traceId && conversations.has(s.attributes['messaging.message.conversation_id']!));
  expect(elsewhere.map((s) => `${s.service} ${s.name}`)).toEqual([]);
}

describe('one trace per business flow', () => {
  it('the checkout is one trace across checkout, inventory, payment, order and cart', async () => {
    const shoe = await shop.product('79.99', 10);
    const cartId = await shop.cart({ [shoe]: 2 });
    const { traceId, parentId, headers } = newTrace();
    const started = await shop.checkout(cartId, 'pm_card_visa', {}, headers);
    expect(started.status).toBe(202);
    const done = await shop.finished(started.body.checkoutId);
    expect(done.status).toBe('completed');
    await eventually(() => shop.getCart(cartId), (c) => c.status === 'ordered', { what: 'the cart to be cleared' });

    const touched = ['shop/checkout', 'shop/inventory', 'shop/payment', 'shop/order', 'shop/cart'];
    // The cart's CartCleared is the last message of the flow; its publish closes the story.
    const spans = await receiver.waitForTrace(traceId, (s) => hasAll(s, touched) && s.some((span) => span.service === 'shop/cart' && span.kind === SPAN_KIND.consumer && span.attributes['messaging.message.type']?.toString().includes('OrderCreated')));

    // The request that started it continues the caller's context.
    const request = spans.find((s) => s.kind === SPAN_KIND.server && s.service === 'shop/checkout');
    expect(request, 'the POST /api/checkout span').toBeDefined();
    expect(request!.parentSpanId).toBe(parentId);
    // The call to the cart service is in it too (undici client span → cart's server span).
    expect(spans.some((s) => s.kind === SPAN_KIND.client && s.service === 'shop/checkout')).toBe(true);
    expect(spans.some((s) => s.kind === SPAN_KIND.server && s.service === 'shop/cart')).toBe(true);
    // Producer spans follow the messaging conventions.
    const publish = spans.find((s) => s.kind === SPAN_KIND.producer)!;
    expect(publish.attributes).toMatchObject({ 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'publish' });
    expect(publish.attributes['messaging.rabbitmq.destination.routing_key']).toEqual(expect.any(String));
    expect(publish.attributes['messaging.message.id']).toEqual(expect.any(String));
    // Database work: the pg instrumentation's spans, inside the handlers.
    expect(spans.some((s) => s.kind === SPAN_KIND.client && (s.attributes['db.system.name'] ?? s.attributes['db.system']) === 'postgresql')).toBe(true);
    expectConsumersUnderProducers(spans);
    expectOneTrace(traceId, spans);

    // Drawn: one row per span, the request at the top, every service in the legend. Kept under
    // test-results/ for a look (docs/tracing/shop-checkout.svg is one such drawing).
    const rows = waterfallRows(spans);
    expect(rows).toHaveLength(spans.length);
    expect(rows[0]!.span.spanId).toBe(request!.spanId);
    const svg = renderWaterfall('shop checkout', spans);
    for (const service of touched) expect(svg).toContain(`>${service}</text>`);
    mkdirSync('test-results/tracing', { recursive: true });
    writeFileSync('test-results/tracing/shop-checkout.svg', svg);
  });

  it('the compensation path (payment declined, stock released) is one trace too', async () => {
    const sku = await shop.product('20.00', 4);
    const cartId = await shop.cart({ [sku]: 3 });
    const { traceId, headers } = newTrace();
    const started = await shop.checkout(cartId, 'pm_card_chargeDeclinedInsufficientFunds', {}, headers);
    const done = await shop.finished(started.body.checkoutId);
    expect(done).toMatchObject({ status: 'failed', failure: { compensations: ['stock_released'] } });
    await eventually(() => shop.reservation(started.body.checkoutId), (r) => r?.status === 'released', { what: 'the reservation to be released' });

    // Stock is reserved over HTTP (a server span in inventory) and released by a message (a consumer span).
    const spans = await receiver.waitForTrace(
      traceId,
      (s) => hasAll(s, ['shop/checkout', 'shop/inventory', 'shop/payment']) && s.some((span) => span.service === 'shop/inventory' && span.kind === SPAN_KIND.consumer),
    );
    expect(spans.some((s) => s.service === 'shop/inventory' && s.kind === SPAN_KIND.server)).toBe(true);
    expect(spans.some((s) => s.service === 'shop/payment' && s.kind === SPAN_KIND.consumer)).toBe(true);
    expect(services(spans).has('shop/order'), 'no order was created').toBe(false);
    expectConsumersUnderProducers(spans);
    expectOneTrace(traceId, spans);
  });

  it('a delivery that failed shows its retry, and the redelivery succeeds in the same trace', async () => {
    if (e2e.database.kind !== 'postgres') throw new Error('this test breaks a PostgreSQL table on purpose');
    const sku = await shop.product('99.99', 10);
    const cartId = await shop.cart({ [sku]: 1 });
    // The fault, from the test side: the cart's lines table is gone while the price change arrives.
    const admin = new pg.Client({ connectionString: e2e.database.url });
    await admin.connect();
    try {
      await admin.query('ALTER TABLE shop_cart.cart_lines RENAME TO cart_lines_away');
      const { traceId, headers } = newTrace();
      const changed = await http('PUT', `${e2e.url('shop/product')}/api/products/sku/${sku}/price`, { price: { amount: '89.99', currency: 'GBP' }, reason: 'promotion' }, headers);
      expect(changed.status).toBe(200);
      const failed = await receiver.waitForTrace(traceId, (s) => s.some((span) => span.service === 'shop/cart' && span.events.some((e) => e.name === 'retry')));
      await admin.query('ALTER TABLE shop_cart.cart_lines_away RENAME TO cart_lines');
      await eventually(() => shop.getCart(cartId), (c) => c.subtotal.amount === '89.99', { what: 'the cart to be repriced after the retry' });

      const spans = await receiver.waitForTrace(traceId, (s) => s.some((span) => span.service === 'shop/cart' && span.kind === SPAN_KIND.consumer && span.status !== 2));
      const deliveries = spans.filter((s) => s.service === 'shop/cart' && s.kind === SPAN_KIND.consumer).sort((a, b) => a.startMs - b.startMs);
      expect(deliveries.length).toBeGreaterThanOrEqual(2);
      const [first] = deliveries;
      const last = deliveries.at(-1)!;
      expect(first!.attributes['messaging.rabbitmq.delivery_attempt']).toBe(1);
      expect(first!.status).toBe(2);
      expect(first!.events.find((e) => e.name === 'retry')?.attributes).toMatchObject({ 'eventplane.retry': 1, 'eventplane.retry.delay_ms': expect.any(Number) });
      expect(first!.events.some((e) => e.name === 'exception')).toBe(true);
      expect(last.attributes['messaging.rabbitmq.delivery_attempt']).toBe(deliveries.length);
      expect(last.events.some((e) => e.name === 'redelivery')).toBe(true);
      expect(last.status).not.toBe(2);
      // Every attempt is a child of the one publish: the retry ladder keeps the producer's context.
      expect(new Set(deliveries.map((d) => d.parentSpanId)).size).toBe(1);
      expect(failed.length).toBeGreaterThan(0);
      expectConsumersUnderProducers(spans);
    } finally {
      await admin.query('ALTER TABLE IF EXISTS shop_cart.cart_lines_away RENAME TO cart_lines').catch(() => undefined);
      await admin.end();
    }
  });

  it('service log lines inside a handler carry the trace and span ids', () => {
    const joined = e2e.lines('shop/cart').map((line) => { try { return JSON.parse(line) as Record<string, unknown>; } catch { return undefined; } }).filter((l) => l?.['msg'] === 'open carts repriced');
    expect(joined.length).toBeGreaterThan(0);
    expect(joined[0]).toMatchObject({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(receiver.trace(String(joined[0]!['trace_id'])).length).toBeGreaterThan(0);
  });
});

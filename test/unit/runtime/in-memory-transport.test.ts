import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/runtime/contract.js';
import { InvalidPayloadError, MissingTopologyError, QueueFullError, UnroutableError } from '../../../src/runtime/errors.js';
import { createInMemoryBus } from '../../../src/runtime/memory-bus.js';
import { createTestHarness, type TestHarness } from '../../../src/runtime/test-harness.js';
import {
  AUDIT_ARCHIVE_MAX_LENGTH,
  auditArchive,
  auditService,
  billingOrders,
  billingService,
  OrderCancelledMessage,
  OrderCreatedMessage,
  orderPublisher,
  orderService,
  publishOrderArchived,
  publishOrderCancelled,
  publishOrderCreated,
  publishOrderShipped,
  type OrderCreated,
} from '../../fixtures/runtime/shop-contract.js';
import { shopTopology } from '../../fixtures/runtime/shop-topology.js';

const order = (overrides: Partial<OrderCreated> = {}): OrderCreated => ({
  orderId: randomUUID(),
  customerId: 'c-1',
  total: 10,
  currency: 'EUR',
  lines: [{ sku: 'A', quantity: 1, price: 10 }],
  ...overrides,
});

let harness: TestHarness;
afterEach(async () => {
  await harness?.close();
});

describe('the in-memory transport (test harness)', () => {
  it('routes a publish through the topology to the subscribed queue, typed', async () => {
    harness = createTestHarness({ topology: shopTopology() });
    const seen: string[] = [];
    await harness.bus(billingService).subscribe(billingOrders, async (delivery) => {
      if (delivery.name === 'OrderCreated') seen.push(delivery.payload.customerId);
      else seen.push(delivery.payload.reason);
    });
    const payload = order();
    const { messageId } = await harness.publish(publishOrderCreated, payload, { correlationId: 'c-9' });
    const consumed = await harness.consumed(OrderCreatedMessage);
    expect(consumed.delivery.envelope).toMatchObject({ messageId, correlationId: 'c-9', source: 'shop/order', userId: 'shop-order' });
    expect(consumed.delivery.payload).toEqual(payload);
    await harness.publish(publishOrderCancelled, { orderId: payload.orderId, reason: 'changed mind' });
    await harness.consumed(OrderCancelledMessage);
    expect(seen).toEqual(['c-1', 'changed mind']);
    expect(await harness.published(publishOrderCreated)).toMatchObject({ messageId, routingKey: 'shop.order.created', payload });
  });

  it('infers routing from the subscriptions when there is no topology', async () => {
    harness = createTestHarness();
    await harness.bus(billingService).subscribe(billingOrders, async () => {});
    await harness.publish(publishOrderCreated, order());
    await harness.consumed({ queue: 'billing.orders' });
    await expect(harness.publish(publishOrderShipped, { orderId: 'o', trackingNumber: 't' })).rejects.toBeInstanceOf(UnroutableError);
  });

  it('refuses invalid payloads, unroutable messages and full queues like the broker does', async () => {
    harness = createTestHarness({ topology: shopTopology() });
    await expect(harness.publish(publishOrderCreated, { ...order(), total: 'ten' } as never)).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(harness.publish(publishOrderShipped, { orderId: 'o', trackingNumber: 't' })).rejects.toMatchObject({ name: 'UnroutableError', replyCode: 312 });
    for (let i = 0; i < AUDIT_ARCHIVE_MAX_LENGTH; i++) await harness.publish(publishOrderArchived, { orderId: `o-${i}` });
    await expect(harness.publish(publishOrderArchived, { orderId: 'one too many' })).rejects.toBeInstanceOf(QueueFullError);
    expect(harness.broker.depth('audit.archive')).toBe(AUDIT_ARCHIVE_MAX_LENGTH);
    await expect(harness.bus(auditService).subscribe({ ...auditArchive, queue: 'audit.nowhere' }, async () => {})).rejects.toBeInstanceOf(MissingTopologyError);
  });

  it('retries through the ladder with its delays, then succeeds once', async () => {
    harness = createTestHarness({ topology: shopTopology(), timeScale: 0.05 });
    const attempts: number[] = [];
    await harness.bus(billingService).subscribe(billingOrders, async (delivery) => {
      attempts.push(delivery.attempt);
      if (delivery.attempt < 3) throw new Error(`flaky ${delivery.attempt}`);
    });
    const { messageId } = await harness.publish(publishOrderCreated, order());
    const consumed = await harness.consumed({ messageId });
    expect(consumed.delivery.attempt).toBe(3);
    expect(attempts).toEqual([1, 2, 3]);
    expect(harness.records.retried.map((r) => r.delayMs)).toEqual([200, 800]);
    expect(harness.records.deadLettered).toEqual([]);
  });

  it('dead-letters after the last attempt, with the failure headers', async () => {
    harness = createTestHarness({ topology: shopTopology() });
    await harness.bus(billingService).subscribe(billingOrders, async () => {
      throw new RangeError('no tax rate');
    });
    const { messageId } = await harness.publish(publishOrderCreated, order());
    const dead = await harness.deadLettered({ messageId });
    expect(dead).toMatchObject({ queue: 'billing.orders.dlq', reason: 'handler-failed', error: 'RangeError: no tax rate' });
    expect(dead.message.properties.headers).toMatchObject({ 'x-ep-attempts': 3, 'x-ep-original-routing-key': 'shop.order.created', 'x-ep-original-user-id': 'shop-order' });
    expect(harness.records.retried).toHaveLength(2);
  });

  it('dead-letters what cannot be decoded at once, and keeps consuming', async () => {
    harness = createTestHarness({ topology: shopTopology() });
    const handled: string[] = [];
    await harness.bus(billingService).subscribe(billingOrders, async (delivery) => {
      handled.push(delivery.envelope.messageId);
    });
    harness.broker.publish({ exchange: 'shop.events', routingKey: 'shop.order.created', content: Buffer.from('{not json'), messageId: 'bad', type: 'shop.OrderCreated', properties: { messageId: 'bad', type: 'shop.OrderCreated', userId: 'shop-order' } });
    expect(await harness.deadLettered({ messageId: 'bad' })).toMatchObject({ reason: 'undecodable' });
    // The in-memory broker carries user_id like RabbitMQ, and the consumer applies the same sender rule.
    harness.broker.publish({ exchange: 'shop.events', routingKey: 'shop.order.created', content: Buffer.from('{}'), messageId: 'anonymous', type: 'shop.OrderCreated', properties: { messageId: 'anonymous', type: 'shop.OrderCreated' } });
    expect(await harness.deadLettered({ messageId: 'anonymous' })).toMatchObject({ reason: 'forbidden-sender' });
    const { messageId } = await harness.publish(publishOrderCreated, order());
    await harness.consumed({ messageId });
    expect(handled).toEqual([messageId]);
  });

  it('runs the handler once for a duplicated message id', async () => {
    harness = createTestHarness({ topology: shopTopology() });
    let runs = 0;
    await harness.bus(billingService).subscribe(billingOrders, async () => {
      runs++;
    });
    const payload = order();
    await harness.publish(publishOrderCreated, payload, { messageId: 'same' });
    await harness.publish(publishOrderCreated, payload, { messageId: 'same' });
    await harness.consumed((r) => r.duplicate);
    expect(runs).toBe(1);
  });

  it('redelivers messages a consumer held when it went away, and dead-letters past the delivery limit', async () => {
    harness = createTestHarness({ topology: shopTopology() });
    const { broker } = harness;
    await harness.publish(publishOrderCreated, order(), { messageId: 'looping' });
    // A consumer that takes the message and "crashes" (never settles), three times.
    for (let crash = 0; crash < 3; crash++) {
      const redeliveredFlags: boolean[] = [];
      const handle = broker.consume('billing.orders', 1, (delivery) => redeliveredFlags.push(delivery.message.redelivered));
      await new Promise((resolve) => setImmediate(resolve));
      expect(redeliveredFlags).toEqual([crash > 0]);
      handle.cancel();
    }
    expect(await harness.deadLettered({ messageId: 'looping' })).toMatchObject({ reason: 'delivery_limit', queue: 'billing.orders.dlq' });
    expect(broker.depth('billing.orders')).toBe(0);
  });

  it('keeps per-subject order under concurrency', async () => {
    harness = createTestHarness({ topology: shopTopology() });
    const log: string[] = [];
    await harness.bus(billingService).subscribe(billingOrders, async (delivery) => {
      const step = delivery.name === 'OrderCreated' ? 'created' : 'cancelled';
      // The first event of each aggregate is slow: without ordering its successor would overtake it.
      if (step === 'created') await new Promise((resolve) => setTimeout(resolve, 20));
      log.push(`${delivery.envelope.subject}:${step}`);
    });
    const publisher = orderPublisher(harness.bus(orderService));
    for (const id of ['a', 'b']) {
      const payload = order();
      await publisher.orderCreated(payload, { subject: id });
      await publisher.orderCancelled({ orderId: payload.orderId, reason: 'x' }, { subject: id });
    }
    await harness.consumed((r) => r.delivery.envelope.subject === 'b' && r.delivery.name === 'OrderCancelled');
    await harness.consumed((r) => r.delivery.envelope.subject === 'a' && r.delivery.name === 'OrderCancelled');
    expect(log.indexOf('a:created')).toBeLessThan(log.indexOf('a:cancelled'));
    expect(log.indexOf('b:created')).toBeLessThan(log.indexOf('b:cancelled'));
  });

  it('makes publishes inside a handler inherit the delivery as their cause', async () => {
    harness = createTestHarness({ topology: shopTopology() });
    const orders = harness.bus(orderService);
    let second: Envelope | undefined;
    await harness.bus(billingService).subscribe(billingOrders, async (delivery) => {
      if (delivery.name === 'OrderCreated') await orderPublisher(orders).orderCancelled({ orderId: delivery.payload.orderId, reason: 'auto' });
      else second = delivery.envelope;
    });
    const first = await harness.publish(publishOrderCreated, order(), { correlationId: 'checkout-7', tenantId: 't-7' });
    await harness.consumed(OrderCancelledMessage);
    expect(second).toMatchObject({ causationId: first.messageId, correlationId: 'checkout-7', tenantId: 't-7' });
  });

  it('finishes in-flight handlers on close and hands back what had not started', async () => {
    const bus = createInMemoryBus({ service: billingService, topology: shopTopology(), logger: silent() });
    const orders = createInMemoryBus({ service: orderService, broker: bus.broker, logger: silent() });
    let release!: () => void;
    const started: string[] = [];
    const finished: string[] = [];
    await bus.subscribe({ ...billingOrders, concurrency: 1 }, async (delivery) => {
      started.push(delivery.envelope.messageId);
      await new Promise<void>((resolve) => (release = resolve));
      finished.push(delivery.envelope.messageId);
    });
    for (let i = 0; i < 3; i++) await orders.publish(publishOrderCreated, order());
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toHaveLength(1);
    const closing = bus.close();
    release();
    await closing;
    expect(finished).toEqual(started);
    expect(bus.broker.depth('billing.orders')).toBe(2);
    expect(bus.health()).toMatchObject({ ok: false, connection: 'closed' });
    await orders.close();
    bus.broker.close();
  });
});

function silent() {
  return { debug() {}, info() {}, warn() {}, error() {}, child() { return silent(); } };
}

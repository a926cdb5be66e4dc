import amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Subscription } from '../../../src/runtime/contract.js';
import {
  BILLING_RETRY_DELAYS_MS,
  billingOrders,
  billingService,
  orderPublisher,
  orderService,
  publishOrderCreated,
} from '../../fixtures/runtime/shop-contract.js';
import { orderCreated, shopBroker, signal, until } from './support.js';

let broker: Awaited<ReturnType<typeof shopBroker>>;
let subscription: Subscription | undefined;

beforeAll(async () => {
  broker = await shopBroker('rt-failures');
});
afterEach(async () => {
  await subscription?.cancel();
  subscription = undefined;
  await broker.closeBuses();
  await broker.drain('billing.orders.dlq');
});
afterAll(async () => {
  await broker?.close();
});

const header = (message: { properties: { headers?: Record<string, unknown> } }, name: string) => message.properties.headers?.[name];

describe('consumer failure handling on a real broker', () => {
  it('dead-letters garbage bytes, a foreign-schema message and an unknown type with the reason, and keeps consuming', async () => {
    const billing = await broker.bus(billingService);
    const orders = await broker.bus(orderService);
    const handled: string[] = [];
    const good = signal();
    subscription = await billing.subscribe(billingOrders, async (delivery) => {
      handled.push(delivery.envelope.messageId);
      good.resolve();
    });
    // Raw bytes from the contract sender's own user (anyone else is refused before decoding: forbidden-sender).
    const sender = broker.applied.users['shop/order']!;
    const connection = await amqp.connect(broker.serviceUrl('shop/order'));
    const channel = await connection.createConfirmChannel();
    const raw = (body: Buffer | string, properties: Record<string, unknown>) =>
      new Promise<void>((resolve, reject) =>
        channel.publish('shop.events', 'shop.order.created', Buffer.from(body), { userId: sender.username, ...properties }, (error) => (error ? reject(error) : resolve())),
      );
    await raw(Buffer.from([0xff, 0x00, 0x13, 0x37]), { messageId: 'garbage-1', type: 'shop.OrderCreated', contentType: 'application/json' });
    await raw(JSON.stringify({ id: 7, name: 'not an order' }), { messageId: 'foreign-1', type: 'shop.OrderCreated', contentType: 'application/json' });
    await raw(JSON.stringify({ hello: 'world' }), { messageId: 'alien-1', type: 'crm.LeadCaptured', contentType: 'application/json' });
    await raw('no envelope at all', {});
    await connection.close();
    const { messageId } = await orderPublisher(orders).orderCreated(orderCreated());
    await good.promise;
    expect(handled).toEqual([messageId]);

    await until(async () => (await broker.queueDepth('billing.orders.dlq')) === 4, 'four dead letters');
    const dead = await broker.drain('billing.orders.dlq');
    const byId = new Map(dead.map((m) => [m.properties.messageId ?? '(none)', m]));
    expect(header(byId.get('garbage-1')!, 'x-ep-reason')).toBe('undecodable');
    expect(header(byId.get('garbage-1')!, 'x-ep-error')).toMatch(/body is not JSON/);
    expect(byId.get('garbage-1')!.content).toEqual(Buffer.from([0xff, 0x00, 0x13, 0x37]));
    expect(header(byId.get('foreign-1')!, 'x-ep-reason')).toBe('invalid-payload');
    expect(header(byId.get('foreign-1')!, 'x-ep-error')).toMatch(/orderId is required.*id is not allowed/);
    expect(header(byId.get('alien-1')!, 'x-ep-reason')).toBe('unknown-type');
    expect(header(byId.get('(none)')!, 'x-ep-reason')).toBe('invalid-envelope');
    for (const message of dead) {
      expect(header(message, 'x-ep-attempts')).toBe(0);
      expect(header(message, 'x-ep-queue')).toBe('billing.orders');
      expect(header(message, 'x-ep-original-exchange')).toBe('shop.events');
      expect(header(message, 'x-ep-original-routing-key')).toBe('shop.order.created');
    }
    expect(await billing.metrics.getSingleMetricAsString('eventplane_dead_lettered_total')).toContain(
      'eventplane_dead_lettered_total{queue="billing.orders",type="shop.OrderCreated",reason="undecodable"} 1',
    );
    expect(billing.health().consumers).toEqual([{ queue: 'billing.orders', state: 'consuming', inFlight: 0 }]);
  });

  it('retries a failing handler through the delay queues with growing delays, and handles it once', async () => {
    const billing = await broker.bus(billingService);
    const orders = await broker.bus(orderService);
    const attempts: Array<{ attempt: number; at: number }> = [];
    const succeeded = signal();
    let handledOk = 0;
    subscription = await billing.subscribe(billingOrders, async (delivery) => {
      attempts.push({ attempt: delivery.attempt, at: performance.now() });
      if (attempts.length <= 2) throw new Error(`payment provider down (attempt ${delivery.attempt})`);
      handledOk++;
      succeeded.resolve();
    });
    await orderPublisher(orders).orderCreated(orderCreated());
    await succeeded.promise;
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    const firstGap = attempts[1]!.at - attempts[0]!.at;
    const secondGap = attempts[2]!.at - attempts[1]!.at;
    expect(firstGap).toBeGreaterThanOrEqual(BILLING_RETRY_DELAYS_MS[0] - 5);
    expect(secondGap).toBeGreaterThanOrEqual(BILLING_RETRY_DELAYS_MS[1] - 5);
    expect(secondGap).toBeGreaterThan(firstGap);
    expect(handledOk).toBe(1);
    await expect.poll(() => billing.metrics.getSingleMetricAsString('eventplane_retried_total')).toContain(
      'eventplane_retried_total{queue="billing.orders",type="shop.OrderCreated"} 2',
    );
    expect(await broker.queueDepth('billing.orders.dlq')).toBe(0);
  });

  it('dead-letters a message after the last attempt with the whole story in x-ep-* headers', async () => {
    const billing = await broker.bus(billingService);
    const orders = await broker.bus(orderService);
    let calls = 0;
    subscription = await billing.subscribe(billingOrders, async (delivery) => {
      calls++;
      throw new TypeError(`cannot read tax rate for ${delivery.envelope.messageId}`);
    });
    const started = Date.now();
    const { messageId } = await orderPublisher(orders).orderCreated(orderCreated());
    await until(async () => (await broker.queueDepth('billing.orders.dlq')) === 1, 'the dead letter');
    expect(calls).toBe(billingOrders.retry.retries + 1);
    const [dead] = await broker.drain('billing.orders.dlq');
    expect(dead!.properties.messageId).toBe(messageId);
    const headers = dead!.properties.headers!;
    expect(headers).toMatchObject({
      'x-ep-reason': 'handler-failed',
      'x-ep-error': `TypeError: cannot read tax rate for ${messageId}`,
      'x-ep-attempts': 3,
      'x-ep-queue': 'billing.orders',
      'x-ep-original-exchange': 'shop.events',
      'x-ep-original-routing-key': 'shop.order.created',
      'x-ep-original-user-id': broker.applied.users['shop/order']!.username,
      'ce-dataversion': '1.2.0',
    });
    expect(String(headers['x-ep-stack'])).toMatch(/^TypeError: cannot read tax rate[\s\S]*consume-failures\.test\.ts/);
    expect(String(headers['x-ep-stack']).split('\n').length).toBeLessThanOrEqual(12);
    const first = Date.parse(String(headers['x-ep-first-failure-at']));
    const last = Date.parse(String(headers['x-ep-last-failure-at']));
    expect(first).toBeGreaterThanOrEqual(started - 1000);
    expect(last - first).toBeGreaterThanOrEqual(BILLING_RETRY_DELAYS_MS[0] + BILLING_RETRY_DELAYS_MS[1] - 10);
    expect(headers['x-death']).toBeUndefined();
  });

  it('runs the handler once for a duplicated message (same message id)', async () => {
    const billing = await broker.bus(billingService);
    const orders = await broker.bus(orderService);
    const seen: string[] = [];
    const marker = signal();
    subscription = await billing.subscribe(billingOrders, async (delivery) => {
      seen.push(delivery.envelope.messageId);
      if (delivery.name === 'OrderCancelled') marker.resolve();
    });
    const messageId = randomUUID();
    const payload = orderCreated();
    await orders.publish(publishOrderCreated, payload, { messageId });
    await orders.publish(publishOrderCreated, payload, { messageId });
    await orderPublisher(orders).orderCancelled({ orderId: payload.orderId, reason: 'marker' });
    await marker.promise;
    await expect.poll(() => billing.metrics.getSingleMetricAsString('eventplane_duplicates_total')).toContain(
      'eventplane_duplicates_total{queue="billing.orders",type="shop.OrderCreated"} 1',
    );
    expect(seen.filter((id) => id === messageId)).toHaveLength(1);
  });
});

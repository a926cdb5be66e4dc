import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BILLING_DELIVERY_LIMIT, billingOrders, billingService, orderPublisher, orderService } from '../../fixtures/runtime/shop-contract.js';
import { orderCreated, shopBroker, signal, spawnConsumer, until } from './support.js';

let broker: Awaited<ReturnType<typeof shopBroker>>;

beforeAll(async () => {
  broker = await shopBroker('rt-process');
});
afterEach(async () => {
  await broker.closeBuses();
});
afterAll(async () => {
  await broker?.close();
});

describe('consumer processes', () => {
  it('on SIGTERM finishes in-flight handlers, acks them and exits; nothing is lost', async () => {
    const orders = await broker.bus(orderService);
    const consumer = spawnConsumer({ AMQP_URL: broker.serviceUrl('shop/billing'), MODE: 'slow', HANDLE_MS: '400' });
    await consumer.waitFor(() => consumer.events.some((e) => e.event === 'ready'), 'ready');
    const published = new Set<string>();
    for (let i = 0; i < 30; i++) published.add((await orderPublisher(orders).orderCreated(orderCreated())).messageId);

    const started = () => consumer.events.filter((e) => e.event === 'started');
    await consumer.waitFor(() => started().length >= 3, 'three handlers in flight');
    consumer.child.kill('SIGTERM');
    const status = await consumer.exit;
    expect(status).toEqual({ code: 0, signal: null });

    const startedIds = started().map((e) => e.id!);
    const finishedIds = consumer.events.filter((e) => e.event === 'finished').map((e) => e.id!);
    expect(startedIds.length).toBeGreaterThanOrEqual(3);
    expect(new Set(finishedIds)).toEqual(new Set(startedIds)); // every in-flight handler finished
    expect(consumer.events.at(-1)).toEqual({ event: 'closed' });

    // The rest is still in the queue; what the child finished was acknowledged (not redelivered).
    const billing = await broker.bus(billingService);
    const rest: string[] = [];
    const all = signal();
    const subscription = await billing.subscribe(billingOrders, async (delivery) => {
      rest.push(delivery.envelope.messageId);
      if (rest.length + finishedIds.length >= published.size) all.resolve();
    });
    await all.promise;
    await subscription.cancel();
    expect(rest.filter((id) => finishedIds.includes(id))).toEqual([]);
    expect(new Set([...rest, ...finishedIds])).toEqual(published);
    expect(await broker.queueDepth('billing.orders')).toBe(0);
  });

  it('a crash-looping message ends in the dead-letter queue (delivery limit), not dropped', async () => {
    const orders = await broker.bus(orderService);
    const { messageId } = await orderPublisher(orders).orderCreated(orderCreated());
    let crashes = 0;
    for (;;) {
      // After a crash the broker either requeues the message or, past the limit, dead-letters it.
      let where: 'queue' | 'dlq' | undefined;
      await until(async () => {
        if ((await broker.queueDepth('billing.orders.dlq')) === 1) where = 'dlq';
        else if ((await broker.queueDepth('billing.orders')) === 1) where = 'queue';
        return where !== undefined;
      }, 'the message to be back in the queue or dead-lettered');
      if (where === 'dlq') break;
      expect(crashes, 'the broker should have dead-lettered it by now').toBeLessThanOrEqual(BILLING_DELIVERY_LIMIT);
      const consumer = spawnConsumer({ AMQP_URL: broker.serviceUrl('shop/billing'), MODE: 'crash' });
      expect((await consumer.exit).signal).toBe('SIGKILL');
      crashes++;
    }
    expect(crashes).toBe(BILLING_DELIVERY_LIMIT + 1);
    const [dead] = await broker.drain('billing.orders.dlq');
    expect(dead!.properties.messageId).toBe(messageId);
    const [death] = dead!.properties.headers!['x-death'] as unknown as Array<Record<string, unknown>>;
    expect(death).toMatchObject({ reason: 'delivery_limit', queue: 'billing.orders' });
    expect(await broker.queueDepth('billing.orders')).toBe(0);
  });
});

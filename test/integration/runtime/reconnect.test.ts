import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyTopology } from '../../../src/local-cluster/apply-topology.js';
import { billingOrders, billingService, orderPublisher, orderService } from '../../fixtures/runtime/shop-contract.js';
import { shopTopology } from '../../fixtures/runtime/shop-topology.js';
import { orderCreated, shopBroker, signal, until } from './support.js';

let broker: Awaited<ReturnType<typeof shopBroker>>;

beforeAll(async () => {
  broker = await shopBroker('rt-reconnect');
});
afterEach(async () => {
  await broker.closeBuses();
});
afterAll(async () => {
  await broker?.close();
});

describe('recovery from broker-side failures', () => {
  it('survives the broker closing every connection mid-stream: publishes complete, consumers resume, nothing lost', async () => {
    const orders = await broker.bus(orderService, { publisher: { windowSize: 200, timeoutMs: 60_000 } });
    const billing = await broker.bus(billingService);
    const total = 3_000;
    const handled = new Map<string, number>();
    const done = signal();
    await billing.subscribe(billingOrders, async (delivery) => {
      const id = delivery.envelope.messageId;
      handled.set(id, (handled.get(id) ?? 0) + 1);
      if (handled.size === total) done.resolve();
    });

    const connections = await broker.connectionsOf(2); // known before the stream starts
    const publisher = orderPublisher(orders);
    const ids: string[] = [];
    let closing: Promise<unknown> | undefined;
    for (let batch = 0; ids.length < total; batch++) {
      // Batches of 100 concurrent publishes; the close lands while one is in flight.
      ids.push(...(await Promise.all(Array.from({ length: 100 }, () => publisher.orderCreated(orderCreated()).then((r) => r.messageId)))));
      if (batch === 9) {
        closing = Promise.all(connections.map((c) => broker.management.closeConnection(c.name, 'test: broker closes the connection')));
      }
    }
    await closing;
    expect(handled.size).toBeLessThan(total); // the consumer was mid-stream too
    // Publishes unconfirmed when the connection dropped went out again, and were confirmed.
    const sends = await orders.metrics.getSingleMetricAsString('eventplane_published_total');
    expect(Number(/\} (\d+)/.exec(sends)![1])).toBeGreaterThan(total);
    await done.promise;

    expect(new Set(handled.keys())).toEqual(new Set(ids));
    expect([...handled.values()].every((count) => count === 1)).toBe(true); // redeliveries de-duplicated
    await until(() => billing.health().ok && orders.health().ok, 'both buses healthy again');
    expect(await billing.metrics.getSingleMetricAsString('eventplane_broker_reconnects_total')).toContain(
      'eventplane_broker_reconnects_total{service="shop/billing"} 1',
    );
    expect(await broker.queueDepth('billing.orders.dlq')).toBe(0);
  });

  it('re-subscribes when the broker cancels the consumer (queue deleted and re-created)', async () => {
    const orders = await broker.bus(orderService);
    const billing = await broker.bus(billingService);
    const received: string[] = [];
    let next = signal();
    await billing.subscribe(billingOrders, async (delivery) => {
      received.push(delivery.envelope.messageId);
      next.resolve();
    });
    await orderPublisher(orders).orderCreated(orderCreated());
    await next.promise;

    await broker.management.request('DELETE', `/queues/${encodeURIComponent(broker.vhost)}/billing.orders`);
    await until(() => billing.health().consumers[0]?.state === 'recovering', 'the consumer to notice the cancel');
    expect(billing.health().ok).toBe(false); // /readyz reports it
    await applyTopology(broker.management, shopTopology(), { namespace: broker.namespace, passwords: passwordsOf(broker.applied.users) });
    await until(() => billing.health().ok, 'the consumer to come back', 30_000);

    next = signal();
    const { messageId } = await orderPublisher(orders).orderCreated(orderCreated());
    await next.promise;
    expect(received.at(-1)).toBe(messageId);
  });
});

function passwordsOf(users: Record<string, { username: string; password: string }>): Record<string, string> {
  return Object.fromEntries(Object.values(users).map((u) => [u.username, u.password]));
}

/**
 * A consumer that commits its work and dies before acknowledging: the broker redelivers, and the
 * transactional inbox — whose row committed with the work — skips it. Real broker, real child
 * process killed with SIGKILL, on PostgreSQL and PGlite.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DurableInbox } from '../../../src/durable/inbox.js';
import { openStore } from '../../../src/durable/open-store.js';
import type { Delivery } from '../../../src/runtime/contract.js';
import { billingOrders, billingService, orderPublisher, orderService, type BillingOrdersDelivery } from '../../fixtures/runtime/shop-contract.js';
import { STORE_KINDS, testDatabase } from '../../support/postgres.js';
import { orderCreated, shopBroker, signal } from '../runtime/support.js';
import { spawnDurableProcess } from './support.js';

describe.each(STORE_KINDS)('transactional inbox on %s with the real broker', (kind) => {
  let broker: Awaited<ReturnType<typeof shopBroker>>;

  beforeAll(async () => {
    broker = await shopBroker(`inbox-${kind}`);
  });
  afterAll(async () => {
    await broker.close();
  });

  it('skips the redelivery of a message whose consumer crashed after its commit and before its ack', async () => {
    const db = await testDatabase(kind, 'inbox-crash');
    try {
      const consumer = spawnDurableProcess({ MODE: 'consume', AMQP_URL: broker.serviceUrl('shop/billing'), ...db.env });
      await consumer.report('ready');
      const order = orderCreated();
      const { messageId } = await orderPublisher(await broker.bus(orderService)).orderCreated(order);
      const committed = await consumer.report('committed');
      expect(committed.id).toBe(messageId);
      await consumer.crash();

      // The restarted consumer: same database, same queue.
      const store = await openStore(db.options);
      try {
        const inbox = new DurableInbox(store);
        let runs = 0;
        const handle = inbox.handle(billingOrders, async () => {
          runs++;
        });
        const settled = signal<Delivery>();
        const bus = await broker.bus(billingService, { logger: pino({ level: 'silent' }), metrics: new Registry() });
        await bus.subscribe(billingOrders, async (delivery: BillingOrdersDelivery, context) => {
          await handle(delivery, context);
          settled.resolve(delivery);
        });
        const redelivery = await settled.promise;
        expect(redelivery.envelope.messageId).toBe(messageId);
        expect(redelivery.redelivered).toBe(true);
        expect(runs).toBe(0);
        const { rows } = await store.query<{ order_id: string }>('SELECT order_id FROM handled_orders');
        expect(rows).toEqual([{ order_id: order.orderId }]);
        await bus.close();
        expect(await broker.queueDepth('billing.orders')).toBe(0);
      } finally {
        await store.close();
      }
    } finally {
      await db.dispose();
    }
  });
});

/**
 * The outbox against real PostgreSQL and PGlite, publishing through the real runtime to the
 * real broker: nothing committed is lost when the service dies before (or while) publishing,
 * and two relays neither publish an event twice nor reorder an aggregate.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/durable/open-store.js';
import { Outbox } from '../../../src/durable/outbox.js';
import { OutboxRelay } from '../../../src/durable/outbox-relay.js';
import type { DurableStore } from '../../../src/durable/store.js';
import type { Delivery, EventPublisher } from '../../../src/runtime/contract.js';
import { billingOrders, billingService, orderSends, orderService, publishOrderCreated, type BillingOrdersDelivery } from '../../fixtures/runtime/shop-contract.js';
import { STORE_KINDS, testDatabase, type TestDatabase } from '../../support/postgres.js';
import { orderCreated, shopBroker, until } from '../runtime/support.js';
import { spawnDurableProcess } from './support.js';

const quiet = pino({ level: 'silent' });

// Crash tests wait for child processes opening their store: bounded generously for a busy shared machine.
describe.each(STORE_KINDS)('outbox relay on %s with the real broker', { timeout: 300_000 }, (kind) => {
  let broker: Awaited<ReturnType<typeof shopBroker>>;
  let db: TestDatabase;
  const stores: DurableStore[] = [];
  const relays: OutboxRelay[] = [];
  let received: Delivery[] = [];

  beforeAll(async () => {
    broker = await shopBroker(`outbox-${kind}`);
    const billing = await broker.bus(billingService);
    await billing.subscribe(billingOrders, async (delivery: BillingOrdersDelivery) => {
      received.push(delivery);
    });
  });
  afterAll(async () => {
    await broker.close();
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await db?.dispose();
    received = [];
  });

  async function open(): Promise<DurableStore> {
    const store = await openStore(db.options);
    stores.push(store);
    return store;
  }

  async function relay(store: DurableStore, publisher: EventPublisher, options: { pollIntervalMs?: number } = {}): Promise<OutboxRelay> {
    const started = new OutboxRelay({ store, publisher, sends: orderSends, logger: quiet, registry: new Registry(), ...options });
    relays.push(started);
    await started.start();
    return started;
  }

  it('publishes events committed by a process killed before it could publish them', async () => {
    db = await testDatabase(kind, 'crash-commit');
    const service = spawnDurableProcess({ MODE: 'commit', EVENTS: '3', ...db.env });
    const { ids } = await service.report('committed');
    await service.crash();

    await relay(await open(), await broker.bus(orderService));
    await until(() => received.length >= 3, 'the three events at the consumer', 30_000);
    expect(received.map((d) => d.envelope.messageId)).toEqual(ids);
    expect(new Set(received.map((d) => d.envelope.subject)).size).toBe(1);
    expect(received[0]!.envelope.source).toBe('shop/order');
  });

  it('publishes events whose relay was killed mid-publish, once its lease runs out', async () => {
    db = await testDatabase(kind, 'crash-claim');
    const service = spawnDurableProcess({ MODE: 'claim', EVENTS: '3', LEASE_MS: '1500', ...db.env });
    const { ids } = await service.report('committed');
    await service.report('publishing');
    await service.crash();

    const store = await open();
    // The dead relay's lease is on record (whether its 1.5 s have run out by now depends on how
    // long opening the store took on a busy machine); the new relay publishes once it has.
    const leased = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${store.table('outbox_partitions')} WHERE claimed_by IS NOT NULL`);
    expect(leased.rows[0]!.n).toBe(1);
    await relay(store, await broker.bus(orderService), { pollIntervalMs: 100 });
    await until(() => received.length >= 3, 'the three events at the consumer', 30_000);
    expect(received.map((d) => d.envelope.messageId)).toEqual(ids);
  });

  it('lets two relays publish together: every event exactly once, every aggregate in order', async () => {
    db = await testDatabase(kind, 'two-relays');
    // PostgreSQL: two stores, two connection pools, truly concurrent. PGlite: one process, one store.
    const first = await open();
    const second = kind === 'postgres' ? await open() : first;
    const outbox = new Outbox(first);
    const orders = Array.from({ length: 12 }, () => randomUUID());
    const expected = new Map<string, string[]>(orders.map((id) => [id, []]));
    for (let round = 0; round < 25; round++) {
      await first.transaction(async (tx) => {
        for (const orderId of orders) {
          const { messageId } = await outbox.add(tx, { send: publishOrderCreated, payload: orderCreated({ orderId, total: round }), aggregateId: orderId });
          expected.get(orderId)!.push(messageId);
        }
      });
    }
    const publishes: string[] = [];
    const counting = (bus: EventPublisher): EventPublisher => ({
      publish: (send, payload, options) => {
        publishes.push(options!.messageId!);
        return bus.publish(send, payload, options);
      },
    });
    const one = await relay(first, counting(await broker.bus(orderService)));
    const two = await relay(second, counting(await broker.bus(orderService)));
    await until(() => received.length >= 300, 'all 300 events at the consumer', 60_000);
    await Promise.all([one.stop(), two.stop()]);

    expect(publishes).toHaveLength(300);
    expect(new Set(publishes).size).toBe(300);
    expect(received).toHaveLength(300);
    for (const [orderId, ids] of expected) {
      expect(received.filter((d) => d.envelope.subject === orderId).map((d) => d.envelope.messageId)).toEqual(ids);
    }
    expect((await one.backlog()).pending).toBe(0);
  });
});

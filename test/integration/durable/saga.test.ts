/**
 * The checkout saga (shop.md) on real PostgreSQL and on PGlite: a timeout set before a restart
 * fires after it, and the compensation path publishes its commands through the outbox and relay.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/durable/open-store.js';
import { OutboxRelay } from '../../../src/durable/outbox-relay.js';
import { SagaEngine, type SagaTransition } from '../../../src/durable/saga/engine.js';
import type { DurableStore } from '../../../src/durable/store.js';
import { STORE_KINDS, testDatabase, type TestDatabase } from '../../support/postgres.js';
import { checkoutSaga, events, type CheckoutData } from '../../unit/durable/checkout-saga.js';
import { delivery, RecordingPublisher } from '../../unit/durable/fixtures.js';

const quiet = pino({ level: 'silent' });

describe.each(STORE_KINDS)('checkout saga on %s', (kind) => {
  let db: TestDatabase | undefined;
  const cleanups: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await db?.dispose();
    db = undefined;
  });

  async function open(): Promise<DurableStore> {
    const store = await openStore(db!.options);
    cleanups.push(() => store.close());
    return store;
  }

  function engine(store: DurableStore, timeout: Parameters<typeof checkoutSaga>[0], onTransition?: (t: SagaTransition) => void) {
    const sagas = new SagaEngine({ store, sagas: [checkoutSaga(timeout)], logger: quiet, registry: new Registry(), timeoutPollMs: 100, ...(onTransition ? { onTransition } : {}) });
    cleanups.push(() => sagas.stop());
    return sagas;
  }

  const request = (checkoutId: string) =>
    delivery(events.CheckoutRequested, { checkoutId, customerId: 'cust-7', lines: [{ sku: 'SKU-9', quantity: 1 }], total: 12 });

  it('fires a timeout set before a restart, after it', async () => {
    db = await testDatabase(kind, 'saga-restart');
    const id = randomUUID();
    // The first incarnation reaches takingPayment and dies before the deadline: its scheduler never ran.
    const before = await openStore(db.options);
    const first = engine(before, '400ms');
    await first.dispatch(request(id));
    await first.dispatch(delivery(events.StockReserved, { checkoutId: id, reservationId: 'res-1' }, { correlationId: id }));
    await before.close();

    const after = await open();
    const timedOut = new Promise<SagaTransition>((resolve) => {
      void engine(after, '400ms', (t) => {
        if (t.id === id && t.cause.kind === 'timeout') resolve(t);
      }).start();
    });
    expect(await timedOut).toMatchObject({ from: 'takingPayment', to: 'releasingStock', version: 3 });
    const instance = await new SagaEngine({ store: after, sagas: [checkoutSaga('400ms')], logger: quiet, registry: new Registry() }).instance<CheckoutData>('checkout', id);
    expect(instance).toMatchObject({ state: 'releasingStock', data: { failure: 'payment timed out', reservationId: 'res-1' } });
  });

  it('compensates a failed payment, and the relay publishes the compensation in order', async () => {
    db = await testDatabase(kind, 'saga-compensation');
    const store = await open();
    const sagas = engine(store, '30s');
    const id = randomUUID();
    await sagas.dispatch(request(id));
    await sagas.dispatch(delivery(events.StockReserved, { checkoutId: id, reservationId: 'res-2' }, { correlationId: id }));
    const declined = delivery(events.PaymentFailed, { checkoutId: id, reason: 'card declined' }, { correlationId: id });
    await sagas.dispatch(declined);
    await sagas.dispatch({ ...declined, redelivered: true });
    await sagas.dispatch(delivery(events.StockReleased, { checkoutId: id, reservationId: 'res-2' }, { correlationId: id }));

    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ store, publisher, logger: quiet, registry: new Registry() });
    await relay.start();
    cleanups.push(() => relay.stop());
    await publisher.waitFor(4);
    expect(publisher.published.map((p) => p.send.message.type)).toEqual(['shop.ReserveStock', 'shop.TakePayment', 'shop.ReleaseStock', 'shop.CheckoutFailed']);
    expect(publisher.published.every((p) => p.options?.correlationId === id)).toBe(true);
    expect(publisher.published[2]!.payload).toEqual({ reservationId: 'res-2' });
    expect(publisher.published[2]!.options?.causedBy?.messageId).toBe(declined.envelope.messageId);
    expect(await sagas.instance('checkout', id)).toMatchObject({ state: 'failed', version: 4 });
  });
});

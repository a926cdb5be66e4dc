import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/durable/open-store.js';
import { SagaEngine, type SagaTransition } from '../../../src/durable/saga/engine.js';
import type { DurableStore } from '../../../src/durable/store.js';
import { checkoutSaga, commands, events, type CheckoutData } from './checkout-saga.js';
import { delivery, handlerContext } from './fixtures.js';

const quiet = pino({ level: 'silent' });

interface OutboxRow {
  event_type: string;
  payload: Record<string, unknown>;
  headers: { correlationId?: string; causedBy?: { messageId: string } };
}

describe('saga engine (PGlite)', () => {
  let store: DurableStore;
  const transitions: SagaTransition[] = [];

  beforeAll(async () => {
    store = await openStore();
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  function engine(timeout: Parameters<typeof checkoutSaga>[0] = '30s') {
    return new SagaEngine({
      store,
      sagas: [checkoutSaga(timeout)],
      logger: quiet,
      registry: new Registry(),
      onTransition: (t) => transitions.push(t),
    });
  }

  async function commandsOf(checkoutId: string): Promise<OutboxRow[]> {
    const { rows } = await store.query<OutboxRow>(
      `SELECT event_type, payload, headers FROM ${store.table('outbox')} WHERE headers->>'correlationId' = $1 ORDER BY seq`,
      [checkoutId],
    );
    return rows;
  }

  const request = (checkoutId: string) =>
    delivery(events.CheckoutRequested, { checkoutId, customerId: 'cust-1', lines: [{ sku: 'SKU-1', quantity: 2 }], total: 40 });

  it('runs the happy path, publishing each step’s command through the outbox, correlated and caused', async () => {
    const sagas = engine();
    const id = randomUUID();
    const started = request(id);
    expect(await sagas.dispatch(started, handlerContext())).toEqual([{ kind: 'started', saga: 'checkout', id, from: undefined, to: 'reservingStock' }]);
    await sagas.dispatch(delivery(events.StockReserved, { checkoutId: id, reservationId: 'res-1' }, { correlationId: id }));
    await sagas.dispatch(delivery(events.PaymentSucceeded, { checkoutId: id, paymentRef: 'pay-1' }, { correlationId: id }));
    const [last] = await sagas.dispatch(delivery(events.OrderCreated, { checkoutId: id, orderId: 'ord-1' }, { correlationId: id }));
    expect(last).toMatchObject({ kind: 'transitioned', from: 'creatingOrder', to: 'completed' });

    const instance = await sagas.instance<CheckoutData>('checkout', id);
    expect(instance).toMatchObject({ state: 'completed', version: 4, timeoutAt: null, data: { reservationId: 'res-1', paymentRef: 'pay-1', orderId: 'ord-1' } });
    expect(instance!.finishedAt).toBeInstanceOf(Date);
    const commands = await commandsOf(id);
    expect(commands.map((c) => c.event_type)).toEqual(['shop.ReserveStock', 'shop.TakePayment', 'shop.CreateOrder', 'shop.ConfirmStock', 'shop.CheckoutCompleted']);
    expect(commands[0]!.headers.causedBy?.messageId).toBe(started.envelope.messageId);
    expect(commands[1]!.payload).toEqual({ checkoutId: id, amount: 40 });
  });

  it('applies a redelivered event once', async () => {
    const sagas = engine();
    const id = randomUUID();
    await sagas.dispatch(request(id));
    const reserved = delivery(events.StockReserved, { checkoutId: id, reservationId: 'res-2' }, { correlationId: id });
    await sagas.dispatch(reserved);
    expect(await sagas.dispatch({ ...reserved, redelivered: true })).toEqual([
      { kind: 'duplicate', saga: 'checkout', id, reason: `event ${reserved.envelope.messageId} was applied before` },
    ]);
    expect((await sagas.instance('checkout', id))!.version).toBe(2);
    expect((await commandsOf(id)).filter((c) => c.event_type === 'shop.TakePayment')).toHaveLength(1);
  });

  it('compensates a failed payment: releases the stock, then fails the checkout', async () => {
    const sagas = engine();
    const id = randomUUID();
    await sagas.dispatch(request(id));
    await sagas.dispatch(delivery(events.StockReserved, { checkoutId: id, reservationId: 'res-3' }, { correlationId: id }));
    await sagas.dispatch(delivery(events.PaymentFailed, { checkoutId: id, reason: 'card declined' }, { correlationId: id }));
    expect((await sagas.instance('checkout', id))!.state).toBe('releasingStock');
    await sagas.dispatch(delivery(events.StockReleased, { checkoutId: id, reservationId: 'res-3' }, { correlationId: id }));
    const instance = await sagas.instance<CheckoutData>('checkout', id);
    expect(instance).toMatchObject({ state: 'failed', data: { failure: 'card declined' } });
    const commands = await commandsOf(id);
    expect(commands.map((c) => c.event_type)).toEqual(['shop.ReserveStock', 'shop.TakePayment', 'shop.ReleaseStock', 'shop.CheckoutFailed']);
    expect(commands[2]!.payload).toEqual({ reservationId: 'res-3' });
    expect(commands[3]!.payload).toEqual({ checkoutId: id, reason: 'card declined' });
  });

  it('compensates replies that arrive after it gave up', async () => {
    const sagas = engine();
    const id = randomUUID();
    await sagas.dispatch(request(id));
    await sagas.dispatch(delivery(events.StockReservationFailed, { checkoutId: id, reason: 'out of stock' }, { correlationId: id }));
    await sagas.dispatch(delivery(events.StockReserved, { checkoutId: id, reservationId: 'late' }, { correlationId: id }));
    expect((await commandsOf(id)).map((c) => c.event_type)).toEqual(['shop.ReserveStock', 'shop.CheckoutFailed', 'shop.ReleaseStock']);
  });

  it('ignores (and reports) events with no instance or not expected in the state', async () => {
    const sagas = engine();
    const id = randomUUID();
    expect(await sagas.dispatch(delivery(events.OrderCreated, { checkoutId: id, orderId: 'o' }, { correlationId: id }))).toMatchObject([
      { kind: 'ignored', reason: `no instance ${id} and OrderCreated does not start one` },
    ]);
    await sagas.dispatch(request(id));
    expect(await sagas.dispatch(delivery(events.OrderCreated, { checkoutId: id, orderId: 'o' }, { correlationId: id }))).toMatchObject([
      { kind: 'ignored', reason: 'OrderCreated is not expected in state "reservingStock"' },
    ]);
  });

  it('rolls everything back when a handler throws, so the redelivery starts afresh', async () => {
    const failing = checkoutSaga();
    const sagas = new SagaEngine({ store, sagas: [failing], logger: quiet, registry: new Registry() });
    const id = randomUUID();
    await sagas.dispatch(request(id));
    // An invalid command payload: the outbox refuses it inside the transition's transaction.
    const reserved = delivery(events.StockReserved, { checkoutId: id, reservationId: 'res-4' }, { correlationId: id });
    await store.query(`UPDATE ${store.table('saga_instances')} SET data = jsonb_set(data, '{total}', '"not a number"') WHERE id = $1`, [id]);
    await expect(sagas.dispatch(reserved)).rejects.toThrow(/TakePayment payload is invalid: amount must be number/);
    expect((await sagas.instance('checkout', id))!.state).toBe('reservingStock');
    expect((await commandsOf(id)).map((c) => c.event_type)).toEqual(['shop.ReserveStock']);
    await store.query(`UPDATE ${store.table('saga_instances')} SET data = jsonb_set(data, '{total}', '40') WHERE id = $1`, [id]);
    expect(await sagas.dispatch(reserved)).toMatchObject([{ kind: 'transitioned', to: 'takingPayment' }]);
  });

  it('fires a state’s timeout from the stored deadline and runs its compensation', async () => {
    const sagas = engine('150ms');
    const id = randomUUID();
    const timedOut = new Promise<SagaTransition>((resolve) => {
      const watch = setInterval(() => {
        const found = transitions.find((t) => t.id === id && t.cause.kind === 'timeout');
        if (found) {
          clearInterval(watch);
          resolve(found);
        }
      }, 5);
    });
    await sagas.start();
    try {
      await sagas.dispatch(request(id));
      await sagas.dispatch(delivery(events.StockReserved, { checkoutId: id, reservationId: 'res-5' }, { correlationId: id }));
      const transition = await timedOut;
      expect(transition).toMatchObject({ from: 'takingPayment', to: 'releasingStock' });
      expect((await commandsOf(id)).map((c) => c.event_type)).toEqual(['shop.ReserveStock', 'shop.TakePayment', 'shop.ReleaseStock']);
    } finally {
      await sagas.stop();
    }
  });

  it('re-arms the timeout of a state whose timeout handler stays in it', async () => {
    // Earlier tests' instances share this database: take their deadlines out of this test.
    await store.query(`UPDATE ${store.table('saga_instances')} SET timeout_at = NULL`);
    const sagas = engine('30s');
    const id = randomUUID();
    await sagas.dispatch(request(id));
    await sagas.dispatch(delivery(events.StockReserved, { checkoutId: id, reservationId: 'res-6' }, { correlationId: id }));
    await sagas.dispatch(delivery(events.PaymentFailed, { checkoutId: id, reason: 'declined' }, { correlationId: id }));
    // Make the deadline due now instead of waiting 30 s.
    await store.query(`UPDATE ${store.table('saga_instances')} SET timeout_at = now() - interval '1 second' WHERE id = $1`, [id]);
    expect(await sagas.fireDueTimeouts()).toBe(1);
    const instance = await sagas.instance('checkout', id);
    expect(instance!.state).toBe('releasingStock');
    expect(instance!.timeoutAt!.getTime()).toBeGreaterThan(Date.now() + 25_000);
    expect((await commandsOf(id)).filter((c) => c.event_type === 'shop.ReleaseStock')).toHaveLength(2);
    expect(await sagas.fireDueTimeouts()).toBe(0);
  });

  it('begins an instance from the service’s own transaction (an HTTP request), once', async () => {
    const definition = checkoutSaga();
    const sagas = new SagaEngine({ store, sagas: [definition], logger: quiet, registry: new Registry() });
    const id = randomUUID();
    await store.exec('CREATE TABLE IF NOT EXISTS checkouts (id text PRIMARY KEY)');
    const begin = () =>
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO checkouts (id) VALUES ($1) ON CONFLICT DO NOTHING', [id]);
        return sagas.begin(
          definition,
          id,
          async (saga) => {
            await saga.publish(commands.reserveStock, { checkoutId: saga.id, lines: [{ sku: 'SKU-1', quantity: 1 }] });
            return { state: 'reservingStock', data: { customerId: 'c', total: 5 } };
          },
          tx,
        );
      });
    expect(await begin()).toEqual({ kind: 'started', saga: 'checkout', id, from: undefined, to: 'reservingStock' });
    expect(await begin()).toMatchObject({ kind: 'duplicate' });
    expect((await commandsOf(id)).map((c) => c.event_type)).toEqual(['shop.ReserveStock']);
    expect(await sagas.instance('checkout', id)).toMatchObject({ state: 'reservingStock', version: 1 });
    await expect(sagas.begin(checkoutSaga(), id, async () => ({ state: 'reservingStock', data: { customerId: 'c', total: 1 } }))).rejects.toThrow(
      /not one this engine runs/,
    );
  });
});

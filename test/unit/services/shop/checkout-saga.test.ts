/**
 * The checkout saga (services/shop/checkout/saga.ts) on the saga engine over an in-memory
 * PGlite: every branch of shop.md's checkout, with the commands and events it writes to the
 * outbox (each validated against the generated contract validators on the way in).
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as M from '../../../../generated/messages/shop.js';
import type { PaymentSucceeded } from '../../../../generated/types/shop.js';
import { checkoutSaga, internalEvents, type CheckoutData, type CheckoutRequested } from '../../../../services/shop/checkout/saga.js';
import { openStore } from '../../../../src/durable/open-store.js';
import type { Duration } from '../../../../src/durable/saga/definition.js';
import { SagaEngine } from '../../../../src/durable/saga/engine.js';
import type { DurableStore } from '../../../../src/durable/store.js';
import type { Delivery, MessageDescriptor } from '../../../../src/runtime/contract.js';

const quiet = pino({ level: 'silent' });
let store: DurableStore;

beforeAll(async () => {
  store = await openStore();
}, 120_000);
afterAll(async () => {
  await store?.close();
});

function engine(timeout: Duration = '30s') {
  return new SagaEngine({ store, sagas: [checkoutSaga(timeout)], logger: quiet, registry: new Registry() });
}

function delivery<T>(descriptor: MessageDescriptor<T>, payload: T, correlationId: string): Delivery<string, T> {
  return {
    name: descriptor.name,
    payload,
    attempt: 1,
    redelivered: false,
    envelope: { messageId: randomUUID(), type: descriptor.type, source: 'test', time: new Date().toISOString(), dataVersion: '1.0.0', correlationId, routingKey: '', exchange: '', headers: {} },
  };
}

interface Row {
  event_type: string;
  routing_key: string;
  payload: any;
}
async function outbox(checkoutId: string): Promise<Row[]> {
  const { rows } = await store.query<Row>(`SELECT event_type, routing_key, payload FROM ${store.table('outbox')} WHERE headers->>'correlationId' = $1 ORDER BY seq`, [checkoutId]);
  return rows;
}

const money = (amount: string) => ({ amount, currency: 'GBP' });

function requested(checkoutId: string): CheckoutRequested {
  return {
    checkoutId,
    cartId: randomUUID(),
    customerId: randomUUID(),
    lines: [{ sku: 'PROD-123', name: 'Shoe', quantity: 2, unitPrice: money('40.00'), lineTotal: money('80.00') }],
    total: money('80.00'),
    contactEmail: 'sam@example.com',
    recipientName: 'Sam Taylor',
    shippingAddress: { line1: '1 St', city: 'London', postalCode: 'NW1', country: 'GB' },
    paymentMethodToken: 'pm_card_visa',
  };
}

/** Starts a checkout and takes it to `takingPayment`; returns its id and the reservation. */
async function toPayment(sagas: SagaEngine) {
  const id = randomUUID();
  const request = requested(id);
  await sagas.dispatch(delivery(internalEvents.CheckoutRequested, request, id));
  const reservationId = randomUUID();
  await sagas.dispatch(
    delivery(M.StockReservedMessage, { reservationId, checkoutId: id, customerId: request.customerId, lines: [{ sku: 'PROD-123', quantity: 2 }], expiresAt: new Date().toISOString() }, id),
  );
  const data = (await sagas.instance<CheckoutData>('checkout', id))!.data;
  return { id, reservationId, paymentId: data.paymentId!, request };
}

function paid(id: string, paymentId: string): PaymentSucceeded {
  return { paymentId, checkoutId: id, amount: money('80.00'), method: { type: 'card', brand: 'visa', last4: '4242' }, paymentRef: 'ch_123456' };
}

/** Fires due timeouts until one fires (bounded): the deadline is a few ms away. */
async function fireTimeout(sagas: SagaEngine): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await sagas.fireDueTimeouts()) === 0) {
    if (Date.now() > deadline) throw new Error('no timeout fired within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('checkout saga', () => {
  it('happy path: CheckoutStarted → process.payment → create.order → CheckoutCompleted', async () => {
    const sagas = engine();
    const { id, reservationId, paymentId, request } = await toPayment(sagas);
    await sagas.dispatch(delivery(M.PaymentSucceededMessage, paid(id, paymentId), id));
    const orderCreated = {
      orderId: 100001,
      checkoutId: id,
      customerId: request.customerId,
      cartId: request.cartId,
      reservationId,
      paymentId,
      lines: request.lines,
      total: request.total,
      recipientName: request.recipientName,
      contactEmail: request.contactEmail,
      shippingAddress: request.shippingAddress,
    };
    const [outcome] = await sagas.dispatch(delivery(M.OrderCreatedMessage, orderCreated, id));
    expect(outcome).toMatchObject({ kind: 'transitioned', from: 'creatingOrder', to: 'completed' });

    const rows = await outbox(id);
    expect(rows.map((r) => r.routing_key)).toEqual(['shop.checkout.started', 'process.payment', 'create.order', 'shop.checkout.completed']);
    expect(rows[1]!.payload).toMatchObject({ checkoutId: id, paymentId, amount: money('80.00'), paymentMethodToken: 'pm_card_visa' });
    expect(rows[2]!.payload).toMatchObject({ checkoutId: id, reservationId, paymentId, total: money('80.00') });
    expect(rows[3]!.payload).toMatchObject({ checkoutId: id, orderId: 100001, paymentId });
    expect(await sagas.instance('checkout', id)).toMatchObject({ state: 'completed', timeoutAt: null, data: { orderId: 100001 } });
  });

  it('out of stock: CheckoutFailed at reserve_stock, nothing to compensate', async () => {
    const sagas = engine();
    const id = randomUUID();
    await sagas.dispatch(delivery(internalEvents.CheckoutRequested, requested(id), id));
    await sagas.dispatch(delivery(internalEvents.StockReservationFailed, { checkoutId: id, message: 'not enough PROD-123' }, id));
    const rows = await outbox(id);
    expect(rows.map((r) => r.routing_key)).toEqual(['shop.checkout.started', 'shop.checkout.failed']);
    expect(rows[1]!.payload).toMatchObject({ failedStep: 'reserve_stock', reason: 'out_of_stock', compensations: [], message: 'not enough PROD-123' });
  });

  it('payment declined: release.stock, then CheckoutFailed', async () => {
    const sagas = engine();
    const { id, reservationId, paymentId } = await toPayment(sagas);
    await sagas.dispatch(delivery(M.PaymentFailedMessage, { paymentId, checkoutId: id, amount: money('80.00'), reason: 'card_declined', message: 'Card declined.', retryable: true }, id));
    const rows = (await outbox(id)).slice(2);
    expect(rows.map((r) => r.routing_key)).toEqual(['release.stock', 'shop.checkout.failed']);
    expect(rows[0]!.payload).toEqual({ checkoutId: id, reservationId, reason: 'payment_failed' });
    expect(rows[1]!.payload).toMatchObject({ failedStep: 'payment', reason: 'payment_declined', compensations: ['stock_released'], contactEmail: 'sam@example.com' });
  });

  it('order refused: refund.payment and release.stock, then CheckoutFailed', async () => {
    const sagas = engine();
    const { id, paymentId } = await toPayment(sagas);
    await sagas.dispatch(delivery(M.PaymentSucceededMessage, paid(id, paymentId), id));
    await sagas.dispatch(delivery(M.OrderFailedMessage, { checkoutId: id, reason: 'undeliverable_address', message: 'We do not deliver there.' }, id));
    const rows = (await outbox(id)).slice(3);
    expect(rows.map((r) => r.routing_key)).toEqual(['refund.payment', 'release.stock', 'shop.checkout.failed']);
    expect(rows[0]!.payload).toMatchObject({ paymentId, amount: money('80.00'), reason: 'order_failed' });
    expect(rows[2]!.payload).toMatchObject({ failedStep: 'create_order', reason: 'order_rejected', compensations: ['payment_refunded', 'stock_released'] });
  });

  it('payment step timeout: release.stock and CheckoutFailed; a payment arriving later is refunded', async () => {
    const sagas = engine('50ms');
    const { id, reservationId, paymentId } = await toPayment(sagas);
    await fireTimeout(sagas);
    expect(await sagas.instance('checkout', id)).toMatchObject({ state: 'failed', data: { failure: { step: 'payment', reason: 'timeout' } } });
    await sagas.dispatch(delivery(M.PaymentSucceededMessage, paid(id, paymentId), id));
    const rows = (await outbox(id)).slice(2);
    expect(rows.map((r) => r.routing_key)).toEqual(['release.stock', 'shop.checkout.failed', 'refund.payment']);
    expect(rows[0]!.payload).toEqual({ checkoutId: id, reservationId, reason: 'checkout_timed_out' });
    expect(rows[2]!.payload).toMatchObject({ paymentId, reason: 'checkout_timed_out', amount: money('80.00') });
  });

  it('reservation timeout (the reserve call never answered): releases whatever the checkout holds', async () => {
    const sagas = engine('50ms');
    const id = randomUUID();
    await sagas.dispatch(delivery(internalEvents.CheckoutRequested, requested(id), id));
    await fireTimeout(sagas);
    const rows = (await outbox(id)).slice(1);
    expect(rows.map((r) => r.routing_key)).toEqual(['release.stock', 'shop.checkout.failed']);
    expect(rows[0]!.payload).toEqual({ checkoutId: id, reason: 'checkout_timed_out' });
    expect(rows[1]!.payload).toMatchObject({ failedStep: 'reserve_stock', reason: 'timeout' });
  });

  it('a timeout set before a restart fires in the next process (the deadline is stored)', async () => {
    const before = engine('50ms');
    const { id } = await toPayment(before);
    // A new engine over the same database: what a restarted checkout service has.
    const after = engine('50ms');
    await fireTimeout(after);
    expect(await after.instance('checkout', id)).toMatchObject({ state: 'failed', data: { failure: { reason: 'timeout' } } });
  });

  it('ignores a PaymentSucceeded for another payment id', async () => {
    const sagas = engine();
    const { id } = await toPayment(sagas);
    await sagas.dispatch(delivery(M.PaymentSucceededMessage, paid(id, randomUUID()), id));
    expect(await sagas.instance('checkout', id)).toMatchObject({ state: 'takingPayment' });
  });
});

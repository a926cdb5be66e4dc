/**
 * The shop's services in this process on the in-memory transport: idempotency of each command
 * handler, reservations (idempotent, short, expiring), cart rules, and a whole checkout. (Across
 * real processes and RabbitMQ: test/e2e/shop.test.ts and crash-recovery.test.ts.)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as checkoutClient from '../../../../generated/clients/shop/checkout.js';
import { call, startInMemory, type InMemoryServices } from '../support/in-memory.js';

const SHOP = ['shop/product', 'shop/inventory', 'shop/cart', 'shop/order', 'shop/payment', 'shop/checkout'];
let shop: InMemoryServices;
let url: (id: string) => string;

// Reservations here outlive any test, however slow the machine; expiry has its own shop below.
beforeAll(async () => {
  shop = await startInMemory(SHOP, { 'shop/inventory': { RESERVATION_TTL: '10m' } });
  url = (id) => shop.urls[id]!;
}, 120_000);
afterAll(async () => {
  await shop?.stop();
});

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function product(price = '10.00', onHand = 10, currency = 'GBP', urls: Record<string, string> = shop.urls): Promise<string> {
  const sku = `U-${randomBytes(3).toString('hex').toUpperCase()}`;
  expect((await call('POST', `${urls['shop/product']}/api/products`, { sku, name: sku, category: 'test', price: { amount: price, currency } })).status).toBe(201);
  expect((await call('PUT', `${urls['shop/inventory']}/api/inventory/${sku}`, { onHand })).status).toBe(200);
  return sku;
}

const money = (amount: string) => ({ amount, currency: 'GBP' });

describe('inventory', () => {
  it('reserves once per checkout: a repeated call answers the same reservation', async () => {
    const sku = await product('1.00', 5);
    const request = { checkoutId: randomUUID(), customerId: randomUUID(), lines: [{ sku, quantity: 2 }, { sku, quantity: 1 }] };
    const first = await call('POST', `${url('shop/inventory')}/api/inventory/reserve`, request);
    const again = await call('POST', `${url('shop/inventory')}/api/inventory/reserve`, request);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'reserved', lines: [{ sku, quantity: 3 }] });
    expect(again).toMatchObject({ status: 200, body: { reservationId: first.body.reservationId } });
    expect((await call('GET', `${url('shop/inventory')}/api/inventory/${sku}`)).body).toMatchObject({ onHand: 5, reserved: 3, available: 2 });
  });

  it('answers 409 with every shortage and reserves nothing', async () => {
    const plenty = await product('1.00', 5);
    const scarce = await product('1.00', 1);
    const short = await call('POST', `${url('shop/inventory')}/api/inventory/reserve`, {
      checkoutId: randomUUID(),
      customerId: randomUUID(),
      lines: [{ sku: plenty, quantity: 2 }, { sku: scarce, quantity: 2 }, { sku: 'NO-SUCH-SKU', quantity: 1 }],
    });
    expect(short.status).toBe(409);
    expect(short.body.shortages).toEqual([
      { sku: 'NO-SUCH-SKU', requested: 1, available: 0 },
      { sku: scarce, requested: 2, available: 1 },
    ]);
    expect((await call('GET', `${url('shop/inventory')}/api/inventory/${plenty}`)).body.reserved).toBe(0);
  });

  it('refuses to set stock below what is reserved', async () => {
    const sku = await product('1.00', 3);
    await call('POST', `${url('shop/inventory')}/api/inventory/reserve`, { checkoutId: randomUUID(), customerId: randomUUID(), lines: [{ sku, quantity: 3 }] });
    expect((await call('PUT', `${url('shop/inventory')}/api/inventory/${sku}`, { onHand: 2 })).status).toBe(409);
  });
});

describe('inventory with a short reservation TTL', () => {
  let expiring: InMemoryServices;
  beforeAll(async () => {
    expiring = await startInMemory(['shop/product', 'shop/inventory'], { 'shop/inventory': { RESERVATION_TTL: '300ms', EXPIRY_SWEEP_MS: '100' } });
  }, 120_000);
  afterAll(async () => {
    await expiring?.stop();
  });

  it('gives unconfirmed reservations back when they expire', async () => {
    const sku = await product('1.00', 4, 'GBP', expiring.urls);
    const checkoutId = randomUUID();
    await call('POST', `${expiring.urls['shop/inventory']!}/api/inventory/reserve`, { checkoutId, customerId: randomUUID(), lines: [{ sku, quantity: 4 }] });
    const released = await until(
      () => call('GET', `${expiring.urls['shop/inventory']!}/api/inventory/reservations?checkoutId=${checkoutId}`).then((r) => r.body[0]),
      (r) => r.status === 'released',
      'the reservation to expire',
    );
    expect(released.releaseReason).toBe('reservation_expired');
    expect((await call('GET', `${expiring.urls['shop/inventory']!}/api/inventory/${sku}`)).body).toMatchObject({ reserved: 0, available: 4 });
    await expiring.waitFor('analytics-service-queue', 'shop.StockReleased', (e) => e.payload.checkoutId === checkoutId);
  });
});

describe('cart', () => {
  it('prices lines from the product service and refuses unknown or foreign-currency products', async () => {
    const sku = await product('2.50');
    const euro = await product('3.00', 10, 'EUR');
    const cart = await call('POST', `${url('shop/cart')}/api/carts`, { customerId: randomUUID() });
    const line = await call('PUT', `${url('shop/cart')}/api/carts/${cart.body.id}/lines/${sku}`, { quantity: 3 });
    expect(line.body).toMatchObject({ lines: [{ sku, quantity: 3, unitPrice: money('2.50'), lineTotal: money('7.50') }], subtotal: money('7.50') });
    expect((await call('PUT', `${url('shop/cart')}/api/carts/${cart.body.id}/lines/NOPE-1`, { quantity: 1 })).status).toBe(422);
    expect((await call('PUT', `${url('shop/cart')}/api/carts/${cart.body.id}/lines/${euro}`, { quantity: 1 })).status).toBe(409);
  });
});

describe('command handlers are idempotent', () => {
  it('process.payment delivered twice charges once; refund.payment arriving first is retried until the payment exists', async () => {
    const bus = shop.services.get('shop/checkout')!.bus;
    const checkoutId = randomUUID();
    const paymentId = randomUUID();
    const command = { checkoutId, paymentId, customerId: randomUUID(), amount: money('9.99'), paymentMethodToken: 'pm_card_mastercard' };
    // The refund overtakes the payment: the handler fails, the retry ladder brings it back.
    await bus.publish(checkoutClient.sendRefundPaymentSend, { checkoutId, paymentId, refundId: randomUUID(), amount: money('9.99'), reason: 'order_failed' }, { subject: checkoutId });
    const messageId = randomUUID();
    await bus.publish(checkoutClient.sendProcessPaymentSend, command, { messageId, subject: checkoutId });
    await bus.publish(checkoutClient.sendProcessPaymentSend, command, { messageId: randomUUID(), subject: checkoutId });
    const money9 = await until(
      () => call('GET', `${url('shop/payment')}/api/payments?checkoutId=${checkoutId}`).then((r) => r.body),
      (b) => b.refunds.length === 1,
      'the refund after the retry',
    );
    expect(money9.payments).toMatchObject([{ paymentId, status: 'succeeded', method: { brand: 'mastercard' } }]);
    expect(money9.refunds).toMatchObject([{ paymentId, amount: money('9.99'), reason: 'order_failed' }]);
    expect(shop.enqueued.filter((e) => e.type === 'shop.PaymentSucceeded' && e.payload.paymentId === paymentId && e.queue === 'checkout-service-queue')).toHaveLength(1);
  }, 30_000);

  it('create.order delivered twice (different message ids, same checkout) makes one order', async () => {
    const bus = shop.services.get('shop/checkout')!.bus;
    const checkoutId = randomUUID();
    const command = {
      checkoutId,
      customerId: randomUUID(),
      cartId: randomUUID(),
      reservationId: randomUUID(),
      paymentId: randomUUID(),
      lines: [{ sku: 'PROD-1', name: 'P', quantity: 1, unitPrice: money('5.00'), lineTotal: money('5.00') }],
      total: money('5.00'),
      recipientName: 'Sam',
      contactEmail: 'sam@example.com',
      shippingAddress: { line1: '1 St', city: 'Dublin', postalCode: 'D01', country: 'IE' },
    };
    await bus.publish(checkoutClient.sendCreateOrderSend, command, { subject: checkoutId });
    await bus.publish(checkoutClient.sendCreateOrderSend, command, { subject: checkoutId });
    await shop.waitFor('checkout-service-queue', 'shop.OrderCreated', (e) => e.payload.checkoutId === checkoutId);
    // Both commands are handled in order (same subject): once the second is acknowledged, nothing more comes.
    await until(
      async () => (await fetch(`${url('shop/order')}/metrics`).then((r) => r.text())).match(/eventplane_handled_total\{[^}]*type="shop.CreateOrder"[^}]*\} (\d+)/)?.[1],
      (n) => Number(n) >= 2,
      'both commands handled',
    );
    expect((await call('GET', `${url('shop/order')}/api/orders?checkoutId=${checkoutId}`)).body.orders).toHaveLength(1);
    expect(shop.enqueued.filter((e) => e.queue === 'checkout-service-queue' && e.type === 'shop.OrderCreated' && e.payload.checkoutId === checkoutId)).toHaveLength(1);
  });
});

describe('checkout on the in-memory transport', () => {
  it('completes a checkout end to end in one process', async () => {
    const sku = await product('19.99', 3);
    const cart = await call('POST', `${url('shop/cart')}/api/carts`, { customerId: randomUUID() });
    await call('PUT', `${url('shop/cart')}/api/carts/${cart.body.id}/lines/${sku}`, { quantity: 2 });
    const request = {
      cartId: cart.body.id,
      paymentMethodToken: 'pm_paypal',
      contactEmail: 'sam@example.com',
      recipientName: 'Sam',
      shippingAddress: { line1: '1 St', city: 'London', postalCode: 'NW1', country: 'GB' },
    };
    const started = await call('POST', `${url('shop/checkout')}/api/checkout`, request);
    expect(started.status).toBe(202);
    const done = await until(
      () => call('GET', `${url('shop/checkout')}/api/checkout/${started.body.checkoutId}`).then((r) => r.body),
      (c) => c.status === 'completed' || c.status === 'failed',
      'the checkout to finish',
    );
    expect(done).toMatchObject({ status: 'completed', total: money('39.98') });
    await until(() => call('GET', `${url('shop/cart')}/api/carts/${cart.body.id}`).then((r) => r.body), (c) => c.status === 'ordered', 'the cart to be cleared');
    // Repeating the request with its checkout id answers the same checkout; nothing starts again.
    const again = await call('POST', `${url('shop/checkout')}/api/checkout`, { ...request, checkoutId: started.body.checkoutId });
    expect(again).toMatchObject({ status: 202, body: { checkoutId: started.body.checkoutId, status: 'completed' } });
  });
});

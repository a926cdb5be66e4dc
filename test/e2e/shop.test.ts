/**
 * shop end to end: product, inventory, cart, order, payment and the checkout saga as real
 * processes on the test RabbitMQ node, with the email and analytics consumers, sharing one PostgreSQL database (a schema each, as
 * DATABASE_URL deployments do). Every outcome is read back from the services' HTTP APIs.
 */
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startE2eStack, type E2eStack } from './support/e2e.js';
import { shopClient } from './support/shop.js';

const SHOP = ['shop/product', 'shop/inventory', 'shop/cart', 'shop/order', 'shop/payment', 'shop/checkout', 'shop/email', 'shop/analytics'];

let e2e: E2eStack;
let shop: ReturnType<typeof shopClient>;

beforeAll(async () => {
  e2e = await startE2eStack({ label: 'shop', services: SHOP, database: 'postgres' });
  shop = shopClient(e2e);
});

afterAll(async () => {
  await e2e?.dispose();
});

describe('checkout saga', () => {
  it('happy path: stock reserved, payment taken, order created, stock confirmed, cart cleared', async () => {
    const shoe = await shop.product('79.99', 10);
    const mug = await shop.product('12.50', 5);
    const cartId = await shop.cart({ [shoe]: 1, [mug]: 2 });

    const started = await shop.checkout(cartId);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'takingPayment', total: { amount: '104.99', currency: 'GBP' } });
    const checkoutId = started.body.checkoutId as string;

    const done = await shop.finished(checkoutId);
    expect(done).toMatchObject({ status: 'completed', total: { amount: '104.99', currency: 'GBP' } });
    expect(done.orderId).toBeGreaterThan(100000);

    const { orders } = await shop.orders(checkoutId);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ orderId: done.orderId, status: 'paid', total: { amount: '104.99', currency: 'GBP' }, paymentId: done.paymentId });
    const { payments } = await shop.payments(checkoutId);
    expect(payments).toMatchObject([{ paymentId: done.paymentId, status: 'succeeded', amount: { amount: '104.99', currency: 'GBP' }, method: { brand: 'visa', last4: '4242' } }]);

    // Inventory and cart react to OrderCreated on their own (StockConfirmed, CartCleared).
    await eventually(() => shop.reservation(checkoutId), (r) => r?.status === 'confirmed', { what: 'the reservation to be confirmed' });
    expect(await shop.stock(shoe)).toMatchObject({ onHand: 9, reserved: 0, available: 9 });
    expect(await shop.stock(mug)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    const cart = await eventually(() => shop.getCart(cartId), (c) => c.status === 'ordered', { what: 'the cart to be cleared' });
    expect(cart).toMatchObject({ lines: [], orderId: done.orderId });
  });

  it('payment declined: the stock is released and the checkout fails; no order', async () => {
    const sku = await shop.product('20.00', 4);
    const cartId = await shop.cart({ [sku]: 3 });
    const started = await shop.checkout(cartId, 'pm_card_chargeDeclinedInsufficientFunds');
    const checkoutId = started.body.checkoutId as string;

    const done = await shop.finished(checkoutId);
    expect(done).toMatchObject({ status: 'failed', failure: { step: 'payment', reason: 'payment_declined', compensations: ['stock_released'] } });
    expect(done.failure.message).toContain('insufficient funds');
    await eventually(() => shop.reservation(checkoutId), (r) => r?.status === 'released', { what: 'the reservation to be released' });
    expect(await shop.reservation(checkoutId)).toMatchObject({ releaseReason: 'payment_failed' });
    expect(await shop.stock(sku)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
    expect((await shop.orders(checkoutId)).orders).toEqual([]);
    expect((await shop.payments(checkoutId)).payments).toMatchObject([{ status: 'failed', failure: { reason: 'insufficient_funds' } }]);
    // The customer keeps the cart and can try another card.
    expect(await shop.getCart(cartId)).toMatchObject({ status: 'open', lines: [{ sku, quantity: 3 }] });
  });

  it('out of stock: the checkout fails at the reservation, before any payment', async () => {
    const sku = await shop.product('5.00', 1);
    const cartId = await shop.cart({ [sku]: 2 });
    const started = await shop.checkout(cartId);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: 'failed', failure: { step: 'reserve_stock', reason: 'out_of_stock', compensations: [] } });
    expect((await shop.payments(started.body.checkoutId)).payments).toEqual([]);
    expect(await shop.stock(sku)).toMatchObject({ onHand: 1, reserved: 0 });
  });

  it('order refused (no delivery to the address): the payment is refunded and the stock released', async () => {
    const sku = await shop.product('30.00', 2);
    const cartId = await shop.cart({ [sku]: 1 });
    const started = await shop.checkout(cartId, 'pm_card_mastercard', { shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' } });
    const checkoutId = started.body.checkoutId as string;

    const done = await shop.finished(checkoutId);
    expect(done).toMatchObject({ status: 'failed', failure: { step: 'create_order', reason: 'order_rejected', compensations: ['payment_refunded', 'stock_released'] } });
    const money = await eventually(() => shop.payments(checkoutId), (p) => p.refunds.length === 1, { what: 'the refund' });
    expect(money.refunds[0]).toMatchObject({ reason: 'order_failed', amount: { amount: '30.00', currency: 'GBP' } });
    await eventually(() => shop.reservation(checkoutId), (r) => r?.status === 'released', { what: 'the reservation to be released' });
    expect((await shop.orders(checkoutId)).rejections).toMatchObject([{ reason: 'undeliverable_address' }]);
  });

  it('repeating POST /api/checkout with the same checkoutId starts one checkout', async () => {
    const sku = await shop.product('10.00', 5);
    const cartId = await shop.cart({ [sku]: 1 });
    const first = await shop.checkout(cartId);
    const again = await shop.checkout(cartId, 'pm_card_visa', { checkoutId: first.body.checkoutId });
    expect(again.body.checkoutId).toBe(first.body.checkoutId);
    await shop.finished(first.body.checkoutId);
    expect((await shop.payments(first.body.checkoutId)).payments).toHaveLength(1);
    expect(await shop.stock(sku)).toMatchObject({ onHand: 4 });
  });
});

describe('catalog changes reach open carts', () => {
  it('a price change reprices the open carts holding the product', async () => {
    const sku = await shop.product('99.99', 10);
    const cartId = await shop.cart({ [sku]: 2 });
    expect(await shop.getCart(cartId)).toMatchObject({ subtotal: { amount: '199.98', currency: 'GBP' } });

    const changed = await http('PUT', `${e2e.url('shop/product')}/api/products/sku/${sku}/price`, { price: { amount: '79.99', currency: 'GBP' }, reason: 'promotion' });
    expect(changed.status).toBe(200);

    const cart = await eventually(() => shop.getCart(cartId), (c) => c.subtotal.amount === '159.98', { what: 'the cart to be repriced' });
    expect(cart.lines).toEqual([{ sku, name: `Product ${sku}`, quantity: 2, unitPrice: { amount: '79.99', currency: 'GBP' }, lineTotal: { amount: '159.98', currency: 'GBP' } }]);
  });

  it('a deactivated product leaves open carts', async () => {
    const keep = await shop.product('1.00', 10);
    const drop = await shop.product('2.00', 10);
    const cartId = await shop.cart({ [keep]: 1, [drop]: 1 });
    await http('POST', `${e2e.url('shop/product')}/api/products/sku/${drop}/deactivate`, { reason: 'recalled' });
    const cart = await eventually(() => shop.getCart(cartId), (c) => c.lines.length === 1, { what: 'the product to leave the cart' });
    expect(cart.lines[0].sku).toBe(keep);
  });
});

describe('email and analytics', () => {
  /** A completed checkout whose order was then shipped; returns the order id. */
  async function shippedOrder(): Promise<{ orderId: number; checkoutId: string }> {
    const sku = await shop.product('40.00', 5);
    const started = await shop.checkout(await shop.cart({ [sku]: 1 }));
    const done = await shop.finished(started.body.checkoutId);
    expect(done.status).toBe('completed');
    const shipped = await http('POST', `${e2e.url('shop/order')}/api/orders/${done.orderId}/ship`, { carrier: 'royal_mail', trackingNumber: 'RM123456789GB' });
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    return { orderId: done.orderId, checkoutId: done.checkoutId };
  }

  const emailsOf = (orderId: number) => http('GET', `${e2e.url('shop/email')}/api/emails?orderId=${orderId}`);

  it('emails the order confirmation and the shipping notice once each; the dashboard counts the sale', async () => {
    const { orderId } = await shippedOrder();
    const emails = await eventually(() => emailsOf(orderId), (r) => r.body.length === 2, { what: 'two emails for the order' });
    expect(emails.body.map((e: { template: string }) => e.template).sort()).toEqual(['order-confirmation', 'shipping-notice']);
    expect(emails.body.find((e: { template: string }) => e.template === 'shipping-notice')).toMatchObject({ status: 'sent', to: 'sam.taylor@example.com', body: expect.stringContaining('Royal Mail, tracking number RM123456789GB') });

    const dashboard = await eventually(
      () => http('GET', `${e2e.url('shop/analytics')}/api/analytics/dashboard`),
      (r) => r.body.funnel.completed >= 1 && r.body.revenue.some((m: { currency: string }) => m.currency === 'GBP'),
      { what: 'the sale on the dashboard' },
    );
    expect(dashboard.body.funnel.started).toBeGreaterThanOrEqual(dashboard.body.funnel.completed);
    expect(Number(dashboard.body.revenue.find((m: { currency: string }) => m.currency === 'GBP').paid)).toBeGreaterThanOrEqual(40);
    expect(dashboard.body.stock.confirmed).toBeGreaterThanOrEqual(1);
  });

  it('dead-letters an invalid and a 5 MB message at shop/email with the reason, and goes on emailing', async () => {
    // Published as shop-order, the contract's sender of OrderShipped, which only shop/email consumes.
    const connection = await amqp.connect(e2e.serviceAmqpUrl('shop/order'));
    const admin = await amqp.connect(e2e.adminAmqpUrl('shop'));
    try {
      const channel = await connection.createConfirmChannel();
      const userId = new URL(e2e.serviceAmqpUrl('shop/order')).username;
      const publish = (body: Buffer, name: string) =>
        new Promise<void>((resolve, reject) =>
          channel.publish(
            'shop.events',
            'shop.order.shipped',
            body,
            { messageId: randomUUID(), type: 'shop.OrderShipped', contentType: 'application/json', persistent: true, userId: decodeURIComponent(userId), headers: { 'ce-specversion': '1.0', 'x-case': name } },
            (error) => (error ? reject(error) : resolve()),
          ),
        );
      await publish(Buffer.from(JSON.stringify({ orderId: 'not-a-number', carrier: 'pigeon' })), 'invalid');
      await publish(Buffer.alloc(5 * 1024 * 1024, 0x41), 'five-megabytes');

      // The consumer keeps going: a real order after them gets both its emails.
      const { orderId } = await shippedOrder();
      await eventually(() => emailsOf(orderId), (r) => r.body.length === 2, { what: 'the emails of the next order' });

      const reader = await admin.createChannel();
      const letters = new Map<string, string>();
      await eventually(
        async () => {
          for (;;) {
            const message = await reader.get('email-service-queue.dlq', { noAck: true });
            if (!message) break;
            const headers = message.properties.headers ?? {};
            letters.set(String(headers['x-case']), String(headers['x-ep-reason']));
          }
          return letters.size;
        },
        (size) => size >= 2,
        { what: 'two dead letters in email-service-queue.dlq' },
      );
      expect(Object.fromEntries(letters)).toEqual({ invalid: 'invalid-payload', 'five-megabytes': 'too-large' });
    } finally {
      await connection.close();
      await admin.close();
    }
  });
});

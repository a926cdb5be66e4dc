/**
 * shop/email on the in-memory transport: it starts and is ready, and each message it
 * receives (the contract's example, sent by a stand-in for its sender) is handled — neither
 * retried nor dead-lettered. Written by `eventplane scaffold`: add the assertions on what each
 * handler does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cartClient from '../../../../generated/clients/shop/cart.js';
import * as checkoutClient from '../../../../generated/clients/shop/checkout.js';
import * as orderClient from '../../../../generated/clients/shop/order.js';
import * as paymentClient from '../../../../generated/clients/shop/payment.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { email } from '../../../../services/shop/email/service.js';

type Bus = RunningService['bus'];

const deliveries = [
  { operation: 'onCartExpired', type: 'shop.CartExpired', sender: 'shop/cart', publish: (bus: Bus) => bus.publish(cartClient.publishCartExpiredSend, {"cartId":"1e7b3d9f-5c2a-4e8b-a4d6-9f3c1e7b5a02","customerId":"c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83","contactEmail":"sam.taylor@example.com","lines":[{"sku":"PROD-123","name":"Trail running shoe","quantity":1,"unitPrice":{"amount":"79.99","currency":"GBP"},"lineTotal":{"amount":"79.99","currency":"GBP"}}],"subtotal":{"amount":"79.99","currency":"GBP"},"lastActivityAt":"2026-01-07T18:42:10Z"}) },
  { operation: 'onCheckoutFailed', type: 'shop.CheckoutFailed', sender: 'shop/checkout', publish: (bus: Bus) => bus.publish(checkoutClient.publishCheckoutFailedSend, {"checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90","customerId":"c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83","contactEmail":"sam.taylor@example.com","failedStep":"payment","reason":"payment_declined","message":"Card declined: insufficient funds","compensations":["stock_released"]}) },
  { operation: 'onOrderCreated', type: 'shop.OrderCreated', sender: 'shop/order', publish: (bus: Bus) => bus.publish(orderClient.publishOrderCreatedSend, {"orderId":100234,"checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90","customerId":"c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83","cartId":"8a1d4f2c-6b3e-4c7a-9e5d-2f1b8c4a7d60","reservationId":"5b9e1c7a-3f2d-4b8e-a6c4-7e1d9f3b5a20","paymentId":"e4a7c2b9-8d1f-4e3a-b5c6-3a9f7e2d1b48","lines":[{"sku":"PROD-123","name":"Trail running shoe","quantity":1,"unitPrice":{"amount":"79.99","currency":"GBP"},"lineTotal":{"amount":"79.99","currency":"GBP"}},{"sku":"MUG-ECO-01","name":"Enamel camp mug","quantity":2,"unitPrice":{"amount":"12.50","currency":"GBP"},"lineTotal":{"amount":"25.00","currency":"GBP"}}],"total":{"amount":"104.99","currency":"GBP"},"recipientName":"Sam Taylor","contactEmail":"sam.taylor@example.com","shippingAddress":{"line1":"221B Baker Street","city":"London","postalCode":"NW1 6XE","country":"GB"}}) },
  { operation: 'onOrderShipped', type: 'shop.OrderShipped', sender: 'shop/order', publish: (bus: Bus) => bus.publish(orderClient.publishOrderShippedSend, {"orderId":100234,"customerId":"c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83","contactEmail":"sam.taylor@example.com","carrier":"royal_mail","trackingNumber":"RM123456785GB","trackingUrl":"https://www.royalmail.com/track-your-item#/tracking-results/RM123456785GB","estimatedDelivery":"2026-01-16"}) },
  { operation: 'onRefundProcessed', type: 'shop.RefundProcessed', sender: 'shop/payment', publish: (bus: Bus) => bus.publish(paymentClient.publishRefundProcessedSend, {"refundId":"2d6f9b3e-5a8c-4f1d-9b7e-6c3a1f8e4d27","paymentId":"e4a7c2b9-8d1f-4e3a-b5c6-3a9f7e2d1b48","checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90","amount":{"amount":"104.99","currency":"GBP"},"reason":"order_failed","refundRef":"re_3QxR9c2eZvKYlo2C0aTq1mLb","paymentRef":"ch_3QxR8a2eZvKYlo2C1kPz0dTe"}) },
];

const senders = {
  'shop/cart': defineService({ service: cartClient.cartService, sends: sendsOf(cartClient), setup: () => {} }),
  'shop/checkout': defineService({ service: checkoutClient.checkoutService, sends: sendsOf(checkoutClient), setup: () => {} }),
  'shop/order': defineService({ service: orderClient.orderService, sends: sendsOf(orderClient), setup: () => {} }),
  'shop/payment': defineService({ service: paymentClient.paymentService, sends: sendsOf(paymentClient), setup: () => {} }),
};

const transport = memoryTransport(JSON.parse(readFileSync('generated/topology.json', 'utf8')));
const env = { PORT: '0', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent' };
let store: DurableStore;
let service: RunningService;
const started = new Map<string, RunningService>();

beforeAll(async () => {
  // One in-memory PGlite for the service and the stand-ins (each in its own schema).
  store = await openStore({ migrate: false });
  const options = { env, transport, sharedStore: store, processMetrics: false };
  service = await startService(email, options);
  for (const [id, definition] of Object.entries(senders)) started.set(id, await startService(definition, options));
}, 180_000);

afterAll(async () => {
  for (const running of started.values()) await running.close();
  await service?.close();
  await store?.close();
  transport.close();
});

/** The service's counter `name` for messages of `type` (its /metrics). */
async function counter(name: string, type: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) && line.includes(`type="${type}"`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

describe('shop/email', () => {
  it('is ready', async () => {
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });

  it.each(deliveries)('handles $type ($operation)', async ({ type, sender, publish }) => {
    await publish(started.get(sender)!.bus);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const failed = (await counter('eventplane_retried_total', type)) + (await counter('eventplane_dead_lettered_total', type));
      expect(failed, `${type} was retried or dead-lettered: see the handler's error in the log (TEST_LOG_LEVEL=info)`).toBe(0);
      if ((await counter('eventplane_handled_total', type)) >= 1) break;
      if (Date.now() > deadline) throw new Error(`${type} was not handled within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it('records each email once, readable over REST', async () => {
    const emails = (await (await fetch(`${service.url}/api/emails`)).json()) as Array<{ template: string; status: string }>;
    expect(emails.map((e) => e.template).sort()).toEqual(['cart-reminder', 'checkout-failed', 'order-confirmation', 'refund-confirmation', 'shipping-notice']);
    expect(emails.find((e) => e.template === 'order-confirmation')).toMatchObject({ status: 'sent', subject: expect.stringContaining('is confirmed') });
  });
});

/**
 * shop/analytics on the in-memory transport: it starts and is ready, and each message it
 * receives (the contract's example, sent by a stand-in for its sender) is handled — neither
 * retried nor dead-lettered. Written by `eventplane scaffold`: add the assertions on what each
 * handler does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as cartClient from '../../../../generated/clients/shop/cart.js';
import * as checkoutClient from '../../../../generated/clients/shop/checkout.js';
import * as inventoryClient from '../../../../generated/clients/shop/inventory.js';
import * as orderClient from '../../../../generated/clients/shop/order.js';
import * as productClient from '../../../../generated/clients/shop/product.js';
import * as paymentClient from '../../../../generated/clients/shop/payment.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { analytics } from '../../../../services/shop/analytics/service.js';

type Bus = RunningService['bus'];

const deliveries = [
  { operation: 'onCartCleared', type: 'shop.CartCleared', sender: 'shop/cart', publish: (bus: Bus) => bus.publish(cartClient.publishCartClearedSend, {"cartId":"8a1d4f2c-6b3e-4c7a-9e5d-2f1b8c4a7d60","customerId":"c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83","reason":"checkout_completed","orderId":100234,"checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90"}) },
  { operation: 'onCartExpired', type: 'shop.CartExpired', sender: 'shop/cart', publish: (bus: Bus) => bus.publish(cartClient.publishCartExpiredSend, {"cartId":"1e7b3d9f-5c2a-4e8b-a4d6-9f3c1e7b5a02","customerId":"c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83","contactEmail":"sam.taylor@example.com","lines":[{"sku":"PROD-123","name":"Trail running shoe","quantity":1,"unitPrice":{"amount":"79.99","currency":"GBP"},"lineTotal":{"amount":"79.99","currency":"GBP"}}],"subtotal":{"amount":"79.99","currency":"GBP"},"lastActivityAt":"2026-01-07T18:42:10Z"}) },
  { operation: 'onCheckoutCompleted', type: 'shop.CheckoutCompleted', sender: 'shop/checkout', publish: (bus: Bus) => bus.publish(checkoutClient.publishCheckoutCompletedSend, {"checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90","customerId":"c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83","orderId":100234,"paymentId":"e4a7c2b9-8d1f-4e3a-b5c6-3a9f7e2d1b48","total":{"amount":"104.99","currency":"GBP"},"durationMs":1840}) },
  { operation: 'onCheckoutFailed', type: 'shop.CheckoutFailed', sender: 'shop/checkout', publish: (bus: Bus) => bus.publish(checkoutClient.publishCheckoutFailedSend, {"checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90","customerId":"c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83","contactEmail":"sam.taylor@example.com","failedStep":"payment","reason":"payment_declined","message":"Card declined: insufficient funds","compensations":["stock_released"]}) },
  { operation: 'onCheckoutStarted', type: 'shop.CheckoutStarted', sender: 'shop/checkout', publish: (bus: Bus) => bus.publish(checkoutClient.publishCheckoutStartedSend, {"checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90","cartId":"8a1d4f2c-6b3e-4c7a-9e5d-2f1b8c4a7d60","customerId":"c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83","lines":[{"sku":"PROD-123","name":"Trail running shoe","quantity":1,"unitPrice":{"amount":"79.99","currency":"GBP"},"lineTotal":{"amount":"79.99","currency":"GBP"}},{"sku":"MUG-ECO-01","name":"Enamel camp mug","quantity":2,"unitPrice":{"amount":"12.50","currency":"GBP"},"lineTotal":{"amount":"25.00","currency":"GBP"}}],"total":{"amount":"104.99","currency":"GBP"}}) },
  { operation: 'onLowStockAlert', type: 'shop.LowStockAlert', sender: 'shop/inventory', publish: (bus: Bus) => bus.publish(inventoryClient.publishLowStockAlertSend, {"sku":"PROD-123","warehouseId":"LON-1","currentQuantity":3,"threshold":5,"reorderQuantity":50}) },
  { operation: 'onOrderPaid', type: 'shop.OrderPaid', sender: 'shop/order', publish: (bus: Bus) => bus.publish(orderClient.publishOrderPaidSend, {"orderId":100234,"checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90","paymentId":"e4a7c2b9-8d1f-4e3a-b5c6-3a9f7e2d1b48","amount":{"amount":"104.99","currency":"GBP"}}) },
  { operation: 'onProductCreated', type: 'shop.ProductCreated', sender: 'shop/product', publish: (bus: Bus) => bus.publish(productClient.publishProductCreatedSend, {"sku":"PROD-123","name":"Trail running shoe","description":"Lightweight trail shoe with a 6 mm drop.","category":"footwear/running","price":{"amount":"99.99","currency":"GBP"},"attributes":{"colour":"black","size":"42","material":"mesh"},"images":["https://cdn.shop.example.com/p/PROD-123/main.jpg"]}) },
  { operation: 'onProductDeactivated', type: 'shop.ProductDeactivated', sender: 'shop/product', publish: (bus: Bus) => bus.publish(productClient.publishProductDeactivatedSend, {"sku":"PROD-123","reason":"replaced","replacementSku":"PROD-124"}) },
  { operation: 'onProductPriceChanged', type: 'shop.ProductPriceChanged', sender: 'shop/product', publish: (bus: Bus) => bus.publish(productClient.publishProductPriceChangedSend, {"sku":"PROD-123","oldPrice":{"amount":"99.99","currency":"GBP"},"newPrice":{"amount":"79.99","currency":"GBP"},"reason":"promotion"}) },
  { operation: 'onProductUpdated', type: 'shop.ProductUpdated', sender: 'shop/product', publish: (bus: Bus) => bus.publish(productClient.publishProductUpdatedSend, {"sku":"PROD-123","name":"Trail running shoe (2026)","category":"footwear/running","price":{"amount":"99.99","currency":"GBP"},"changedFields":["name"]}) },
  { operation: 'onRefundProcessed', type: 'shop.RefundProcessed', sender: 'shop/payment', publish: (bus: Bus) => bus.publish(paymentClient.publishRefundProcessedSend, {"refundId":"2d6f9b3e-5a8c-4f1d-9b7e-6c3a1f8e4d27","paymentId":"e4a7c2b9-8d1f-4e3a-b5c6-3a9f7e2d1b48","checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90","amount":{"amount":"104.99","currency":"GBP"},"reason":"order_failed","refundRef":"re_3QxR9c2eZvKYlo2C0aTq1mLb","paymentRef":"ch_3QxR8a2eZvKYlo2C1kPz0dTe"}) },
  { operation: 'onStockConfirmed', type: 'shop.StockConfirmed', sender: 'shop/inventory', publish: (bus: Bus) => bus.publish(inventoryClient.publishStockConfirmedSend, {"reservationId":"5b9e1c7a-3f2d-4b8e-a6c4-7e1d9f3b5a20","checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90","orderId":100234,"lines":[{"sku":"PROD-123","quantity":1},{"sku":"MUG-ECO-01","quantity":2}]}) },
  { operation: 'onStockReleased', type: 'shop.StockReleased', sender: 'shop/inventory', publish: (bus: Bus) => bus.publish(inventoryClient.publishStockReleasedSend, {"reservationId":"5b9e1c7a-3f2d-4b8e-a6c4-7e1d9f3b5a20","checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90","lines":[{"sku":"PROD-123","quantity":1},{"sku":"MUG-ECO-01","quantity":2}],"reason":"payment_failed"}) },
  { operation: 'onStockReserved', type: 'shop.StockReserved', sender: 'shop/inventory', publish: (bus: Bus) => bus.publish(inventoryClient.publishStockReservedSend, {"reservationId":"5b9e1c7a-3f2d-4b8e-a6c4-7e1d9f3b5a20","checkoutId":"3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90","customerId":"c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83","warehouseId":"LON-1","lines":[{"sku":"PROD-123","quantity":1},{"sku":"MUG-ECO-01","quantity":2}],"expiresAt":"2026-01-14T16:15:00Z"}) },
];

const senders = {
  'shop/cart': defineService({ service: cartClient.cartService, sends: sendsOf(cartClient), setup: () => {} }),
  'shop/checkout': defineService({ service: checkoutClient.checkoutService, sends: sendsOf(checkoutClient), setup: () => {} }),
  'shop/inventory': defineService({ service: inventoryClient.inventoryService, sends: sendsOf(inventoryClient), setup: () => {} }),
  'shop/order': defineService({ service: orderClient.orderService, sends: sendsOf(orderClient), setup: () => {} }),
  'shop/product': defineService({ service: productClient.productService, sends: sendsOf(productClient), setup: () => {} }),
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
  service = await startService(analytics, options);
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

describe('shop/analytics', () => {
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

  it('serves the dashboard and price history of what it recorded', async () => {
    const dashboard = (await (await fetch(`${service.url}/api/analytics/dashboard`)).json()) as any;
    expect(dashboard.funnel).toMatchObject({ started: 1, completed: 1, failed: 1 });
    expect(dashboard.revenue).toHaveLength(1);
    expect(dashboard.stock).toMatchObject({ reserved: 1, released: 1, confirmed: 1, reservationToSaleRate: 0.5 });
    expect(dashboard.lowStock).toHaveLength(1);
    expect(dashboard.catalog.priceChanges).toBe(1);
  });
});

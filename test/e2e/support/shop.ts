/** Shop scenarios over the services' HTTP APIs: catalog, stock, carts and checkouts. */
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { eventually, http, type E2eStack } from './e2e.js';

export const SHIPPING = { line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' };

export function shopClient(e2e: E2eStack) {
  const url = (id: string) => e2e.url(id);
  return {
    /** A new product with `onHand` units in stock; returns its sku. */
    async product(price: string, onHand: number): Promise<string> {
      const sku = `E2E-${randomBytes(4).toString('hex').toUpperCase()}`;
      const created = await http('POST', `${url('shop/product')}/api/products`, { sku, name: `Product ${sku}`, category: 'test/e2e', price: { amount: price, currency: 'GBP' } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const stocked = await http('PUT', `${url('shop/inventory')}/api/inventory/${sku}`, { onHand, lowStockThreshold: 1 });
      expect(stocked.status, JSON.stringify(stocked.body)).toBe(200);
      return sku;
    },
    /** A new cart holding `lines` (sku → quantity); returns its id. */
    async cart(lines: Record<string, number>): Promise<string> {
      const cart = await http('POST', `${url('shop/cart')}/api/carts`, { customerId: randomUUID(), contactEmail: 'sam.taylor@example.com' });
      expect(cart.status).toBe(201);
      for (const [sku, quantity] of Object.entries(lines)) {
        const added = await http('PUT', `${url('shop/cart')}/api/carts/${cart.body.id}/lines/${sku}`, { quantity });
        expect(added.status, JSON.stringify(added.body)).toBe(200);
      }
      return cart.body.id;
    },
    checkout(cartId: string, paymentMethodToken = 'pm_card_visa', overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
      return http(
        'POST',
        `${url('shop/checkout')}/api/checkout`,
        {
          cartId,
          paymentMethodToken,
          contactEmail: 'sam.taylor@example.com',
          recipientName: 'Sam Taylor',
          shippingAddress: SHIPPING,
          ...overrides,
        },
        headers,
      );
    },
    /** Polls the checkout until it is completed or failed. */
    finished(checkoutId: string, timeoutMs = 60_000) {
      return eventually(
        () => http('GET', `${url('shop/checkout')}/api/checkout/${checkoutId}`),
        (r) => r.body?.status === 'completed' || r.body?.status === 'failed',
        { timeoutMs, what: `checkout ${checkoutId} to finish` },
      ).then((r) => r.body);
    },
    stock: (sku: string) => http('GET', `${url('shop/inventory')}/api/inventory/${sku}`).then((r) => r.body),
    reservation: (checkoutId: string) => http('GET', `${url('shop/inventory')}/api/inventory/reservations?checkoutId=${checkoutId}`).then((r) => r.body[0]),
    orders: (checkoutId: string) => http('GET', `${url('shop/order')}/api/orders?checkoutId=${checkoutId}`).then((r) => r.body),
    payments: (checkoutId: string) => http('GET', `${url('shop/payment')}/api/payments?checkoutId=${checkoutId}`).then((r) => r.body),
    getCart: (cartId: string) => http('GET', `${url('shop/cart')}/api/carts/${cartId}`).then((r) => r.body),
  };
}

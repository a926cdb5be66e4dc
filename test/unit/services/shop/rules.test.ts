import { describe, expect, it } from 'vitest';
import type { CreateOrder } from '../../../../generated/types/shop.js';
import { mergeLines } from '../../../../services/shop/inventory/domain.js';
import { reviewOrder } from '../../../../services/shop/order/domain.js';
import { TestModeProvider } from '../../../../services/shop/payment/provider.js';

const order: CreateOrder = {
  checkoutId: '3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90',
  customerId: 'c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83',
  cartId: '8a1d4f2c-6b3e-4c7a-9e5d-2f1b8c4a7d60',
  reservationId: '5b9e1c7a-3f2d-4b8e-a6c4-7e1d9f3b5a20',
  paymentId: 'e4a7c2b9-8d1f-4e3a-b5c6-3a9f7e2d1b48',
  lines: [
    { sku: 'PROD-123', name: 'Shoe', quantity: 1, unitPrice: { amount: '79.99', currency: 'GBP' }, lineTotal: { amount: '79.99', currency: 'GBP' } },
    { sku: 'MUG-ECO-01', name: 'Mug', quantity: 2, unitPrice: { amount: '12.50', currency: 'GBP' }, lineTotal: { amount: '25.00', currency: 'GBP' } },
  ],
  total: { amount: '104.99', currency: 'GBP' },
  recipientName: 'Sam Taylor',
  contactEmail: 'sam@example.com',
  shippingAddress: { line1: '1 St', city: 'London', postalCode: 'NW1', country: 'GB' },
};
const shipTo = new Set(['GB', 'IE']);

describe('order review', () => {
  it('accepts a deliverable order whose sums add up', () => {
    expect(reviewOrder(order, shipTo)).toEqual({ ok: true });
  });
  it('refuses an address outside the delivery countries', () => {
    expect(reviewOrder({ ...order, shippingAddress: { ...order.shippingAddress, country: 'US' } }, shipTo)).toMatchObject({ ok: false, reason: 'undeliverable_address' });
  });
  it('refuses lines or totals that do not add up', () => {
    expect(reviewOrder({ ...order, total: { amount: '104.98', currency: 'GBP' } }, shipTo)).toMatchObject({ ok: false, reason: 'price_mismatch' });
    const badLine = { ...order.lines[1]!, lineTotal: { amount: '24.00', currency: 'GBP' } };
    expect(reviewOrder({ ...order, lines: [order.lines[0]!, badLine] }, shipTo)).toMatchObject({ ok: false, reason: 'price_mismatch' });
  });
});

describe('test-mode payment provider', () => {
  const provider = new TestModeProvider();
  const charge = (token: string, key = 'k1') => provider.charge({ idempotencyKey: key, amount: { amount: '10.00', currency: 'GBP' }, paymentMethodToken: token });

  it('succeeds or declines by token, deterministically', async () => {
    expect(await charge('pm_card_visa')).toMatchObject({ ok: true, method: { type: 'card', brand: 'visa', last4: '4242' } });
    expect(await charge('pm_card_chargeDeclinedInsufficientFunds')).toMatchObject({ ok: false, reason: 'insufficient_funds', retryable: true });
    expect(await charge('pm_card_chargeDeclinedFraudulent')).toMatchObject({ ok: false, reason: 'fraud_suspected', retryable: false });
  });
  it('gives a repeated charge the same reference (the idempotency key decides)', async () => {
    expect((await charge('pm_card_visa', 'same')).providerRef).toBe((await charge('pm_card_visa', 'same')).providerRef);
    expect((await charge('pm_card_visa', 'same')).providerRef).not.toBe((await charge('pm_card_visa', 'other')).providerRef);
    expect((await charge('pm_card_visa')).providerRef).toMatch(/^ch_[A-Za-z0-9]{6,}$/);
  });
});

describe('stock lines', () => {
  it('folds lines of one sku together and sorts by sku (the lock order)', () => {
    expect(mergeLines([{ sku: 'B-1', quantity: 1 }, { sku: 'A-1', quantity: 2 }, { sku: 'B-1', quantity: 3 }])).toEqual([
      { sku: 'A-1', quantity: 2 },
      { sku: 'B-1', quantity: 4 },
    ]);
  });
});

/** shop/analytics' derived figures and shop/email's templates (pure rules). */
import { describe, expect, it } from 'vitest';
import type { CheckoutFailed, OrderCreated } from '../../../../generated/types/shop.js';
import { cartsOf, decimal, funnelOf, revenueOf, stockOf } from '../../../../services/shop/analytics/domain.js';
import { formatMoney, render, renderRefund } from '../../../../services/shop/email/templates.js';

describe('dashboard figures', () => {
  it('keeps money exact and lets net revenue go negative', () => {
    expect(decimal('104.9900')).toBe('104.99');
    expect(decimal('0')).toBe('0.00');
    expect(revenueOf({ currency: 'GBP', paid: '30.0000', refunded: '45.5000', orders: 1, refunds: 1 })).toMatchObject({ paid: '30.00', refunded: '45.50', net: '-15.50' });
    expect(revenueOf({ currency: 'GBP', paid: '0.1000', refunded: '0.0000', orders: 1, refunds: 0 }).net).toBe('0.10');
  });

  it('derives conversion, abandonment and reservation-to-sale rates (null with nothing to divide)', () => {
    expect(funnelOf({ started: 4, completed: 2, failed: 1, meanDurationMs: 1234.6 })).toEqual({ started: 4, completed: 2, failed: 1, inProgress: 1, meanDurationMs: 1235, conversionRate: 0.5 });
    expect(funnelOf({ started: 0, completed: 0, failed: 0, meanDurationMs: null }).conversionRate).toBeNull();
    expect(cartsOf(1, 3, 2)).toEqual({ expired: 1, checkedOut: 3, emptied: 2, abandonmentRate: 0.25 });
    expect(stockOf({ reserved: 5, released: 1, confirmed: 3 }).reservationToSaleRate).toBe(0.75);
  });
});

describe('email templates', () => {
  const order: OrderCreated = {
    orderId: 100123,
    checkoutId: '3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90',
    customerId: 'c-1',
    cartId: '9d7e6f5a-4b3c-4d2e-8f1a-0b9c8d7e6f5a',
    reservationId: 'r-1',
    paymentId: 'p-1',
    lines: [{ sku: 'PROD-123', name: 'Trail running shoe', quantity: 2, unitPrice: { amount: '79.99', currency: 'GBP' }, lineTotal: { amount: '159.98', currency: 'GBP' } }],
    total: { amount: '159.98', currency: 'GBP' },
    recipientName: 'Sam Taylor',
    contactEmail: 'sam@example.com',
    shippingAddress: { line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' },
  };

  it('confirms an order with its lines, total and address', () => {
    const mail = render({ name: 'OrderCreated', payload: order });
    expect(mail).toMatchObject({ status: 'sent', template: 'order-confirmation', to: 'sam@example.com', subject: 'Your order 100123 is confirmed', orderId: 100123 });
    if (mail.status !== 'sent') throw new Error('expected a sent email');
    expect(mail.body).toContain('2 × Trail running shoe (PROD-123) — £159.98');
    expect(mail.body).toContain('221B Baker Street, London, NW1 6XE, GB');
  });

  it('skips a failed checkout without an address, with the reason; tells one with an address what was undone', () => {
    const failed: CheckoutFailed = { checkoutId: order.checkoutId, customerId: 'c-1', failedStep: 'create_order', reason: 'order_rejected', compensations: ['payment_refunded', 'stock_released'] };
    expect(render({ name: 'CheckoutFailed', payload: failed })).toEqual({ status: 'skipped', template: 'checkout-failed', reason: 'the customer left no email address', checkoutId: order.checkoutId });
    const told = render({ name: 'CheckoutFailed', payload: { ...failed, contactEmail: 'sam@example.com' } });
    expect(told).toMatchObject({ status: 'sent', to: 'sam@example.com' });
    expect(told.status === 'sent' && told.body).toContain('refunded in full');
  });

  it('confirms a refund to the address known for its order', () => {
    const refund = { refundId: 'f-1', paymentId: 'p-1', orderId: 100123, amount: { amount: '30.00', currency: 'EUR' }, reason: 'order_failed' as const, refundRef: 're_1' };
    expect(render({ name: 'RefundProcessed', payload: refund })).toMatchObject({ status: 'skipped', template: 'refund-confirmation' });
    expect(renderRefund(refund, 'sam@example.com')).toMatchObject({ status: 'sent', to: 'sam@example.com', subject: 'Refund for order 100123' });
    expect(formatMoney({ amount: '5.00', currency: 'CHF' })).toBe('5.00 CHF');
  });
});

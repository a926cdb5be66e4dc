/**
 * shop/analytics' message handlers (analytics-service-queue): each event is recorded as the
 * dashboard's fact in one transaction with its inbox row, so a redelivery counts once. A sink:
 * it publishes nothing.
 */
import * as client from '../../../generated/clients/shop/analytics.js';
import type { Transaction } from '../../../src/durable/index.js';
import type { Delivery } from '../../../src/runtime/index.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import type { AnalyticsRepository } from './repository.js';


export function handlers(kit: ServiceKit<Config>, repo: AnalyticsRepository): client.AnalyticsHandlers {
  /** A handler recording `fact(delivery, tx, eventId, time)` with the delivery's inbox row. */
  const on = <D extends Delivery>(fact: (delivery: D, tx: Transaction, id: string, at: string) => Promise<void>) =>
    kit.handle<D>(client.analyticsServiceQueueReceive, (delivery, _context, tx) => fact(delivery, tx, delivery.envelope.messageId, delivery.envelope.time));
  return {
    onProductCreated: on(({ payload: p }, tx, _id, at) => repo.product(tx, at, { sku: p.sku, name: p.name, category: p.category, price: p.price, active: true })),
    onProductUpdated: on(({ payload: p }, tx, _id, at) => repo.product(tx, at, { sku: p.sku, name: p.name, category: p.category, price: p.price })),
    onProductPriceChanged: on(async ({ payload: p }, tx, id, at) => {
      await repo.product(tx, at, { sku: p.sku, price: p.newPrice });
      await repo.priceChange(tx, id, at, p.sku, p.oldPrice, p.newPrice, p.reason);
    }),
    onProductDeactivated: on(({ payload: p }, tx, _id, at) => repo.product(tx, at, { sku: p.sku, active: false })),
    onCheckoutStarted: on(({ payload: p }, tx, _id, at) => repo.checkout(tx, p.checkoutId, at, { kind: 'started' })),
    onCheckoutCompleted: on(({ payload: p }, tx, _id, at) => repo.checkout(tx, p.checkoutId, at, { kind: 'completed', durationMs: p.durationMs })),
    onCheckoutFailed: on(({ payload: p }, tx, _id, at) => repo.checkout(tx, p.checkoutId, at, { kind: 'failed', step: p.failedStep, reason: p.reason })),
    onOrderPaid: on(({ payload: p }, tx, id, at) => repo.money(tx, id, at, 'paid', p.amount)),
    onRefundProcessed: on(({ payload: p }, tx, id, at) => repo.money(tx, id, at, 'refunded', p.amount)),
    onCartExpired: on(({ payload: p }, tx, id, at) => repo.signal(tx, id, at, 'cart_expired', p.cartId)),
    onCartCleared: on(({ payload: p }, tx, id, at) => repo.signal(tx, id, at, p.reason === 'checkout_completed' ? 'cart_checked_out' : 'cart_emptied', p.cartId)),
    onLowStockAlert: on(({ payload: p }, tx, id, at) => repo.signal(tx, id, at, 'low_stock', p.sku, p.currentQuantity, p.threshold)),
    onStockReserved: on(({ payload: p }, tx, id, at) => repo.signal(tx, id, at, 'stock_reserved', p.reservationId)),
    onStockReleased: on(({ payload: p }, tx, id, at) => repo.signal(tx, id, at, 'stock_released', p.reservationId)),
    onStockConfirmed: on(({ payload: p }, tx, id, at) => repo.signal(tx, id, at, 'stock_confirmed', p.reservationId)),
  };
}

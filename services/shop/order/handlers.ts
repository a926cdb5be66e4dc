/** shop/order's message handlers (order-service-queue): create.order from the checkout saga, refunds against orders. */
import * as client from '../../../generated/clients/shop/order.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { normalise, toUnits } from '../_shared/money.js';
import type { Config } from './config.js';
import { reviewOrder } from './domain.js';
import type { OrderRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: OrderRepository): client.OrderHandlers {
  const shipTo = new Set(kit.config.SHIP_TO_COUNTRIES.split(','));
  return {
    onCreateOrder: kit.handle(client.orderServiceQueueReceive, async (delivery, context, tx) => {
      const command = delivery.payload;
      await repo.lockCheckout(tx, command.checkoutId);
      if (await repo.byColumn(tx, 'checkout_id', command.checkoutId)) return;
      if (await repo.isRejected(tx, command.checkoutId)) return;
      const review = reviewOrder(command, shipTo);
      if (!review.ok) {
        await repo.insertRejection(tx, command.checkoutId, review.reason, review.message);
        await client.createOrderPublisher(kit.publisherIn(tx)).publishOrderFailed({ checkoutId: command.checkoutId, reason: review.reason, message: review.message }, { subject: command.checkoutId });
        context.log.info({ checkoutId: command.checkoutId, reason: review.reason }, 'order refused');
        return;
      }
      const total = normalise(command.total);
      const orderId = await repo.insertPaid(tx, command, total);
      const publisher = client.createOrderPublisher(kit.publisherIn(tx));
      await publisher.publishOrderCreated(
        {
          orderId,
          checkoutId: command.checkoutId,
          customerId: command.customerId,
          cartId: command.cartId,
          reservationId: command.reservationId,
          paymentId: command.paymentId,
          lines: command.lines,
          total,
          recipientName: command.recipientName,
          contactEmail: command.contactEmail,
          shippingAddress: command.shippingAddress,
        },
        { subject: String(orderId) },
      );
      await publisher.publishOrderPaid({ orderId, checkoutId: command.checkoutId, paymentId: command.paymentId, amount: total }, { subject: String(orderId) });
      context.log.info({ orderId, checkoutId: command.checkoutId }, 'order created');
    }),
    onRefundProcessed: kit.handle(client.orderServiceQueueReceive, async (delivery, context, tx) => {
      const refund = delivery.payload;
      // A checkout's compensation refunds a payment before any order exists: nothing to record.
      if (refund.orderId === undefined) return;
      const row = await repo.byColumn(tx, 'id', refund.orderId, true);
      if (!row) {
        context.log.warn({ orderId: refund.orderId, refundId: refund.refundId }, 'refund for an order this service does not know');
        return;
      }
      const amount = normalise(refund.amount);
      await repo.insertRefund(tx, { refundId: refund.refundId, orderId: row.id, amount, reason: refund.reason });
      const refunded = await repo.refunded(tx, row.id);
      if (toUnits(normalise({ amount: refunded, currency: row.currency }).amount) >= toUnits(normalise({ amount: row.total_amount, currency: row.currency }).amount)) {
        await repo.markRefunded(tx, row.id);
      }
    }),
  };
}

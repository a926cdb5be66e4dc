/** shop/payment's message handlers (payment-service-queue): take a payment, refund one — each once. */
import * as client from '../../../generated/clients/shop/payment.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { normalise } from '../_shared/money.js';
import type { Config } from './config.js';
import type { PaymentProvider } from './provider.js';
import type { PaymentRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: PaymentRepository, provider: PaymentProvider): client.PaymentHandlers {
  return {
    onProcessPayment: kit.handle(client.paymentServiceQueueReceive, async (delivery, context, tx) => {
      const command = delivery.payload;
      if (await repo.byId(tx, command.paymentId)) return;
      const amount = normalise(command.amount);
      const result = await provider.charge({ idempotencyKey: command.paymentId, amount, paymentMethodToken: command.paymentMethodToken });
      const publisher = client.createPaymentPublisher(kit.publisherIn(tx));
      const record = { paymentId: command.paymentId, checkoutId: command.checkoutId, customerId: command.customerId, amount, providerRef: result.providerRef };
      if (result.ok) {
        await repo.insertSucceeded(tx, record, result.method);
        await publisher.publishPaymentSucceeded(
          { paymentId: command.paymentId, checkoutId: command.checkoutId, amount, method: result.method, paymentRef: result.providerRef },
          { subject: command.paymentId },
        );
      } else {
        const failure = { reason: result.reason, message: result.message, retryable: result.retryable };
        await repo.insertFailed(tx, record, failure);
        await publisher.publishPaymentFailed({ paymentId: command.paymentId, checkoutId: command.checkoutId, amount, ...failure, paymentRef: result.providerRef }, { subject: command.paymentId });
        context.log.info({ paymentId: command.paymentId, reason: result.reason }, 'payment declined');
      }
    }),
    onRefundPayment: kit.handle(client.paymentServiceQueueReceive, async (delivery, context, tx) => {
      const command = delivery.payload;
      if (await repo.refundExists(tx, command.refundId)) return;
      const payment = await repo.byId(tx, command.paymentId);
      // The refund overtook its payment (both are commands from the saga): retry until the payment is there.
      if (!payment) throw new Error(`refund ${command.refundId} names payment ${command.paymentId}, which has not been processed yet`);
      if (payment.status !== 'succeeded') {
        context.log.info({ paymentId: command.paymentId, refundId: command.refundId }, 'refund of a payment that was never taken: nothing to give back');
        return;
      }
      const amount = normalise(command.amount);
      const { refundRef } = await provider.refund({ idempotencyKey: command.refundId, providerRef: payment.provider_ref!, amount });
      await repo.insertRefund(tx, { refundId: command.refundId, paymentId: command.paymentId, checkoutId: command.checkoutId, amount, reason: command.reason, refundRef });
      await client.createPaymentPublisher(kit.publisherIn(tx)).publishRefundProcessed(
        {
          refundId: command.refundId,
          paymentId: command.paymentId,
          checkoutId: command.checkoutId,
          amount,
          reason: command.reason,
          refundRef,
          ...(payment.provider_ref ? { paymentRef: payment.provider_ref } : {}),
        },
        { subject: command.paymentId },
      );
    }),
  };
}

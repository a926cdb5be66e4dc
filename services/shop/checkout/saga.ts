/**
 * The checkout saga (shop.md, asyncapi/shop/checkout.yaml): reserve stock → take payment →
 * create order, with compensation by command on failure and a timeout on every step.
 *
 *   CheckoutRequested ─▶ CheckoutStarted                                   reservingStock
 *     StockReserved          ─▶ process.payment                            takingPayment
 *     StockReservationFailed ─▶ CheckoutFailed(reserve_stock)              failed
 *     timeout                ─▶ release.stock + CheckoutFailed(timeout)    failed
 *   takingPayment
 *     PaymentSucceeded ─▶ create.order                                     creatingOrder
 *     PaymentFailed    ─▶ release.stock + CheckoutFailed(payment)          failed
 *     timeout          ─▶ release.stock + CheckoutFailed(timeout)          failed
 *   creatingOrder
 *     OrderCreated ─▶ CheckoutCompleted                                    completed
 *     OrderFailed  ─▶ refund.payment + release.stock + CheckoutFailed      failed
 *     timeout      ─▶ the same, reason timeout                             failed
 *   failed
 *     PaymentSucceeded (late, after the payment step timed out) ─▶ refund.payment
 *     OrderCreated (late) ─▶ logged for manual cancellation
 *
 * Stock is reserved over HTTP (the customer is waiting), so StockReserved and
 * StockReservationFailed reach the saga from the checkout's own request handler, not the bus;
 * CheckoutRequested and StockReservationFailed are in-process events (never on the wire), with
 * descriptors of their own.
 */
import { randomUUID } from 'node:crypto';
import * as checkout from '../../../generated/clients/shop/checkout.js';
import * as M from '../../../generated/messages/shop.js';
import type { Address, CheckoutFailedCompensationsItem, CheckoutFailedFailedStep, CheckoutFailedReason, LineItem, Money } from '../../../generated/types/shop.js';
import { defineSaga, type Duration, type SagaContext } from '../../../src/durable/index.js';
import type { MessageDescriptor, PayloadValidator } from '../../../src/runtime/index.js';

export interface CheckoutRequested {
  checkoutId: string;
  cartId: string;
  customerId: string;
  lines: LineItem[];
  total: Money;
  contactEmail: string;
  recipientName: string;
  shippingAddress: Address;
  billingAddress?: Address;
  paymentMethodToken: string;
}

export interface StockReservationFailed {
  checkoutId: string;
  message: string;
}

export interface CheckoutFailure {
  step: CheckoutFailedFailedStep;
  reason: CheckoutFailedReason;
  message?: string;
  compensations: CheckoutFailedCompensationsItem[];
}

export interface CheckoutData extends Omit<CheckoutRequested, 'checkoutId'> {
  startedAt: string;
  reservationId?: string;
  paymentId?: string;
  orderId?: number;
  completedAt?: string;
  failure?: CheckoutFailure;
}

/** The payload was built by this service from an already validated request. */
const trusted: PayloadValidator = Object.assign(() => true, { errors: null });

function internal<T>(name: string): MessageDescriptor<T> {
  return { name, type: `shop.checkout.internal.${name}`, version: '1.0.0', system: 'shop', contentType: 'application/json', validate: trusted as PayloadValidator<T> };
}

export const internalEvents = {
  CheckoutRequested: internal<CheckoutRequested>('CheckoutRequested'),
  StockReservationFailed: internal<StockReservationFailed>('StockReservationFailed'),
};

export const CHECKOUT_SAGA = 'checkout';

type Saga = SagaContext<CheckoutData, 'reservingStock' | 'takingPayment' | 'creatingOrder' | 'completed' | 'failed'>;

/** Ends the checkout: records why, sends the compensations, publishes CheckoutFailed. */
async function fail(saga: Saga, failure: CheckoutFailure, options: { release?: 'payment_failed' | 'order_failed' | 'checkout_timed_out'; refund?: 'order_failed' | 'checkout_timed_out' } = {}) {
  const data = saga.data;
  if (options.refund && data.paymentId) {
    await saga.publish(checkout.sendRefundPaymentSend, { checkoutId: saga.id, paymentId: data.paymentId, refundId: randomUUID(), amount: data.total, reason: options.refund });
  }
  if (options.release) {
    await saga.publish(checkout.sendReleaseStockSend, { checkoutId: saga.id, ...(data.reservationId ? { reservationId: data.reservationId } : {}), reason: options.release });
  }
  data.failure = failure;
  await saga.publish(checkout.publishCheckoutFailedSend, {
    checkoutId: saga.id,
    customerId: data.customerId,
    contactEmail: data.contactEmail,
    failedStep: failure.step,
    reason: failure.reason,
    ...(failure.message ? { message: failure.message.slice(0, 500) } : {}),
    compensations: failure.compensations,
  });
  return 'failed' as const;
}

/** The checkout saga; `stepTimeout` is 30 s as in shop.md (shorter in tests). */
export function checkoutSaga(stepTimeout: Duration = '30s') {
  return defineSaga<CheckoutData>()({
    name: CHECKOUT_SAGA,
    events: {
      CheckoutRequested: internalEvents.CheckoutRequested,
      StockReservationFailed: internalEvents.StockReservationFailed,
      StockReserved: M.StockReservedMessage,
      PaymentSucceeded: M.PaymentSucceededMessage,
      PaymentFailed: M.PaymentFailedMessage,
      OrderCreated: M.OrderCreatedMessage,
      OrderFailed: M.OrderFailedMessage,
    },
    states: ['reservingStock', 'takingPayment', 'creatingOrder'],
    final: ['completed', 'failed'],
    timeout: stepTimeout,
    // Every message of a checkout carries its id in the payload; that is what correlates, whatever the headers say.
    correlateBy: {
      CheckoutRequested: (e) => e.payload.checkoutId,
      StockReservationFailed: (e) => e.payload.checkoutId,
      StockReserved: (e) => e.payload.checkoutId,
      PaymentSucceeded: (e) => e.payload.checkoutId,
      PaymentFailed: (e) => e.payload.checkoutId,
      OrderCreated: (e) => e.payload.checkoutId,
      OrderFailed: (e) => e.payload.checkoutId,
    },
  })
    .startsWith('CheckoutRequested', async (saga, event) => {
      const { checkoutId: _id, ...request } = event.payload;
      await saga.publish(checkout.publishCheckoutStartedSend, {
        checkoutId: saga.id,
        cartId: request.cartId,
        customerId: request.customerId,
        lines: request.lines,
        total: request.total,
      });
      return { state: 'reservingStock', data: { ...request, startedAt: new Date().toISOString() } };
    })
    .during('reservingStock', {
      on: {
        StockReserved: async (saga, event) => {
          const data = saga.data;
          data.reservationId = event.payload.reservationId;
          data.paymentId = randomUUID();
          await saga.publish(checkout.sendProcessPaymentSend, {
            checkoutId: saga.id,
            paymentId: data.paymentId,
            customerId: data.customerId,
            amount: data.total,
            paymentMethodToken: data.paymentMethodToken,
            ...(data.billingAddress ? { billingAddress: data.billingAddress } : {}),
            statementDescriptor: 'SHOP ORDER',
          });
          return 'takingPayment';
        },
        StockReservationFailed: (saga, event) => fail(saga, { step: 'reserve_stock', reason: 'out_of_stock', message: event.payload.message, compensations: [] }),
      },
      // The reserve call may have reserved without the saga hearing of it: release whatever this checkout holds.
      onTimeout: (saga) =>
        fail(saga, { step: 'reserve_stock', reason: 'timeout', message: 'Stock could not be reserved in time.', compensations: ['stock_released'] }, { release: 'checkout_timed_out' }),
    })
    .during('takingPayment', {
      on: {
        PaymentSucceeded: async (saga, event) => {
          const data = saga.data;
          if (event.payload.paymentId !== data.paymentId) {
            saga.log.warn({ checkoutId: saga.id, paymentId: event.payload.paymentId }, 'PaymentSucceeded for another payment id: ignored');
            return;
          }
          await saga.publish(checkout.sendCreateOrderSend, {
            checkoutId: saga.id,
            customerId: data.customerId,
            cartId: data.cartId,
            reservationId: data.reservationId!,
            paymentId: data.paymentId,
            lines: data.lines,
            total: data.total,
            recipientName: data.recipientName,
            contactEmail: data.contactEmail,
            shippingAddress: data.shippingAddress,
          });
          return 'creatingOrder';
        },
        PaymentFailed: (saga, event) =>
          fail(
            saga,
            {
              step: 'payment',
              reason: event.payload.reason === 'provider_unavailable' ? 'payment_error' : 'payment_declined',
              ...(event.payload.message ? { message: event.payload.message } : {}),
              compensations: ['stock_released'],
            },
            { release: 'payment_failed' },
          ),
      },
      onTimeout: (saga) =>
        fail(saga, { step: 'payment', reason: 'timeout', message: 'The payment was not confirmed in time.', compensations: ['stock_released'] }, { release: 'checkout_timed_out' }),
    })
    .during('creatingOrder', {
      on: {
        OrderCreated: async (saga, event) => {
          const data = saga.data;
          data.orderId = event.payload.orderId;
          data.completedAt = new Date().toISOString();
          await saga.publish(checkout.publishCheckoutCompletedSend, {
            checkoutId: saga.id,
            customerId: data.customerId,
            orderId: event.payload.orderId,
            paymentId: data.paymentId!,
            total: data.total,
            durationMs: Math.max(0, Date.parse(data.completedAt) - Date.parse(data.startedAt)),
          });
          return 'completed';
        },
        OrderFailed: (saga, event) =>
          fail(
            saga,
            { step: 'create_order', reason: 'order_rejected', ...(event.payload.message ? { message: event.payload.message } : {}), compensations: ['payment_refunded', 'stock_released'] },
            { refund: 'order_failed', release: 'order_failed' },
          ),
      },
      onTimeout: (saga) =>
        fail(
          saga,
          { step: 'create_order', reason: 'timeout', message: 'The order was not created in time.', compensations: ['payment_refunded', 'stock_released'] },
          { refund: 'checkout_timed_out', release: 'checkout_timed_out' },
        ),
    })
    .during('failed', {
      on: {
        // The payment step timed out, then the payment went through after all: give it back.
        PaymentSucceeded: async (saga, event) => {
          if (saga.data.failure?.step !== 'payment') return;
          await saga.publish(checkout.sendRefundPaymentSend, {
            checkoutId: saga.id,
            paymentId: event.payload.paymentId,
            refundId: randomUUID(),
            amount: event.payload.amount,
            reason: 'checkout_timed_out',
          });
        },
        OrderCreated: async (saga, event) => {
          saga.log.error({ checkoutId: saga.id, orderId: event.payload.orderId }, 'order created after the checkout failed: cancel it by hand (payment refunded, stock released)');
        },
      },
    })
    .build();
}

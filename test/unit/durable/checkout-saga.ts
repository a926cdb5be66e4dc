/**
 * shop.md's checkout saga, written with the definition API the way a service author would:
 * reserve stock → take payment → create order → confirm stock, with compensation (release the
 * stock, refund a late payment) on failure and on every step's timeout.
 *
 * The messages are hand-written stand-ins for generated descriptors (see ./fixtures.ts).
 */
import { defineSaga, type Duration } from '../../../src/durable/saga/definition.js';
import { message, send } from './fixtures.js';

const object = (properties: Record<string, object>) => ({
  type: 'object',
  required: Object.keys(properties),
  additionalProperties: false,
  properties,
});
const id = { type: 'string', minLength: 1 };
const lines = {
  type: 'array',
  minItems: 1,
  items: object({ sku: id, quantity: { type: 'integer', minimum: 1 } }),
};

export interface Line {
  sku: string;
  quantity: number;
}
export interface CheckoutRequested { checkoutId: string; customerId: string; lines: Line[]; total: number }
export interface StockReserved { checkoutId: string; reservationId: string }
export interface StockReservationFailed { checkoutId: string; reason: string }
export interface PaymentSucceeded { checkoutId: string; paymentRef: string }
export interface PaymentFailed { checkoutId: string; reason: string }
export interface OrderCreated { checkoutId: string; orderId: string }
export interface StockReleased { checkoutId: string; reservationId: string }

export const events = {
  CheckoutRequested: message<CheckoutRequested>('shop', 'CheckoutRequested', object({ checkoutId: id, customerId: id, lines, total: { type: 'number' } })),
  StockReserved: message<StockReserved>('shop', 'StockReserved', object({ checkoutId: id, reservationId: id })),
  StockReservationFailed: message<StockReservationFailed>('shop', 'StockReservationFailed', object({ checkoutId: id, reason: id })),
  PaymentSucceeded: message<PaymentSucceeded>('shop', 'PaymentSucceeded', object({ checkoutId: id, paymentRef: id })),
  PaymentFailed: message<PaymentFailed>('shop', 'PaymentFailed', object({ checkoutId: id, reason: id })),
  OrderCreated: message<OrderCreated>('shop', 'OrderCreated', object({ checkoutId: id, orderId: id })),
  StockReleased: message<StockReleased>('shop', 'StockReleased', object({ checkoutId: id, reservationId: id })),
};

const CHECKOUT = 'shop/checkout';
export const commands = {
  reserveStock: send(CHECKOUT, 'reserve.stock', message<{ checkoutId: string; lines: Line[] }>('shop', 'ReserveStock', object({ checkoutId: id, lines })), 'shop.commands'),
  takePayment: send(CHECKOUT, 'take.payment', message<{ checkoutId: string; amount: number }>('shop', 'TakePayment', object({ checkoutId: id, amount: { type: 'number' } })), 'shop.commands'),
  createOrder: send(CHECKOUT, 'create.order', message<{ checkoutId: string; customerId: string; paymentRef: string }>('shop', 'CreateOrder', object({ checkoutId: id, customerId: id, paymentRef: id })), 'shop.commands'),
  confirmStock: send(CHECKOUT, 'confirm.stock', message<{ reservationId: string }>('shop', 'ConfirmStock', object({ reservationId: id })), 'shop.commands'),
  releaseStock: send(CHECKOUT, 'release.stock', message<{ reservationId: string }>('shop', 'ReleaseStock', object({ reservationId: id })), 'shop.commands'),
  refundPayment: send(CHECKOUT, 'refund.payment', message<{ paymentRef: string }>('shop', 'RefundPayment', object({ paymentRef: id })), 'shop.commands'),
  checkoutCompleted: send(CHECKOUT, 'shop.checkout.completed', message<{ checkoutId: string; orderId: string }>('shop', 'CheckoutCompleted', object({ checkoutId: id, orderId: id }))),
  checkoutFailed: send(CHECKOUT, 'shop.checkout.failed', message<{ checkoutId: string; reason: string }>('shop', 'CheckoutFailed', object({ checkoutId: id, reason: id }))),
};

export interface CheckoutData {
  customerId: string;
  total: number;
  reservationId?: string;
  paymentRef?: string;
  orderId?: string;
  failure?: string;
}

/** The checkout saga; `timeout` is 30 s as in shop.md, short in tests. */
export function checkoutSaga(timeout: Duration = '30s') {
  return defineSaga<CheckoutData>()({
    name: 'checkout',
    events,
    states: ['reservingStock', 'takingPayment', 'creatingOrder', 'releasingStock'],
    final: ['completed', 'failed'],
    timeout,
    correlateBy: { CheckoutRequested: (event) => event.payload.checkoutId },
  })
    .startsWith('CheckoutRequested', async (saga, event) => {
      await saga.publish(commands.reserveStock, { checkoutId: saga.id, lines: event.payload.lines });
      return { state: 'reservingStock', data: { customerId: event.payload.customerId, total: event.payload.total } };
    })
    .during('reservingStock', {
      on: {
        StockReserved: async (saga, event) => {
          saga.data.reservationId = event.payload.reservationId;
          await saga.publish(commands.takePayment, { checkoutId: saga.id, amount: saga.data.total });
          return 'takingPayment';
        },
        StockReservationFailed: async (saga, event) => {
          saga.data.failure = event.payload.reason;
          await saga.publish(commands.checkoutFailed, { checkoutId: saga.id, reason: event.payload.reason });
          return 'failed';
        },
      },
      onTimeout: async (saga) => {
        saga.data.failure = 'stock reservation timed out';
        await saga.publish(commands.checkoutFailed, { checkoutId: saga.id, reason: saga.data.failure });
        return 'failed';
      },
    })
    .during('takingPayment', {
      on: {
        PaymentSucceeded: async (saga, event) => {
          saga.data.paymentRef = event.payload.paymentRef;
          await saga.publish(commands.createOrder, { checkoutId: saga.id, customerId: saga.data.customerId, paymentRef: event.payload.paymentRef });
          return 'creatingOrder';
        },
        // Compensation: the stock reserved for this checkout goes back.
        PaymentFailed: async (saga, event) => {
          saga.data.failure = event.payload.reason;
          await saga.publish(commands.releaseStock, { reservationId: saga.data.reservationId! });
          return 'releasingStock';
        },
      },
      onTimeout: async (saga) => {
        saga.data.failure = 'payment timed out';
        await saga.publish(commands.releaseStock, { reservationId: saga.data.reservationId! });
        return 'releasingStock';
      },
    })
    .during('creatingOrder', {
      on: {
        OrderCreated: async (saga, event) => {
          saga.data.orderId = event.payload.orderId;
          await saga.publish(commands.confirmStock, { reservationId: saga.data.reservationId! });
          await saga.publish(commands.checkoutCompleted, { checkoutId: saga.id, orderId: event.payload.orderId });
          return 'completed';
        },
      },
      onTimeout: async (saga) => {
        saga.data.failure = 'order creation timed out';
        await saga.publish(commands.refundPayment, { paymentRef: saga.data.paymentRef! });
        await saga.publish(commands.releaseStock, { reservationId: saga.data.reservationId! });
        return 'releasingStock';
      },
    })
    .during('releasingStock', {
      on: {
        StockReleased: async (saga) => {
          await saga.publish(commands.checkoutFailed, { checkoutId: saga.id, reason: saga.data.failure ?? 'cancelled' });
          return 'failed';
        },
      },
      // Compensation must happen: ask again and wait another period.
      onTimeout: async (saga) => {
        await saga.publish(commands.releaseStock, { reservationId: saga.data.reservationId! });
      },
    })
    .during('failed', {
      on: {
        // Late replies after giving up are compensated too.
        StockReserved: async (saga, event) => {
          await saga.publish(commands.releaseStock, { reservationId: event.payload.reservationId });
        },
        PaymentSucceeded: async (saga, event) => {
          await saga.publish(commands.refundPayment, { paymentRef: event.payload.paymentRef });
        },
      },
    })
    .build();
}

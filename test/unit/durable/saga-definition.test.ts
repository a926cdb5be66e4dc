import { describe, expect, it } from 'vitest';
import * as shop from '../../../generated/messages/shop.js';
import { defineSaga, SagaDefinitionError } from '../../../src/durable/saga/definition.js';
import { checkoutSaga, events, type CheckoutData } from './checkout-saga.js';
import { delivery } from './fixtures.js';

const base = {
  name: 'checkout',
  events: { CheckoutRequested: events.CheckoutRequested, StockReserved: events.StockReserved },
  states: ['reservingStock'],
  final: ['done'],
} as const;

const start = async () => ({ state: 'reservingStock' as const, data: { customerId: 'c', total: 1 } });

describe('saga definitions', () => {
  it('resolve per-state timeouts: the saga default (30 s), a state’s own, none for final states or `false`', () => {
    const saga = defineSaga<CheckoutData>()({ ...base, states: ['reservingStock', 'waitingForever'] })
      .startsWith('CheckoutRequested', start)
      .during('reservingStock', { timeout: '250ms', onTimeout: async () => 'done' })
      .during('waitingForever', { timeout: false })
      .build();
    expect(saga.timeoutMs('reservingStock')).toBe(250);
    expect(saga.timeoutMs('waitingForever')).toBeUndefined();
    expect(saga.timeoutMs('done')).toBeUndefined();
    expect(checkoutSaga().timeoutMs('takingPayment')).toBe(30_000);
  });

  it('correlate by the envelope’s correlation id unless told otherwise', () => {
    const saga = checkoutSaga();
    const requested = delivery(events.CheckoutRequested, { checkoutId: 'co-1', customerId: 'c', lines: [{ sku: 's', quantity: 1 }], total: 3 });
    expect(saga.correlate('CheckoutRequested', requested)).toBe('co-1');
    const reserved = delivery(events.StockReserved, { checkoutId: 'ignored', reservationId: 'r' }, { correlationId: 'co-1' });
    expect(saga.correlate('StockReserved', reserved)).toBe('co-1');
    const uncorrelated = delivery(events.StockReserved, { checkoutId: 'x', reservationId: 'r' }, { correlationId: undefined as never });
    expect(() => saga.correlate('StockReserved', uncorrelated)).toThrow(/cannot correlate shop\.StockReserved .*no correlation id/);
  });

  it('map message types to event names', () => {
    expect(checkoutSaga().eventsByType.get('shop.PaymentFailed')).toBe('PaymentFailed');
  });

  it('report every mistake at once, each naming what is wrong', () => {
    const build = () =>
      defineSaga<CheckoutData>()({
        name: 'broken',
        events: { CheckoutRequested: events.CheckoutRequested, Reserved: events.StockReserved },
        states: ['reservingStock', 'forgotten', 'done'],
        final: ['done'],
      })
        .during('reservingStock', { on: { Reserved: async () => 'done' } })
        .during('done', { timeout: '5s' })
        .build();
    let error: unknown;
    try {
      build();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SagaDefinitionError);
    const message = (error as Error).message;
    expect(message).toContain('saga "broken" is not valid');
    expect(message).toContain('state "done" is listed both in states and in final');
    expect(message).toContain('event "Reserved" is the message "StockReserved": use the message name as the key');
    expect(message).toContain('no startsWith(event)');
    expect(message).toContain('state "forgotten" has no during("forgotten", …)');
    expect(message).toContain('final state "done" cannot have a timeout');
    expect(message).toContain('state "reservingStock" times out after 30000 ms but has no onTimeout');
  });

  it('refuse a duration it cannot read, and a state declared twice', () => {
    expect(() =>
      defineSaga<CheckoutData>()({ ...base, timeout: 'soon' as never })
        .startsWith('CheckoutRequested', start)
        .during('reservingStock', { onTimeout: async () => 'done' })
        .build(),
    ).toThrow(/timeout "soon" is not a duration/);
    const builder = defineSaga<CheckoutData>()(base).during('reservingStock', {});
    expect(() => builder.during('reservingStock', {})).toThrow(/during\("reservingStock"\) is declared twice/);
  });

  it('are typed from the contracts: payloads, event names and states are checked by the compiler', () => {
    const builder = defineSaga<CheckoutData>()(base).startsWith('CheckoutRequested', async (saga, event) => {
      const total: number = event.payload.total;
      // @ts-expect-error: CheckoutRequested has no reservationId
      void event.payload.reservationId;
      return { state: 'reservingStock', data: { customerId: event.payload.customerId, total } };
    });
    builder.during('reservingStock', {
      on: {
        // @ts-expect-error: returns 'shipping', which is not a state of this saga
        StockReserved: async (saga, event) => {
          saga.data.reservationId = event.payload.reservationId;
          return 'shipping';
        },
      },
      onTimeout: async () => 'done',
    });
    builder.during('done', {
      on: {
        // @ts-expect-error: not an event of this saga
        PaymentFailed: async () => 'done',
      },
    });
    // @ts-expect-error: not a state of this saga
    expect(() => builder.during('nowhere', {})).not.toThrow();
  });

  it('take the generated descriptors as they are: payloads are the generated types', async () => {
    const saga = defineSaga<{ paymentId?: string }>()({
      name: 'checkout',
      events: { PaymentSucceeded: shop.PaymentSucceededMessage, PaymentFailed: shop.PaymentFailedMessage },
      states: ['takingPayment'],
      final: ['paid', 'failed'],
      correlateBy: { PaymentSucceeded: (event) => event.payload.checkoutId },
    })
      .startsWith('PaymentSucceeded', async (_saga, event) => ({ state: 'paid', data: { paymentId: event.payload.paymentId } }))
      .during('takingPayment', {
        on: {
          PaymentSucceeded: async (s, event) => {
            const paymentId: string = event.payload.paymentId;
            s.data.paymentId = paymentId;
            return 'paid';
          },
          PaymentFailed: async () => 'failed',
        },
        onTimeout: async () => 'failed',
      })
      .build();
    expect(saga.eventsByType.get(shop.PaymentSucceededMessage.type)).toBe('PaymentSucceeded');
  });
});

import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/runtime/contract.js';
import { buildOutgoing } from '../../../src/runtime/envelope.js';
import { InvalidPayloadError } from '../../../src/runtime/errors.js';
import { publishOrderCancelled, publishOrderCreated } from '../../fixtures/runtime/shop-contract.js';

const now = Date.parse('2026-03-01T10:00:00.123Z');
const context = { source: 'shop/order', userId: 'shop-order', now, newId: () => 'id-1' };
const order = { orderId: '9b2f0c5e-7d4c-4a67-9e0b-6f8e1f5d2a11', customerId: 'c-1', total: 10, currency: 'EUR' as const, lines: [{ sku: 'A', quantity: 1, price: 10 }] };

describe('buildOutgoing', () => {
  it('puts each envelope attribute in one place: AMQP properties, ce-* headers for the rest; persistent and mandatory', () => {
    const message = buildOutgoing(publishOrderCreated, order, { subject: order.orderId, tenantId: 't-1', headers: { 'x-app': 'yes', skipped: undefined } }, context);
    expect(message).toMatchObject({ exchange: 'shop.events', routingKey: 'shop.order.created', messageId: 'id-1', type: 'shop.OrderCreated' });
    expect(message.properties).toEqual({
      contentType: 'application/json',
      deliveryMode: 2,
      mandatory: true,
      messageId: 'id-1',
      type: 'shop.OrderCreated',
      timestamp: Math.floor(now / 1000),
      appId: 'shop/order',
      correlationId: 'id-1',
      userId: 'shop-order',
      headers: {
        'x-app': 'yes',
        'ce-time': '2026-03-01T10:00:00.123Z',
        'ce-dataversion': '1.2.0',
        'ce-tenantid': 't-1',
        'ce-subject': order.orderId,
      },
    });
    expect(JSON.parse(message.content.toString())).toEqual(order);
  });

  it('continues the chain of the delivery that caused it: correlation, tenant, causation, trace', () => {
    const cause = {
      messageId: 'cause-1',
      correlationId: 'corr-1',
      tenantId: 'tenant-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'vendor=1',
    } as Envelope;
    const explicit = buildOutgoing(publishOrderCancelled, { orderId: order.orderId, reason: 'x' }, { causedBy: cause }, context);
    const inherited = buildOutgoing(publishOrderCancelled, { orderId: order.orderId, reason: 'x' }, undefined, { ...context, inherited: cause });
    for (const message of [explicit, inherited]) {
      expect(message.properties.correlationId).toBe('corr-1');
      expect(message.properties.headers).toMatchObject({
        'ce-causationid': 'cause-1',
        'ce-tenantid': 'tenant-1',
        traceparent: cause.traceparent,
        tracestate: 'vendor=1',
      });
    }
    // An explicit option wins over the cause; an active span's context wins over the cause's.
    const overridden = buildOutgoing(publishOrderCancelled, { orderId: order.orderId, reason: 'x' }, { causedBy: cause, correlationId: 'mine' }, { ...context, trace: { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' } });
    expect(overridden.properties.correlationId).toBe('mine');
    expect(overridden.properties.headers).toMatchObject({ traceparent: '00-11111111111111111111111111111111-2222222222222222-01' });
    expect(overridden.properties.headers).not.toHaveProperty('tracestate');
  });

  it('refuses an invalid payload naming every field, before building anything', () => {
    const bad = { ...order, total: -1, currency: 'YEN', lines: [{ sku: '', quantity: 1.5 }], extra: 1 };
    let error: unknown;
    try {
      buildOutgoing(publishOrderCreated, bad as never, undefined, context);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect((error as InvalidPayloadError).fields).toEqual(
      expect.arrayContaining([
        { field: 'total', message: 'must be >= 0' },
        { field: 'currency', message: 'must be one of "EUR", "GBP", "USD"' },
        { field: 'lines/0/sku', message: 'must NOT have fewer than 1 characters' },
        { field: 'lines/0/quantity', message: 'must be integer' },
        { field: 'lines/0/price', message: 'is required' },
        { field: 'extra', message: 'is not allowed (unknown property)' },
      ]),
    );
  });
});

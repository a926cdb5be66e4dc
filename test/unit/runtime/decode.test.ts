import { describe, expect, it } from 'vitest';
import { decodeIncoming, deployedUserPrefix, queueDecoder } from '../../../src/runtime/decode.js';
import { buildOutgoing } from '../../../src/runtime/envelope.js';
import type { IncomingMessage } from '../../../src/runtime/message.js';
import { billingOrders, publishOrderCreated } from '../../fixtures/runtime/shop-contract.js';

const decoder = queueDecoder(billingOrders);
const order = { orderId: '9b2f0c5e-7d4c-4a67-9e0b-6f8e1f5d2a11', customerId: 'c-1', total: 10, currency: 'EUR' as const, lines: [{ sku: 'A', quantity: 1, price: 10 }] };
const outgoing = buildOutgoing(publishOrderCreated, order, { subject: 's-1' }, { source: 'shop/order', userId: 'shop-order', now: Date.parse('2026-03-01T10:00:00Z'), newId: () => 'm-1' });
const valid: IncomingMessage = { content: outgoing.content, properties: outgoing.properties, exchange: 'shop.events', routingKey: 'shop.order.created', redelivered: false };

describe('decodeIncoming', () => {
  it('reads the envelope, the payload and the attempt', () => {
    const decoded = decodeIncoming(valid, decoder);
    expect(decoded).toMatchObject({
      ok: true,
      payload: order,
      attempt: 1,
      envelope: { messageId: 'm-1', type: 'shop.OrderCreated', source: 'shop/order', time: '2026-03-01T10:00:00.000Z', dataVersion: '1.2.0', correlationId: 'm-1', subject: 's-1', userId: 'shop-order', exchange: 'shop.events', routingKey: 'shop.order.created' },
    });
    expect(decoded.ok && decoded.descriptor.name).toBe('OrderCreated');
  });

  it('after a retry lap: attempt from x-ep-attempts; original route and publisher from x-ep-* headers', () => {
    const retried: IncomingMessage = {
      ...valid,
      exchange: 'billing.retry',
      routingKey: 'billing.orders',
      properties: {
        ...valid.properties,
        userId: 'shop-billing',
        headers: { ...valid.properties.headers, 'x-ep-attempts': 2, 'x-ep-original-exchange': 'shop.events', 'x-ep-original-routing-key': 'shop.order.created', 'x-ep-original-user-id': 'shop-order' },
      },
    };
    expect(decodeIncoming(retried, decoder)).toMatchObject({ ok: true, attempt: 3, envelope: { exchange: 'shop.events', routingKey: 'shop.order.created', userId: 'shop-order' } });
    // The same headers arriving from anywhere else are not trusted.
    expect(decodeIncoming({ ...retried, exchange: 'shop.events' }, decoder)).toMatchObject({ ok: true, attempt: 1, envelope: { userId: 'shop-billing' } });
  });

  it.each([
    ['no message id', { properties: { type: 'shop.OrderCreated' } }, 'invalid-envelope'],
    ['no type', { properties: { messageId: 'x' } }, 'invalid-envelope'],
    ['a type this queue does not receive', { properties: { messageId: 'x', type: 'crm.Lead' } }, 'unknown-type'],
    ['a non-JSON content type', { properties: { messageId: 'x', type: 'shop.OrderCreated', contentType: 'application/xml' } }, 'unsupported-content-type'],
    ['compressed content', { properties: { messageId: 'x', type: 'shop.OrderCreated', contentEncoding: 'gzip' } }, 'unsupported-content-type'],
    ['another major version', { properties: { messageId: 'x', type: 'shop.OrderCreated', headers: { 'ce-dataversion': '2.0.0' } } }, 'version-mismatch'],
    ['bytes that are not JSON', { content: Buffer.from([0xff, 0xfe]), properties: { messageId: 'x', type: 'shop.OrderCreated' } }, 'undecodable'],
    ['JSON of another shape', { content: Buffer.from('{"id":1}'), properties: { messageId: 'x', type: 'shop.OrderCreated' } }, 'invalid-payload'],
  ])('refuses %s', (_, overrides, reason) => {
    const message = { ...valid, ...overrides } as IncomingMessage;
    expect(decodeIncoming(message, decoder)).toMatchObject({ ok: false, reason });
  });

  it('explains an invalid payload field by field', () => {
    const decoded = decodeIncoming({ ...valid, content: Buffer.from('{"orderId":"nope","customerId":"c","total":1,"currency":"EUR","lines":[]}') }, decoder);
    expect(decoded).toEqual({ ok: false, reason: 'invalid-payload', type: 'shop.OrderCreated', detail: 'orderId must match format "uuid"; lines must NOT have fewer than 1 items' });
  });
});

describe('decodeIncoming with a sender check (commands on a direct exchange)', () => {
  const checked = queueDecoder({
    ...billingOrders,
    senders: { byType: { 'shop.OrderCreated': ['shop-order'] }, serviceUsers: ['shop-billing', 'shop-order', 'shop-cart'] },
  });
  const sentBy = (userId: string | undefined, headers: Record<string, unknown> = {}): IncomingMessage => ({
    ...valid,
    properties: { ...valid.properties, userId, headers: { ...valid.properties.headers, ...headers } },
  });

  it('accepts the contract sender', () => {
    expect(decodeIncoming(sentBy('shop-order'), checked)).toMatchObject({ ok: true, envelope: { userId: 'shop-order' } });
  });

  it.each([
    ['another service', sentBy('shop-cart'), 'was sent by shop-cart'],
    ['no user_id', sentBy(undefined), 'has no user_id'],
    ['a service posing as a replay', sentBy('shop-cart', { 'x-ep-replayed': '2026-03-01T10:00:00Z', 'x-ep-original-user-id': 'shop-order' }), 'was sent by shop-cart'],
    ['an operator replaying a forbidden message', sentBy('ops', { 'x-ep-replayed': '2026-03-01T10:00:00Z', 'x-ep-original-user-id': 'shop-cart' }), 'is a replay by ops of a message sent by shop-cart'],
  ])('dead-letters a message from %s', (_, message, detail) => {
    const decoded = decodeIncoming(message, checked);
    expect(decoded).toMatchObject({ ok: false, reason: 'forbidden-sender', type: 'shop.OrderCreated' });
    expect(!decoded.ok && decoded.detail).toBe(`shop.OrderCreated may only be sent by shop-order; this one ${detail}`);
  });

  it("accepts an operator's replay of an allowed sender's message, and its own retries", () => {
    expect(decodeIncoming(sentBy('ops', { 'x-ep-replayed': '2026-03-01T10:00:00Z', 'x-ep-original-user-id': 'shop-order' }), checked)).toMatchObject({ ok: true });
    const retried = { ...sentBy('shop-billing', { 'x-ep-attempts': 1, 'x-ep-original-user-id': 'shop-order' }), exchange: 'billing.retry' };
    expect(decodeIncoming(retried, checked)).toMatchObject({ ok: true, attempt: 2, envelope: { userId: 'shop-order' } });
  });

  it('compares against the deployed names when the deployment prefixes every user (tests, chaos)', () => {
    expect(deployedUserPrefix('t42-shop-billing', 'shop-billing')).toBe('t42-');
    expect(deployedUserPrefix('shop-billing', 'shop-billing')).toBe('');
    expect(deployedUserPrefix('someone-else', 'shop-billing')).toBe('');
    const namespaced = queueDecoder({ ...billingOrders, senders: { byType: { 'shop.OrderCreated': ['shop-order'] }, serviceUsers: ['shop-billing', 'shop-order'] } }, undefined, 't42-');
    expect(decodeIncoming(sentBy('t42-shop-order'), namespaced)).toMatchObject({ ok: true });
    expect(decodeIncoming(sentBy('shop-order'), namespaced)).toMatchObject({ ok: false, reason: 'forbidden-sender' });
  });
});

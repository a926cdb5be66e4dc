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
    // The same headers arriving from anywhere else are not trusted: shop-billing is not the sender.
    expect(decodeIncoming({ ...retried, exchange: 'shop.events' }, decoder)).toMatchObject({ ok: false, reason: 'forbidden-sender' });
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
    const message = { ...valid, ...overrides, properties: { userId: 'shop-order', ...overrides.properties } } as IncomingMessage;
    expect(decodeIncoming(message, decoder)).toMatchObject({ ok: false, reason });
  });

  it('explains an invalid payload field by field', () => {
    const decoded = decodeIncoming({ ...valid, content: Buffer.from('{"orderId":"nope","customerId":"c","total":1,"currency":"EUR","lines":[]}') }, decoder);
    expect(decoded).toEqual({ ok: false, reason: 'invalid-payload', type: 'shop.OrderCreated', detail: 'orderId must match format "uuid"; lines must NOT have fewer than 1 items' });
  });
});

describe('the sender rule: broker-verified user_id and routing key against the contract', () => {
  const checked = queueDecoder(billingOrders, { ownUser: 'shop-billing' });
  const sentBy = (userId: string | undefined, headers: Record<string, unknown> = {}, routingKey = 'shop.order.created'): IncomingMessage => ({
    ...valid,
    routingKey,
    properties: { ...valid.properties, userId, headers: { ...valid.properties.headers, ...headers } },
  });

  it('accepts the contract sender on the contract routing key', () => {
    expect(decodeIncoming(sentBy('shop-order'), checked)).toMatchObject({ ok: true, envelope: { userId: 'shop-order' } });
  });

  it.each([
    ['another service', sentBy('shop-cart'), 'was sent by shop-cart'],
    ['no user_id', sentBy(undefined), 'has no user_id'],
    ['a service posing as a replay', sentBy('shop-cart', { 'x-ep-replayed': '2026-03-01T10:00:00Z', 'x-ep-original-user-id': 'shop-order' }), 'was sent by shop-cart'],
    ['a service posing as a retry of its own on the retry exchange', { ...sentBy('shop-cart', { 'x-ep-attempts': 1, 'x-ep-original-user-id': 'shop-order' }), exchange: 'billing.retry' }, 'was sent by shop-cart'],
    ['an operator replaying a forbidden message', sentBy('eventplane-admin', { 'x-ep-replayed': '2026-03-01T10:00:00Z', 'x-ep-original-user-id': 'shop-cart' }), 'is a replay by eventplane-admin of a message sent by shop-cart'],
    ['an operator publishing a message of its own', sentBy('eventplane-admin'), 'is a replay by eventplane-admin of a message sent by an unknown user'],
  ])('dead-letters a message from %s (forbidden-sender)', (_, message, detail) => {
    const decoded = decodeIncoming(message, checked);
    expect(decoded).toMatchObject({ ok: false, reason: 'forbidden-sender', type: 'shop.OrderCreated' });
    expect(!decoded.ok && decoded.detail).toBe(`shop.OrderCreated may only be sent by shop-order; this one ${detail}`);
  });

  it('dead-letters a type that does not belong to the routing key it came with (type-mismatch)', () => {
    expect(decodeIncoming(sentBy('shop-order', {}, 'shop.order.cancelled'), checked)).toEqual({
      ok: false,
      reason: 'type-mismatch',
      type: 'shop.OrderCreated',
      detail: 'shop.OrderCreated is published with routing key shop.order.created; this one came with shop.order.cancelled',
    });
    // A replay is judged by the routing key it was first published with, not the queue name it was replayed to.
    const replayed = { ...sentBy('eventplane-admin', { 'x-ep-original-user-id': 'shop-order', 'x-ep-original-routing-key': 'shop.order.cancelled' }, 'billing.orders'), exchange: '' };
    expect(decodeIncoming(replayed, checked)).toMatchObject({ ok: false, reason: 'type-mismatch' });
  });

  it("accepts an operator's replay of an allowed sender's message (original route restored), and its own retries", () => {
    const replayed = { ...sentBy('eventplane-admin', { 'x-ep-original-user-id': 'shop-order', 'x-ep-original-exchange': 'shop.events', 'x-ep-original-routing-key': 'shop.order.created' }, 'billing.orders'), exchange: '' };
    expect(decodeIncoming(replayed, checked)).toMatchObject({ ok: true, attempt: 1, envelope: { userId: 'shop-order', exchange: 'shop.events', routingKey: 'shop.order.created' } });
    const retried = { ...sentBy('shop-billing', { 'x-ep-attempts': 1, 'x-ep-original-user-id': 'shop-order', 'x-ep-original-routing-key': 'shop.order.created' }, 'billing.orders'), exchange: 'billing.retry' };
    expect(decodeIncoming(retried, checked)).toMatchObject({ ok: true, attempt: 2, envelope: { userId: 'shop-order' } });
    const otherOperators = queueDecoder(billingOrders, { ownUser: 'shop-billing', operators: ['ops'] });
    expect(decodeIncoming({ ...replayed, properties: { ...replayed.properties, userId: 'ops' } }, otherOperators)).toMatchObject({ ok: true });
    expect(decodeIncoming(replayed, otherOperators)).toMatchObject({ ok: false, reason: 'forbidden-sender' });
  });

  it('matches a parameterised channel address word for word', () => {
    const parameterised = queueDecoder({ ...billingOrders, senders: { byType: { 'shop.OrderCreated': ['shop-order'] }, routingKeys: { 'shop.OrderCreated': ['shop.{region}.created'] } } });
    expect(decodeIncoming(sentBy('shop-order', {}, 'shop.eu.created'), parameterised)).toMatchObject({ ok: true });
    expect(decodeIncoming(sentBy('shop-order', {}, 'shop.eu.west.created'), parameterised)).toMatchObject({ ok: false, reason: 'type-mismatch' });
  });

  it('lets only an is: queue type, or a replay, arrive through the default exchange', () => {
    const direct = { ...sentBy('shop-order', {}, 'billing.orders'), exchange: '' };
    expect(decodeIncoming(direct, checked)).toMatchObject({ ok: false, reason: 'forbidden-sender', detail: expect.stringContaining('through the default exchange') });
    // An `is: queue` channel: senders outside the contracts write the queue by name.
    const workQueue = queueDecoder({ ...billingOrders, senders: { byType: {}, routingKeys: { 'shop.OrderCreated': ['billing.orders'] }, viaDefaultExchange: ['shop.OrderCreated'] } });
    expect(decodeIncoming(direct, workQueue)).toMatchObject({ ok: true, envelope: { exchange: '', routingKey: 'billing.orders' } });
    expect(decodeIncoming({ ...direct, properties: { ...direct.properties, userId: undefined } }, workQueue)).toMatchObject({ ok: true });
    expect(decodeIncoming({ ...direct, routingKey: 'elsewhere' }, workQueue)).toMatchObject({ ok: false, reason: 'type-mismatch' });
  });

  it('compares against the deployed names when the deployment prefixes every user (tests, chaos)', () => {
    expect(deployedUserPrefix('t42-shop-billing', 'shop-billing')).toBe('t42-');
    expect(deployedUserPrefix('shop-billing', 'shop-billing')).toBe('');
    expect(deployedUserPrefix('someone-else', 'shop-billing')).toBe('');
    const namespaced = queueDecoder(billingOrders, { userPrefix: 't42-' });
    expect(decodeIncoming(sentBy('t42-shop-order'), namespaced)).toMatchObject({ ok: true });
    expect(decodeIncoming(sentBy('shop-order'), namespaced)).toMatchObject({ ok: false, reason: 'forbidden-sender' });
  });
});

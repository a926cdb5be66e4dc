import { describe, expect, it } from 'vitest';
import { errorText, failureHeaders, planFailure, republished, trimStack } from '../../../src/runtime/failure.js';
import { billingOrders } from '../../fixtures/runtime/shop-contract.js';

describe('the retry ladder', () => {
  it('sends failed attempt n to retry queue n, and the last one to the dead-letter exchange', () => {
    expect(planFailure(billingOrders, 1)).toEqual({ kind: 'retry', exchange: 'billing.retry', routingKey: 'billing.orders.retry.1', delayMs: 200, retry: 1 });
    expect(planFailure(billingOrders, 2)).toEqual({ kind: 'retry', exchange: 'billing.retry', routingKey: 'billing.orders.retry.2', delayMs: 800, retry: 2 });
    expect(planFailure(billingOrders, 3)).toEqual({ kind: 'dead-letter', exchange: 'billing.dlx', routingKey: 'billing.orders' });
    expect(planFailure({ ...billingOrders, retry: { ...billingOrders.retry, retries: 0 } }, 1).kind).toBe('dead-letter');
  });
});

describe('failure headers', () => {
  const info = { reason: 'handler-failed' as const, error: 'Error: boom', attempts: 1, queue: 'billing.orders', originalExchange: 'shop.events', originalRoutingKey: 'shop.order.created', originalUserId: 'shop-order' };

  it('keep the original route, publisher and first failure across laps, and drop the broker’s x-death', () => {
    const first = failureHeaders({ 'ce-id': 'm', 'x-death': [{}], 'x-delivery-count': 2 }, { ...info, now: Date.parse('2026-01-01T00:00:00Z'), stack: 'Error: boom\n    at x' });
    expect(first).toEqual({
      'ce-id': 'm',
      'x-ep-reason': 'handler-failed',
      'x-ep-error': 'Error: boom',
      'x-ep-stack': 'Error: boom\n    at x',
      'x-ep-attempts': 1,
      'x-ep-queue': 'billing.orders',
      'x-ep-original-exchange': 'shop.events',
      'x-ep-original-routing-key': 'shop.order.created',
      'x-ep-original-user-id': 'shop-order',
      'x-ep-first-failure-at': '2026-01-01T00:00:00.000Z',
      'x-ep-last-failure-at': '2026-01-01T00:00:00.000Z',
    });
    const second = failureHeaders(first, { ...info, attempts: 2, now: Date.parse('2026-01-01T00:00:05Z'), originalExchange: 'billing.retry', originalRoutingKey: 'billing.orders', originalUserId: 'shop-billing' });
    expect(second).toMatchObject({
      'x-ep-attempts': 2,
      'x-ep-original-exchange': 'shop.events',
      'x-ep-original-routing-key': 'shop.order.created',
      'x-ep-original-user-id': 'shop-order',
      'x-ep-first-failure-at': '2026-01-01T00:00:00.000Z',
      'x-ep-last-failure-at': '2026-01-01T00:00:05.000Z',
    });
    expect(second).not.toHaveProperty('x-ep-stack');
  });

  it('trim stacks and error texts so headers stay small', () => {
    const stack = ['Error: x', ...Array.from({ length: 40 }, (_, i) => `    at f${i} (file.ts:${i})`), '    at node:internal/process/task_queues:95:5'].join('\n');
    const trimmed = trimStack(stack)!;
    expect(trimmed.split('\n')).toHaveLength(12);
    expect(trimmed).not.toContain('node:internal');
    expect(errorText(new TypeError('x'.repeat(5000)))).toHaveLength(1001);
    expect(errorText('plain')).toBe('plain');
  });

  it('republish under this service’s user, persistent, without a per-message TTL', () => {
    const copy = republished(
      { content: Buffer.from('{}'), exchange: 'shop.events', routingKey: 'k', redelivered: true, properties: { messageId: 'm', type: 't', userId: 'shop-order', expiration: '1000', deliveryMode: 1, headers: { a: 1 } } },
      { exchange: 'billing.dlx', routingKey: 'billing.orders' },
      { b: 2 },
      'shop-billing',
    );
    expect(copy).toMatchObject({ exchange: 'billing.dlx', routingKey: 'billing.orders', messageId: 'm', type: 't' });
    expect(copy.properties).toMatchObject({ userId: 'shop-billing', deliveryMode: 2, mandatory: true, headers: { b: 2 } });
    expect(copy.properties.expiration).toBeUndefined();
  });
});

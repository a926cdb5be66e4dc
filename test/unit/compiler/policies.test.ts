import { describe, expect, it } from 'vitest';
import { deadLetterPolicy, durationMs, queuePolicy, retryPolicy } from '../../../src/compiler/model/policies.js';

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['1s', 1000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    [250, 250],
  ])('%s is %d ms', (input, ms) => expect(durationMs(input)).toBe(ms));

  it.each(['5 minutes', '1', 's', '-1s', 0, 1.5, null])('%s is not a duration', (input) => expect(durationMs(input)).toBeUndefined());
});

describe('retry ladder', () => {
  it('defaults to 5 retries growing geometrically from 1 s to exactly 5 min', () => {
    const retry = retryPolicy(undefined);
    expect(retry.retries).toBe(5);
    expect(retry.delaysMs).toEqual([1000, 4162, 17321, 72084, 300_000]);
    expect(retry.multiplier).toBeCloseTo(4.1618, 3);
  });

  it('grows by a given multiplier, capped at maxDelay', () => {
    expect(retryPolicy({ retries: 4, initialDelay: '1s', maxDelay: '10s', multiplier: 3 }).delaysMs).toEqual([1000, 3000, 9000, 10_000]);
  });

  it('with one retry waits the initial delay; with none it dead-letters at once', () => {
    expect(retryPolicy({ retries: 1, initialDelay: '2s' }).delaysMs).toEqual([2000]);
    expect(retryPolicy({ retries: 0 }).delaysMs).toEqual([]);
  });
});

describe('queue and dead-letter defaults', () => {
  it('are the safe defaults of docs/CONTRACTS.md', () => {
    expect(queuePolicy(undefined, 'order.shop.payment.succeeded')).toEqual({
      name: 'order.shop.payment.succeeded',
      type: 'quorum',
      maxLength: 100_000,
      overflow: 'reject-publish',
      deliveryLimit: 10,
      prefetch: 50,
      concurrency: 10,
      depthAlert: 1000,
    });
    expect(deadLetterPolicy(undefined, 'q')).toEqual({ queue: 'q.dlq', maxLength: 1_000_000, warnAt: 1, pageAt: 100 });
  });

  it('take what the contract sets', () => {
    const queue = queuePolicy({ name: 'q', type: 'classic', messageTtl: '1h', maxLengthBytes: 1024, prefetch: 5 }, 'default');
    expect(queue).toMatchObject({ name: 'q', type: 'classic', messageTtlMs: 3_600_000, maxLengthBytes: 1024, prefetch: 5, concurrency: 10 });
    expect(deadLetterPolicy({ queue: 'dead', messageTtl: '7d', warnAt: 5, pageAt: 50 }, 'q')).toEqual({
      queue: 'dead',
      maxLength: 1_000_000,
      messageTtlMs: 604_800_000,
      warnAt: 5,
      pageAt: 50,
    });
  });
});

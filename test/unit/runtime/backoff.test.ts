import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/runtime/backoff.js';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0.5 };
  it('grows exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 10].map((a) => backoffDelay(a, options, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('randomises the jitter share only', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(200);
    expect(backoffDelay(3, options, () => 0.5)).toBe(300);
    expect(backoffDelay(10, { ...options, jitter: 0 }, () => 0.9)).toBe(1000);
  });
});

import { describe, expect, it } from 'vitest';
import { OrderedLimiter } from '../../../src/runtime/ordered-limiter.js';

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('OrderedLimiter', () => {
  it('runs at most `concurrency` tasks at once', async () => {
    const limiter = new OrderedLimiter(2);
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 5 }, gate);
    gates.forEach((g) =>
      limiter.submit(undefined, async () => {
        running++;
        peak = Math.max(peak, running);
        await g.promise;
        running--;
      }),
    );
    expect(limiter.active).toBe(2);
    gates.forEach((g) => g.open());
    await limiter.idle();
    expect(peak).toBe(2);
    expect(limiter.size).toBe(0);
  });

  it('runs tasks of one key in submission order while other keys overtake', async () => {
    const limiter = new OrderedLimiter(4);
    const order: string[] = [];
    const slow = gate();
    limiter.submit('order-1', async () => {
      await slow.promise;
      order.push('order-1/a');
    });
    limiter.submit('order-1', async () => {
      order.push('order-1/b');
    });
    limiter.submit('order-2', async () => {
      order.push('order-2/a');
    });
    limiter.submit(undefined, async () => {
      order.push('no key');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['order-2/a', 'no key']);
    slow.open();
    await limiter.idle();
    expect(order).toEqual(['order-2/a', 'no key', 'order-1/a', 'order-1/b']);
  });

  it('keeps going when a task throws', async () => {
    const limiter = new OrderedLimiter(1);
    const ran: number[] = [];
    limiter.submit('k', () => Promise.reject(new Error('x')));
    limiter.submit('k', () => {
      throw new Error('sync');
    });
    limiter.submit('k', async () => {
      ran.push(3);
    });
    await limiter.idle();
    expect(ran).toEqual([3]);
  });

  it('hands back tasks that have not started', async () => {
    const limiter = new OrderedLimiter(1);
    const blocker = gate();
    limiter.submit('a', () => blocker.promise);
    limiter.submit('a', async () => {});
    limiter.submit('b', async () => {});
    expect(limiter.drainPending()).toHaveLength(2);
    expect(limiter.size).toBe(1);
    blocker.open();
    await limiter.idle();
    expect(limiter.size).toBe(0);
  });
});

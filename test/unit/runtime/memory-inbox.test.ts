import { describe, expect, it } from 'vitest';
import { MemoryInbox } from '../../../src/runtime/memory-inbox.js';

const key = (messageId: string, consumer = 'q') => ({ consumer, messageId });

describe('MemoryInbox', () => {
  it('runs work once per (consumer, message id)', async () => {
    const inbox = new MemoryInbox();
    let runs = 0;
    const work = async () => {
      runs++;
    };
    expect(await inbox.process(key('m1'), work)).toBe('processed');
    expect(await inbox.process(key('m1'), work)).toBe('duplicate');
    expect(await inbox.process(key('m1', 'other-queue'), work)).toBe('processed');
    expect(runs).toBe(2);
  });

  it('records nothing when the work fails, so a retry runs it', async () => {
    const inbox = new MemoryInbox();
    await expect(inbox.process(key('m1'), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      inbox.process(key('m1'), () => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    expect(await inbox.process(key('m1'), async () => {})).toBe('processed');
  });

  it('makes a concurrent duplicate wait for the first outcome', async () => {
    const inbox = new MemoryInbox();
    let release!: () => void;
    let runs = 0;
    const first = inbox.process(key('m1'), async () => {
      runs++;
      await new Promise<void>((resolve) => (release = resolve));
    });
    const second = inbox.process(key('m1'), async () => {
      runs++;
    });
    release();
    expect(await Promise.all([first, second])).toEqual(['processed', 'duplicate']);
    expect(runs).toBe(1);

    // If the first copy fails, the waiting one runs.
    let fail!: (error: Error) => void;
    const failing = inbox.process(key('m2'), () => new Promise<void>((_, reject) => (fail = reject)));
    const waiting = inbox.process(key('m2'), async () => {});
    fail(new Error('x'));
    await expect(failing).rejects.toThrow('x');
    expect(await waiting).toBe('processed');
  });

  it('forgets ids after the TTL and beyond maxEntries, oldest first', async () => {
    let now = 1_000;
    const inbox = new MemoryInbox({ ttlMs: 100, maxEntries: 3, now: () => now });
    for (const id of ['a', 'b', 'c', 'd']) await inbox.process(key(id), async () => {});
    expect(inbox.size).toBe(3);
    expect(await inbox.process(key('a'), async () => {})).toBe('processed'); // evicted by size
    expect(await inbox.process(key('d'), async () => {})).toBe('duplicate');
    now += 101;
    expect(await inbox.process(key('d'), async () => {})).toBe('processed'); // expired
  });
});

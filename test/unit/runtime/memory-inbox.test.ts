import { describe, expect, it } from 'vitest';
import { MemoryInbox } from '../../../src/runtime/memory-inbox.js';
import { SequenceGapError } from '../../../src/runtime/sequence.js';

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

  describe('per-aggregate order', () => {
    const event = (messageId: string, seq: number, after: number) => ({
      consumer: 'q',
      messageId,
      sequence: { stream: 'shop|order|o-1', seq, after, waitingSince: undefined },
    });
    const applied: number[] = [];
    const apply = (seq: number) => async () => {
      applied.push(seq);
    };

    it('holds back an event ahead of a gap in a stream it saw from the start', async () => {
      applied.length = 0;
      const inbox = new MemoryInbox();
      expect(await inbox.process(event('e1', 1, 0), apply(1))).toBe('processed');
      await expect(inbox.process(event('e3', 3, 2), apply(3))).rejects.toBeInstanceOf(SequenceGapError);
      expect(await inbox.process(event('e2', 2, 1), apply(2))).toBe('processed');
      expect(await inbox.process(event('e3', 3, 2), apply(3))).toBe('processed');
      expect(applied).toEqual([1, 2, 3]);
    });

    it('waits only briefly on a stream met mid-way (after a restart it cannot know what was applied before)', async () => {
      applied.length = 0;
      let now = 1_000_000;
      const restarted = new MemoryInbox({ now: () => now, unknownStreamWaitMs: 10_000 });
      const waiting = (since: number | undefined) => ({ ...event('e5', 5, 4), sequence: { ...event('e5', 5, 4).sequence, waitingSince: since } });
      await expect(restarted.process(waiting(undefined), apply(5))).rejects.toBeInstanceOf(SequenceGapError);
      now += 10_000;
      expect(await restarted.process(waiting(now - 10_000), apply(5))).toBe('processed');
      // Known from here on: the stream is held to its order with the full gap wait.
      await expect(restarted.process(event('e7', 7, 6), apply(7))).rejects.toBeInstanceOf(SequenceGapError);
      expect(await restarted.process(event('e6', 6, 5), apply(6))).toBe('processed');
      expect(applied).toEqual([5, 6]);
    });
  });
});

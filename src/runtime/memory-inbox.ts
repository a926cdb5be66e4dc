import type { Inbox, InboxKey, InboxOutcome } from './inbox.js';
import { DEFAULT_GAP_WAIT_MS, enforceSequence } from './sequence.js';

export interface MemoryInboxOptions {
  /** How long a processed message id is remembered (default 24 h). */
  readonly ttlMs?: number;
  /** Upper bound on remembered ids; the oldest are forgotten first (default 100 000). */
  readonly maxEntries?: number;
  readonly now?: () => number;
  /** How long an event ahead of a gap in its aggregate's sequence waits (default 5 min). */
  readonly gapWaitMs?: number;
  /** The same wait for a stream this inbox has not seen (default 10 s, never above gapWaitMs). */
  readonly unknownStreamWaitMs?: number;
}

/** Per consumer: message id → expiry time once processed, or the work still running. */
type Entries = Map<string, number | Promise<void>>;

/**
 * The default inbox: processed (consumer, message id) pairs in memory with a TTL. It suppresses
 * duplicates within one process's lifetime (publisher resends, redeliveries after a reconnect);
 * only a durable inbox that commits with the handler's writes survives a restart.
 *
 * Expiry walks a FIFO of remembered keys (one TTL for all, so insertion order is expiry order)
 * instead of iterating the Map, which in V8 re-scans deleted slots from the start each time.
 * A duplicate that arrives while the first copy still runs waits for its outcome.
 *
 * Sequenced events (./sequence.ts) are also kept in order per stream: the last applied seq of at
 * most `maxEntries` streams, least recently used forgotten first. A stream this inbox does not
 * know is either new (its first event overtaken by a later one: pipelining makes that a matter of
 * milliseconds) or was applied up to some point before a restart, which memory cannot tell. So an
 * event ahead of a gap in an unknown stream waits only `unknownStreamWaitMs`, not the whole gap
 * wait: a restarted consumer does not stall every aggregate in flight for minutes. Across restarts
 * a durable inbox keeps the order.
 */
export class MemoryInbox implements Inbox {
  private readonly consumers = new Map<string, Entries>();
  private orderEntries: Entries[] = [];
  private orderIds: string[] = [];
  private orderHead = 0;
  private remembered = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly gapWaitMs: number;
  private readonly unknownStreamWaitMs: number;
  /** `consumer \0 stream` → last applied seq, in least recently used order. */
  private readonly streams = new Map<string, number>();

  constructor(options: MemoryInboxOptions = {}) {
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
    this.gapWaitMs = options.gapWaitMs ?? DEFAULT_GAP_WAIT_MS;
    this.unknownStreamWaitMs = Math.min(options.unknownStreamWaitMs ?? 10_000, this.gapWaitMs);
  }

  /** Message ids remembered as processed. */
  get size(): number {
    return this.remembered;
  }

  process(key: InboxKey, work: () => Promise<void>): Promise<InboxOutcome> {
    let entries = this.consumers.get(key.consumer);
    if (entries === undefined) {
      entries = new Map();
      this.consumers.set(key.consumer, entries);
    }
    const id = key.messageId;
    const current = entries.get(id);
    if (current !== undefined) {
      if (typeof current !== 'number') {
        // The first copy is still running: its success makes this a duplicate, its failure a retry.
        return current.then(
          () => 'duplicate',
          () => this.process(key, work),
        );
      }
      if (current > this.now()) return Promise.resolve('duplicate');
      entries.delete(id);
      this.remembered--;
    }
    const sequence = key.sequence;
    const streamKey = sequence === undefined ? '' : `${key.consumer}\u0000${sequence.stream}`;
    let running: Promise<void>;
    try {
      if (sequence !== undefined) {
        const last = this.streams.get(streamKey);
        enforceSequence(last ?? 0, sequence, this.now(), last === undefined ? this.unknownStreamWaitMs : this.gapWaitMs);
      }
      running = work();
    } catch (error) {
      running = Promise.reject(error);
    }
    entries.set(id, running);
    const owner = entries;
    return running.then(
      () => {
        this.remember(owner, id);
        if (sequence !== undefined) this.advance(streamKey, sequence.seq);
        return 'processed';
      },
      (error: unknown) => {
        owner.delete(id);
        throw error;
      },
    );
  }

  private advance(streamKey: string, seq: number): void {
    const last = this.streams.get(streamKey) ?? 0;
    this.streams.delete(streamKey);
    this.streams.set(streamKey, Math.max(last, seq));
    if (this.streams.size > this.maxEntries) this.streams.delete(this.streams.keys().next().value!);
  }

  private remember(entries: Entries, id: string): void {
    const now = this.now();
    entries.set(id, now + this.ttlMs);
    this.remembered++;
    this.orderEntries.push(entries);
    this.orderIds.push(id);
    while (this.orderHead < this.orderIds.length) {
      const oldestEntries = this.orderEntries[this.orderHead]!;
      const oldestId = this.orderIds[this.orderHead]!;
      const expires = oldestEntries.get(oldestId);
      if (typeof expires === 'number') {
        if (expires > now && this.remembered <= this.maxEntries) break;
        oldestEntries.delete(oldestId);
        this.remembered--;
      }
      this.orderHead++;
    }
    if (this.orderHead > 4096 && this.orderHead * 2 > this.orderIds.length) {
      this.orderEntries = this.orderEntries.slice(this.orderHead);
      this.orderIds = this.orderIds.slice(this.orderHead);
      this.orderHead = 0;
    }
  }

  async close(): Promise<void> {
    this.consumers.clear();
    this.streams.clear();
    this.orderEntries = [];
    this.orderIds = [];
    this.orderHead = 0;
    this.remembered = 0;
  }
}

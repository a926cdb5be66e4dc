/**
 * Idempotency: the inbox remembers which messages a consumer has handled, keyed by consumer
 * and message id, so a redelivery runs the handler's side effects at most once.
 *
 * The runtime ships an in-memory TTL store (the default); the durable stores (PostgreSQL,
 * PGlite) implement the same interface and, in addition, commit the inbox row in the same
 * transaction as the handler's own writes.
 */
import type { SequencePosition } from './sequence.js';

export interface InboxKey {
  /** The consuming queue (or another stable consumer name). */
  readonly consumer: string;
  readonly messageId: string;
  /**
   * The message's place in its aggregate's sequence (./sequence.ts), when it has one: the inbox
   * then also keeps the aggregate's order, throwing SequenceGapError for an event ahead of a gap
   * and OutOfOrderError for one overtaken by a skipped gap.
   */
  readonly sequence?: SequencePosition | undefined;
}

export type InboxOutcome = 'processed' | 'duplicate';

export interface Inbox {
  /**
   * Runs `work` unless this key completed before (and, for a sequenced key, only in order). The key is recorded only when `work`
   * succeeds; if `work` throws, nothing is recorded and the error propagates (so it is retried).
   */
  process(key: InboxKey, work: () => Promise<void>): Promise<InboxOutcome>;
  close?(): Promise<void>;
}

/**
 * The durable inbox (shop.md's ProcessedEvents), two ways to use it:
 *
 * - `inbox.handle(consumer, (delivery, ctx, tx) => …)` — the transactional form, for handlers
 *   that write to the database: the inbox row and the handler's writes (and any `outbox.add`)
 *   commit in ONE transaction. A redelivery — even after a crash between that commit and the
 *   broker ack — finds the row and is skipped. Concurrent duplicates wait on the row's key and
 *   then skip. This is the form to use.
 *
 * - As the runtime's `Inbox` (`createAmqpBus({ inbox })`): remembers handled message ids in the
 *   database instead of memory, so duplicates are recognised across restarts and instances.
 *   The handler's side effects are not in the inbox's transaction here, so a crash after them
 *   and before the record runs them again: fine for idempotent effects, and the transactional
 *   form is there for the rest. Both forms share the table, so they recognise each other's rows
 *   when given the same consumer name (the queue).
 *
 * Rows older than the retention window (default 7 days) are deleted by `cleanup()`, which the
 * housekeeper (./housekeeping.ts) runs periodically.
 */
import type { Delivery, Handler, HandlerContext } from '../runtime/contract.js';
import { EP, headerNumber } from '../runtime/envelope.js';
import type { Inbox, InboxKey, InboxOutcome } from '../runtime/inbox.js';
import { DEFAULT_GAP_WAIT_MS, enforceSequence, sequencePosition, type SequencePosition } from '../runtime/sequence.js';
import { cleanupInbox } from './housekeeping.js';
import type { DurableStore, Transaction } from './store.js';

export const DEFAULT_INBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** A handler that writes through the transaction its inbox row commits in. */
export type TransactionalHandler<TDelivery extends Delivery = Delivery> = (
  delivery: TDelivery,
  context: HandlerContext,
  tx: Transaction,
) => Promise<void>;

/**
 * A queue name, or the receive descriptor it comes from (its `queue` is used, and its message
 * types: an event then waits only for earlier events of the types this queue receives; with a
 * bare name it waits for every earlier event of its aggregate).
 */
export type ConsumerName = string | { readonly queue: string; readonly messages?: readonly { readonly type: string }[] };

export interface DurableInboxOptions {
  /** How long handled message ids are remembered (default 7 days). */
  readonly retentionMs?: number;
  /** How long an event ahead of a gap in its aggregate's sequence waits before it is applied over the gap (default 5 min). */
  readonly gapWaitMs?: number;
}

export class DurableInbox implements Inbox {
  readonly retentionMs: number;
  readonly gapWaitMs: number;
  private readonly table: string;
  private readonly streams: string;
  /** In-process duplicates running at the same moment wait for the first instead of racing it. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    readonly store: DurableStore,
    options: DurableInboxOptions = {},
  ) {
    this.retentionMs = options.retentionMs ?? DEFAULT_INBOX_RETENTION_MS;
    this.gapWaitMs = options.gapWaitMs ?? DEFAULT_GAP_WAIT_MS;
    this.table = store.table('inbox');
    this.streams = store.table('inbox_streams');
  }

  /**
   * Wraps a handler so that it runs in a transaction with its inbox row: handled at most once
   * per message id per consumer, with exactly-once effect on the database.
   */
  handle<TDelivery extends Delivery>(consumer: ConsumerName, handler: TransactionalHandler<TDelivery>): Handler<TDelivery> {
    const name = consumerName(consumer);
    const received = typeof consumer === 'string' || consumer.messages === undefined ? undefined : new Set(consumer.messages.map((m) => m.type));
    return async (delivery, context) => {
      const envelope = delivery.envelope;
      const position = sequencePosition(envelope, received, headerNumber(envelope.headers, EP.gapSince));
      await this.store.transaction(async (tx) => {
        if (!(await this.record(tx, name, envelope.messageId))) {
          context.log.info({ consumer: name, messageId: envelope.messageId }, 'already handled: skipping the redelivery');
          return;
        }
        if (position !== undefined) {
          // Locks the stream's row until commit: one event of the aggregate at a time, in order.
          const { rows } = await tx.query<{ last_seq: string | number }>(
            `INSERT INTO ${this.streams} AS s (consumer, stream, last_seq) VALUES ($1, $2, 0)
             ON CONFLICT (consumer, stream) DO UPDATE SET last_seq = s.last_seq RETURNING s.last_seq`,
            [name, position.stream],
          );
          const verdict = enforceSequence(Number(rows[0]!.last_seq), position, Date.now(), this.gapWaitMs);
          if (verdict === 'apply-over-gap') warnGap(context, name, position);
        }
        await handler(delivery, context, tx);
        if (position !== undefined) {
          await tx.query(`UPDATE ${this.streams} SET last_seq = GREATEST(last_seq, $3), updated_at = now() WHERE consumer = $1 AND stream = $2`, [
            name,
            position.stream,
            position.seq,
          ]);
        }
      });
    };
  }

  /** Inserts the inbox row; false when it exists (the message was handled before). */
  async record(tx: Transaction, consumer: string, messageId: string): Promise<boolean> {
    const { rowCount } = await tx.query(
      `INSERT INTO ${this.table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT (consumer, message_id) DO NOTHING`,
      [consumer, messageId],
    );
    return rowCount > 0;
  }

  async seen(key: InboxKey): Promise<boolean> {
    const { rows } = await this.store.query(`SELECT 1 FROM ${this.table} WHERE consumer = $1 AND message_id = $2`, [
      key.consumer,
      key.messageId,
    ]);
    return rows.length > 0;
  }

  /** The runtime's Inbox: skip what was handled, otherwise run `work` and remember it when it succeeds. */
  async process(key: InboxKey, work: () => Promise<void>): Promise<InboxOutcome> {
    const id = `${key.consumer}\u0000${key.messageId}`;
    for (;;) {
      const running = this.inFlight.get(id);
      if (running === undefined) break;
      await running.catch(() => undefined);
    }
    const attempt = this.processOnce(key, work);
    this.inFlight.set(id, attempt);
    try {
      return await attempt;
    } finally {
      this.inFlight.delete(id);
    }
  }

  private async processOnce(key: InboxKey, work: () => Promise<void>): Promise<InboxOutcome> {
    const position = key.sequence;
    if (position === undefined) {
      if (await this.seen(key)) return 'duplicate';
      await work();
      // A transactional handler inside `work` may have recorded it already: then this is a no-op.
      await this.store.query(
        `INSERT INTO ${this.table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT (consumer, message_id) DO NOTHING`,
        [key.consumer, key.messageId],
      );
      return 'processed';
    }
    const { rows } = await this.store.query<{ seen: boolean; last_seq: string | number | null }>(
      `SELECT EXISTS (SELECT 1 FROM ${this.table} WHERE consumer = $1 AND message_id = $2) AS seen,
              (SELECT last_seq FROM ${this.streams} WHERE consumer = $1 AND stream = $3) AS last_seq`,
      [key.consumer, key.messageId, position.stream],
    );
    if (rows[0]!.seen) return 'duplicate';
    enforceSequence(Number(rows[0]!.last_seq ?? 0), position, Date.now(), this.gapWaitMs);
    await work();
    await this.store.query(
      `WITH recorded AS (
         INSERT INTO ${this.table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT (consumer, message_id) DO NOTHING)
       INSERT INTO ${this.streams} AS s (consumer, stream, last_seq) VALUES ($1, $3, $4)
       ON CONFLICT (consumer, stream) DO UPDATE SET last_seq = GREATEST(s.last_seq, EXCLUDED.last_seq), updated_at = now()`,
      [key.consumer, key.messageId, position.stream, position.seq],
    );
    return 'processed';
  }

  /** Forgets message ids handled, and streams idle, longer ago than the retention window; returns how many rows went. */
  cleanup(retentionMs: number = this.retentionMs): Promise<number> {
    return cleanupInbox(this.store, retentionMs);
  }
}

function warnGap(context: HandlerContext, consumer: string, position: SequencePosition): void {
  context.log.warn(
    { consumer, stream: position.stream, seq: position.seq, waitedFor: position.after },
    'event waited its longest for an earlier event of its aggregate: applying it over the gap (a late predecessor will be dead-lettered out-of-order)',
  );
}

function consumerName(consumer: ConsumerName): string {
  return typeof consumer === 'string' ? consumer : consumer.queue;
}

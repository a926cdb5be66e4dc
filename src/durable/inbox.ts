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
import type { Inbox, InboxKey, InboxOutcome } from '../runtime/inbox.js';
import { deleteInBatches } from './housekeeping.js';
import type { DurableStore, Transaction } from './store.js';

export const DEFAULT_INBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** A handler that writes through the transaction its inbox row commits in. */
export type TransactionalHandler<TDelivery extends Delivery = Delivery> = (
  delivery: TDelivery,
  context: HandlerContext,
  tx: Transaction,
) => Promise<void>;

/** A queue name, or the receive descriptor it comes from (its `queue` is used). */
export type ConsumerName = string | { readonly queue: string };

export interface DurableInboxOptions {
  /** How long handled message ids are remembered (default 7 days). */
  readonly retentionMs?: number;
}

export class DurableInbox implements Inbox {
  readonly retentionMs: number;
  private readonly table: string;
  /** In-process duplicates running at the same moment wait for the first instead of racing it. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    readonly store: DurableStore,
    options: DurableInboxOptions = {},
  ) {
    this.retentionMs = options.retentionMs ?? DEFAULT_INBOX_RETENTION_MS;
    this.table = store.table('inbox');
  }

  /**
   * Wraps a handler so that it runs in a transaction with its inbox row: handled at most once
   * per message id per consumer, with exactly-once effect on the database.
   */
  handle<TDelivery extends Delivery>(consumer: ConsumerName, handler: TransactionalHandler<TDelivery>): Handler<TDelivery> {
    const name = consumerName(consumer);
    return async (delivery, context) => {
      await this.store.transaction(async (tx) => {
        if (!(await this.record(tx, name, delivery.envelope.messageId))) {
          context.log.info({ consumer: name, messageId: delivery.envelope.messageId }, 'already handled: skipping the redelivery');
          return;
        }
        await handler(delivery, context, tx);
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
    if (await this.seen(key)) return 'duplicate';
    await work();
    // A transactional handler inside `work` may have recorded it already: then this is a no-op.
    await this.store.query(
      `INSERT INTO ${this.table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT (consumer, message_id) DO NOTHING`,
      [key.consumer, key.messageId],
    );
    return 'processed';
  }

  /** Forgets message ids handled longer ago than the retention window; returns how many. */
  cleanup(retentionMs: number = this.retentionMs): Promise<number> {
    return deleteInBatches(this.store, this.table, 'consumer, message_id', `processed_at < now() - $1 * interval '1 millisecond'`, retentionMs);
  }
}

function consumerName(consumer: ConsumerName): string {
  return typeof consumer === 'string' ? consumer : consumer.queue;
}

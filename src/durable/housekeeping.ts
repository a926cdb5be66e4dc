/**
 * Retention: deletes what the durable tables no longer need — inbox rows past their window
 * (7 days, shop.md), published outbox rows (kept 7 days for forensics) and finished saga
 * instances (7 days). Deletes in batches so a large backlog never becomes one long
 * transaction. Safe to run in every instance at once: deleting is idempotent.
 */
import { defaultLogger, type RuntimeLogger } from '../runtime/logger.js';
import type { DurableStore } from './store.js';
import { PeriodicTask } from './periodic.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const DELETE_BATCH = 10_000;

export interface RetentionOptions {
  /** Inbox rows (handled message ids), default 7 days. */
  readonly inboxMs?: number;
  /** Published outbox rows, default 7 days. */
  readonly outboxMs?: number;
  /** Finished saga instances, default 7 days. */
  readonly sagasMs?: number;
}

export interface HousekeepingResult {
  readonly inbox: number;
  readonly outbox: number;
  readonly sagas: number;
}

/**
 * Deletes rows of `table` matching `condition` (with `$1` the retention in ms), `DELETE_BATCH`
 * at a time, identified by `key` columns. Returns how many went.
 */
export async function deleteInBatches(store: DurableStore, table: string, key: string, condition: string, retentionMs: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { rowCount } = await store.query(
      `DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${condition} LIMIT ${DELETE_BATCH})`,
      [retentionMs],
    );
    deleted += rowCount;
    if (rowCount < DELETE_BATCH) return deleted;
  }
}

const older = (column: string) => `${column} < now() - $1 * interval '1 millisecond'`;

/** Handled message ids past the window, and aggregate streams idle for as long (./inbox.ts). */
export async function cleanupInbox(store: DurableStore, retentionMs: number): Promise<number> {
  const ids = await deleteInBatches(store, store.table('inbox'), 'consumer, message_id', older('processed_at'), retentionMs);
  const streams = await deleteInBatches(store, store.table('inbox_streams'), 'consumer, stream', older('updated_at'), retentionMs);
  return ids + streams;
}

export async function runHousekeeping(store: DurableStore, retention: RetentionOptions = {}): Promise<HousekeepingResult> {
  const inbox = await cleanupInbox(store, retention.inboxMs ?? 7 * DAY_MS);
  const outbox = await deleteInBatches(store, store.table('outbox'), 'id', older('published_at'), retention.outboxMs ?? 7 * DAY_MS);
  const sagas = await deleteInBatches(store, store.table('saga_instances'), 'saga, id', older('finished_at'), retention.sagasMs ?? 7 * DAY_MS);
  return { inbox, outbox, sagas };
}

export interface HousekeeperOptions extends RetentionOptions {
  /** How often to run (default hourly; also once at start). */
  readonly intervalMs?: number;
  readonly logger?: RuntimeLogger;
}

/** Runs housekeeping on a timer that never keeps the process alive. */
export class Housekeeper {
  private readonly task: PeriodicTask;

  constructor(store: DurableStore, options: HousekeeperOptions = {}) {
    const logger = options.logger ?? defaultLogger('housekeeping');
    this.task = new PeriodicTask(
      async () => {
        const result = await runHousekeeping(store, options);
        if (result.inbox + result.outbox + result.sagas > 0) logger.info({ deleted: result }, 'durable-state retention applied');
      },
      { intervalMs: options.intervalMs ?? 60 * 60 * 1000, what: 'durable-state housekeeping', logger, immediately: true },
    );
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}

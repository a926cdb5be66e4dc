/**
 * Fires saga timeouts from the deadlines stored in `saga_instances.timeout_at`, so they survive
 * restarts and work with any number of instances: each due instance is claimed with
 * `FOR UPDATE SKIP LOCKED` and handled in its own transaction (one failing handler delays only
 * its own instance, by `retryMs`).
 *
 * It sleeps until the nearest deadline it knows of (capped at `pollMs`, so deadlines set by
 * other processes are seen) and is woken early when this process sets a nearer one.
 */
import { Counter, type Registry } from 'prom-client';
import type { RuntimeLogger } from '../../runtime/logger.js';
import type { DurableStore, Transaction } from '../store.js';
import { Wakeup } from '../wakeup.js';

export interface DueInstance {
  readonly saga: string;
  readonly id: string;
  readonly state: string;
  readonly data: unknown;
  readonly version: number;
}

export interface TimeoutSchedulerOptions<T> {
  readonly store: DurableStore;
  readonly sagas: readonly string[];
  readonly logger: RuntimeLogger;
  readonly registry: Registry;
  readonly pollMs: number;
  readonly retryMs: number;
  /** Runs the timeout inside the claiming transaction. */
  readonly fire: (tx: Transaction, instance: DueInstance) => Promise<T | undefined>;
  /** Told after the transaction committed. */
  readonly fired: (result: T) => void;
}

const BATCH = 100;

export class TimeoutScheduler<T = unknown> {
  private readonly table: string;
  private readonly wakeup = new Wakeup();
  private readonly counter: Counter<'saga' | 'state'>;
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** When the loop plans to look again; a nearer deadline set in this process wakes it. */
  private sleepingUntil = 0;

  constructor(private readonly options: TimeoutSchedulerOptions<T>) {
    this.table = options.store.table('saga_instances');
    const name = 'eventplane_saga_timeouts_total';
    this.counter =
      (options.registry.getSingleMetric(name) as Counter<'saga' | 'state'> | undefined) ??
      new Counter({ name, help: 'Saga state timeouts fired.', labelNames: ['saga', 'state'], registers: [options.registry] });
  }

  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Lets the timeout being handled finish, then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeup.signal();
    await this.loop;
    this.loop = undefined;
  }

  /** A deadline `ms` from now was just committed. */
  deadlineIn(ms: number): void {
    if (this.loop && Date.now() + ms < this.sleepingUntil) this.wakeup.signal();
  }

  /** Fires up to `limit` due timeouts, one transaction each; returns how many fired. */
  async fireDue(limit = BATCH): Promise<number> {
    let fired = 0;
    while (fired < limit && !(this.stopping && fired > 0)) {
      let claimed: DueInstance | undefined;
      try {
        const result = await this.options.store.transaction(async (tx) => {
          const { rows } = await tx.query<DueInstance>(
            `SELECT saga, id, state, data, version FROM ${this.table}
             WHERE saga = ANY($1::text[]) AND timeout_at <= now()
             ORDER BY timeout_at
             LIMIT 1
             FOR UPDATE SKIP LOCKED`,
            [this.options.sagas],
          );
          claimed = rows[0];
          if (!claimed) return undefined;
          return { value: await this.options.fire(tx, claimed) };
        });
        if (!result) break;
        fired++;
        this.counter.inc({ saga: claimed!.saga, state: claimed!.state });
        if (result.value !== undefined) this.options.fired(result.value);
      } catch (error) {
        if (!claimed) throw error;
        await this.postpone(claimed, error);
      }
    }
    return fired;
  }

  private async postpone(instance: DueInstance, error: unknown): Promise<void> {
    this.options.logger.error(
      { err: error, saga: instance.saga, sagaId: instance.id, state: instance.state, retryInMs: this.options.retryMs },
      'saga timeout handler failed: trying again later',
    );
    await this.options.store.query(
      `UPDATE ${this.table} SET timeout_at = now() + $4 * interval '1 millisecond'
       WHERE saga = $1 AND id = $2 AND version = $3`,
      [instance.saga, instance.id, instance.version, this.options.retryMs],
    );
  }

  private async nextDeadlineMs(): Promise<number | undefined> {
    const { rows } = await this.options.store.query<{ ms: number | null }>(
      `SELECT (extract(epoch FROM (min(timeout_at) - now())) * 1000)::float8 AS ms
       FROM ${this.table} WHERE saga = ANY($1::text[]) AND timeout_at IS NOT NULL`,
      [this.options.sagas],
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? undefined : Math.max(0, ms);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let delay = this.options.pollMs;
      try {
        const fired = await this.fireDue();
        if (this.stopping) break;
        if (fired >= BATCH) continue;
        const next = await this.nextDeadlineMs();
        if (next !== undefined) delay = Math.min(delay, next);
      } catch (error) {
        this.options.logger.error({ err: error }, 'saga timeout scheduler failed (database unavailable?): retrying');
      }
      this.sleepingUntil = Date.now() + delay;
      await this.wakeup.wait(delay);
      this.sleepingUntil = 0;
    }
  }
}

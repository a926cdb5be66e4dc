/**
 * The outbox relay: publishes committed outbox events through the runtime (publisher confirms)
 * and marks them published. At least once: a crash between the confirm and the mark publishes
 * the event again, with the same message id, for the consumers' inboxes to recognise.
 *
 * One cycle: (1) in a short transaction, lease up to `partitionsPerClaim` of the 64 outbox
 * partitions with `FOR UPDATE SKIP LOCKED` (oldest work first) and read up to `batchSize`
 * pending rows from them in `seq` order; (2) publish them all without waiting for one confirm
 * before the next publish (the window of the runtime's confirm channel bounds what is in flight);
 * (3) in a second short transaction, mark what was confirmed (one statement for the batch),
 * schedule retries for what failed, release the partitions. While a full batch of sequenced rows
 * awaits its confirms, the relay renews its lease and claims the partitions' next batch (leaving
 * out the rows in flight) and publishes it, so the broker is never idle while the database marks
 * and claims; each batch is marked when its own confirms are in, the partitions released after
 * the last.
 *
 * Why publishing an aggregate's events back to back keeps its order: every event carries its
 * aggregate's sequence number (outbox.add draws it), and consumers' inboxes apply an event only
 * after its predecessor (runtime/sequence.ts). A nack, a lost connection or a crash can put event
 * n+1 in a queue before event n; the consumer then holds n+1 back until n, published again, has
 * been applied. Rows written before sequence numbers existed (no `aggregate_seq`) are still
 * published one after another within their aggregate.
 *
 * Why partitions: an aggregate always hashes to the same partition and a partition has one
 * relay at a time, so any number of relays keep each aggregate's order without ever skipping
 * past one another's rows. Why a lease rather than a transaction held open while publishing:
 * PGlite has a single connection, and a slow broker must not stall the service's own writes.
 * A relay that dies mid-cycle holds its partitions until the lease (default 60 s) runs out.
 *
 * Wakes on LISTEN/NOTIFY (a trigger notifies at commit), polls as a fallback, and keeps
 * cycling while there is work, `concurrency` cycles at a time (on distinct partitions) so the
 * database work of one overlaps the broker round trips of another.
 */
import { randomUUID } from 'node:crypto';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { backoffDelay, type BackoffOptions } from '../runtime/backoff.js';
import type { EventPublisher, ExchangeType, PayloadValidator, PublishOptions, SendDescriptor } from '../runtime/contract.js';
import { defaultLogger, type RuntimeLogger } from '../runtime/logger.js';
import type { StoredPublishOptions } from './outbox.js';
import { OutboxMetrics } from './outbox-metrics.js';
import type { DurableStore } from './store.js';
import { Wakeup } from './wakeup.js';

export interface OutboxRelayOptions {
  readonly store: DurableStore;
  readonly publisher: EventPublisher;
  /** Publish only this service's events (when several services share one schema). */
  readonly service?: string;
  /**
   * The service's send descriptors (from its generated client): publishes then re-validate with
   * the real validators. Rows of operations not listed are rebuilt from their columns.
   */
  readonly sends?: readonly SendDescriptor<any, any>[];
  /** Rows per cycle (default 500). */
  readonly batchSize?: number;
  /** Partitions leased per cycle, of 64 (default 16, so a second relay finds work too). */
  readonly partitionsPerClaim?: number;
  /**
   * Cycles run at once (default 2): while one publishes, the next claims and the previous marks,
   * so database round trips hide behind broker round trips. Each leases its own partitions.
   */
  readonly concurrency?: number;
  /** Poll interval when no notification arrives (default 1000 ms). */
  readonly pollIntervalMs?: number;
  /** How long leased partitions stay this relay's if it dies mid-cycle (default 60 s; keep it above the publish timeout). */
  readonly leaseMs?: number;
  /** Per-publish confirm timeout handed to the publisher. */
  readonly publishTimeoutMs?: number;
  /** Delay before retrying a failed event (default 1 s doubling to 5 min, 20 % jitter). */
  readonly retry?: BackoffOptions;
  /** Prometheus registry (default: prom-client's global one). */
  readonly registry?: Registry;
  /** The `outbox` label of the metrics (default: the service, else the schema). */
  readonly metricsLabel?: string;
  readonly logger?: RuntimeLogger;
  /** Identifies this relay's leases (default: a random id). */
  readonly id?: string;
  /** Observes every cycle (benchmarks, tests). */
  readonly onCycle?: (cycle: RelayCycle) => void;
}

export interface RelayCycle {
  /** Rows read for publishing. */
  readonly claimed: number;
  readonly published: number;
  /** Rows whose publish failed (their aggregate waits for the retry). */
  readonly failed: number;
}

export const OUTBOX_PARTITIONS = 64;
const DEFAULT_RETRY: BackoffOptions = { initialMs: 1_000, maxMs: 300_000, factor: 2, jitter: 0.2 };

interface OutboxRow {
  id: string;
  /** The table's commit-order key (bigint, as text from the driver). */
  seq: string;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  payload: unknown;
  headers: StoredPublishOptions;
  service: string;
  operation_id: string;
  system: string;
  vhost: string;
  exchange: string;
  exchange_type: string;
  routing_key: string;
  message_name: string;
  message_version: string;
  attempts: number;
  aggregate_seq: string | number | null;
  after_seq: Record<string, number> | null;
}

interface Failure {
  readonly row: OutboxRow;
  readonly error: unknown;
}

/** The payload was validated when it entered the outbox; a rebuilt descriptor trusts that. */
const alreadyValidated: PayloadValidator = Object.assign(() => true, { errors: null });

export class OutboxRelay {
  readonly id: string;
  private readonly store: DurableStore;
  private readonly batchSize: number;
  private readonly partitionsPerClaim: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly retry: BackoffOptions;
  private readonly sends = new Map<string, SendDescriptor>();
  private readonly metrics: OutboxMetrics;
  private readonly label: string;
  private readonly logger: RuntimeLogger;
  private readonly wakeups: Wakeup[];
  private readonly sql: ReturnType<typeof relaySql>;
  /** All workers. */
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** When this relay's earliest scheduled retry is due: sleep no longer than that. */
  private nextRetryAt = Number.POSITIVE_INFINITY;
  private unlisten: (() => Promise<void>) | undefined;
  private untrack: (() => void) | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.store = options.store;
    this.id = options.id ?? `relay-${randomUUID()}`;
    this.batchSize = options.batchSize ?? 500;
    this.partitionsPerClaim = Math.min(OUTBOX_PARTITIONS, Math.max(1, options.partitionsPerClaim ?? 16));
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    for (const send of options.sends ?? []) this.sends.set(sendKey(send.service, send.operationId), send);
    this.metrics = OutboxMetrics.for(options.registry);
    this.label = options.metricsLabel ?? options.service ?? this.store.schema;
    this.logger = options.logger ?? defaultLogger(options.service ?? 'outbox-relay');
    this.sql = relaySql(this.store);
    this.wakeups = Array.from({ length: Math.max(1, options.concurrency ?? 2) }, () => new Wakeup());
  }

  private wakeAll(): void {
    for (const wakeup of this.wakeups) wakeup.signal();
  }

  /** Starts listening and relaying in the background. */
  async start(): Promise<void> {
    if (this.loop) return;
    this.stopping = false;
    this.unlisten = await this.store.listen(
      `${this.store.schema}_outbox`,
      () => this.wakeAll(),
      // Notifications may have been missed while the listening connection was down.
      () => this.wakeAll(),
    );
    this.untrack = this.metrics.track(this.label, () => this.backlog());
    this.loop = Promise.all(this.wakeups.map((wakeup) => this.run(wakeup))).then(() => undefined);
  }

  /** Finishes the cycle in progress (its publishes and marks), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeAll();
    await this.loop;
    this.loop = undefined;
    await this.unlisten?.();
    this.unlisten = undefined;
    this.untrack?.();
    this.untrack = undefined;
  }

  /** Events committed and not yet published (this relay's service only, when it has one). */
  async backlog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const { rows } = await this.store.query<{ pending: number; oldest: number }>(this.sql.backlog, [this.options.service ?? null]);
    return { pending: rows[0]?.pending ?? 0, oldestAgeSeconds: rows[0]?.oldest ?? 0 };
  }

  /**
   * One lease: claim partitions and a batch, publish it, and while a full batch awaits its
   * confirms claim and publish the next batch of the same partitions (`pipelined`), so the
   * broker never waits for a mark and a claim between batches; mark each batch as its confirms
   * arrive; release the partitions after the last. Returns the totals of its batches.
   */
  async runOnce(): Promise<RelayCycle> {
    const claimed = await this.claim();
    let partitions = claimed.partitions;
    let rows = claimed.rows;
    const total = { claimed: 0, published: 0, failed: 0 };
    if (rows.length === 0) return this.report(total);
    let publishing = this.publishBatch(rows);
    for (;;) {
      let next: OutboxRow[] = [];
      if (!this.stopping && rows.length === this.batchSize && rows.every(isSequenced)) {
        const more = await this.claimMore(partitions, rows);
        partitions = more.partitions;
        next = more.rows;
      }
      // The next batch goes out before this one's confirms are awaited.
      const publishingNext = next.length > 0 ? this.publishBatch(next) : undefined;
      const { published, failures } = await publishing;
      await this.settle(partitions, published, failures, publishingNext === undefined);
      const cycle = this.report({ claimed: rows.length, published: published.length, failed: failures.length });
      total.claimed += cycle.claimed;
      total.published += cycle.published;
      total.failed += cycle.failed;
      if (publishingNext === undefined) return total;
      rows = next;
      publishing = publishingNext;
    }
  }

  /** Publishes `rows` (in seq order); resolves once every publish is confirmed or failed. */
  private async publishBatch(rows: readonly OutboxRow[]): Promise<{ published: OutboxRow[]; failures: Failure[] }> {
    const published: OutboxRow[] = [];
    const failures: Failure[] = [];
    const attempt = (row: OutboxRow): Promise<boolean> =>
      this.publish(row).then(
        () => (published.push(row), true),
        (error: unknown) => (failures.push({ row, error }), false),
      );
    const inFlight: Promise<boolean>[] = [];
    const legacy: OutboxRow[] = [];
    // Sequenced rows go out at once, in seq order; consumers restore the order whatever happens.
    for (const row of rows) {
      if (isSequenced(row)) inFlight.push(attempt(row));
      else legacy.push(row);
    }
    if (legacy.length > 0) {
      // Unsequenced rows: one after another within an aggregate, stopping at its first failure.
      inFlight.push(
        ...groupByAggregate(legacy).map(async (group) => {
          for (const row of group) if (!(await attempt(row))) return false;
          return true;
        }),
      );
    }
    await Promise.all(inFlight);
    return { published, failures };
  }

  private report(cycle: RelayCycle): RelayCycle {
    this.options.onCycle?.(cycle);
    return cycle;
  }

  /** One worker: cycles back to back while there is work, sleeps on its wakeup otherwise. */
  private async run(wakeup: Wakeup): Promise<void> {
    let errors = 0;
    while (!this.stopping) {
      let busy = false;
      try {
        const cycle = await this.runOnce();
        busy = cycle.published + cycle.failed > 0;
        errors = 0;
      } catch (error) {
        errors++;
        this.logger.error({ err: error, relay: this.id }, 'outbox relay cycle failed (database unavailable?): retrying');
      }
      if (this.stopping) break;
      if (busy) continue;
      let delay = errors > 0 ? Math.min(30_000, this.pollIntervalMs * 2 ** Math.min(errors, 5)) : this.pollIntervalMs;
      if (this.nextRetryAt <= Date.now() + delay) {
        delay = Math.max(0, this.nextRetryAt - Date.now());
        this.nextRetryAt = Number.POSITIVE_INFINITY;
      }
      await wakeup.wait(delay);
    }
  }

  private claim(): Promise<{ partitions: number[]; rows: OutboxRow[] }> {
    const service = this.options.service ?? null;
    return this.store.transaction(async (tx) => {
      const leased = await tx.query<{ partition: number }>(this.sql.leasePartitions, [
        this.id,
        this.leaseMs,
        this.partitionsPerClaim,
        service,
      ]);
      const partitions = leased.rows.map((row) => Number(row.partition));
      if (partitions.length === 0) return { partitions, rows: [] };
      const { rows } = await tx.query<OutboxRow>(this.sql.pendingRows, [partitions, service, this.batchSize]);
      if (rows.length === 0) {
        // Only rows waiting for a retry: give the partitions back at once.
        await tx.query(this.sql.releasePartitions, [partitions, this.id]);
      }
      return { partitions, rows };
    });
  }

  /**
   * The next batch of partitions this relay still leases, while `inFlight` (a batch of sequenced
   * rows) awaits its confirms: the lease is renewed, and the rows in flight, not yet marked, are
   * left out. The batch stops before the first unsequenced row, which must wait for its
   * predecessor's confirm (the next fresh claim takes it). Partitions whose lease was lost (a
   * relay stalled past it) are given up: another relay may be publishing them now.
   */
  private claimMore(partitions: readonly number[], inFlight: readonly OutboxRow[]): Promise<{ partitions: number[]; rows: OutboxRow[] }> {
    const service = this.options.service ?? null;
    return this.store.transaction(async (tx) => {
      const renewed = await tx.query<{ partition: number }>(this.sql.renewLease, [partitions, this.id, this.leaseMs]);
      const held = renewed.rows.map((row) => Number(row.partition));
      if (held.length === 0) return { partitions: held, rows: [] };
      const { rows } = await tx.query<OutboxRow>(this.sql.morePendingRows, [held, service, this.batchSize, inFlight.map((row) => row.seq)]);
      const legacy = rows.findIndex((row) => !isSequenced(row));
      return { partitions: held, rows: legacy === -1 ? rows : rows.slice(0, legacy) };
    });
  }

  private async publish(row: OutboxRow): Promise<void> {
    const stored = row.headers;
    const options: PublishOptions = {
      messageId: row.id,
      subject: stored.subject,
      ...(stored.correlationId !== undefined ? { correlationId: stored.correlationId } : {}),
      ...(stored.tenantId !== undefined ? { tenantId: stored.tenantId } : {}),
      ...(stored.headers !== undefined ? { headers: stored.headers } : {}),
      ...(stored.causedBy !== undefined ? { causedBy: { ...stored.causedBy, headers: {} } } : {}),
      ...(this.options.publishTimeoutMs !== undefined ? { timeoutMs: this.options.publishTimeoutMs } : {}),
      ...(row.aggregate_seq !== null ? { sequence: { aggregate: row.aggregate_type, seq: Number(row.aggregate_seq), after: row.after_seq ?? {} } } : {}),
    };
    // Continue the trace of the code that added the event, not the relay's.
    const parent = stored.trace ? propagation.extract(ROOT_CONTEXT, stored.trace) : ROOT_CONTEXT;
    await context.with(parent, () => this.options.publisher.publish(this.sendFor(row), row.payload, options));
  }

  private sendFor(row: OutboxRow): SendDescriptor {
    const known = this.sends.get(sendKey(row.service, row.operation_id));
    if (known) return known;
    return {
      operationId: row.operation_id,
      service: row.service,
      vhost: row.vhost,
      exchange: row.exchange,
      exchangeType: row.exchange_type as ExchangeType,
      routingKey: row.routing_key,
      message: {
        name: row.message_name,
        type: row.event_type,
        version: row.message_version,
        system: row.system,
        contentType: 'application/json',
        validate: alreadyValidated,
      },
    };
  }

  /** Marks a batch; `release`: give the partitions back (the lease's last batch). */
  private async settle(partitions: number[], published: OutboxRow[], failures: Failure[], release: boolean): Promise<void> {
    const lags = await this.store.transaction(async (tx) => {
      // A mark lost to a database crash only publishes the event again (same message id, which
      // inboxes drop): no need to wait for the WAL flush on every cycle.
      await tx.query('SET LOCAL synchronous_commit = off');
      const marked =
        published.length === 0
          ? { rows: [] }
          : await tx.query<{ event_type: string; lag: number }>(this.sql.markPublished, [published.map((row) => row.seq)]);
      if (failures.length > 0) {
        const delays = failures.map((failure) => backoffDelay(failure.row.attempts + 1, this.retry));
        await tx.query(this.sql.scheduleRetries, [
          failures.map((failure) => failure.row.id),
          failures.map((failure) => errorText(failure.error)),
          delays,
        ]);
        this.nextRetryAt = Math.min(this.nextRetryAt, Date.now() + Math.min(...delays));
      }
      if (release) await tx.query(this.sql.releasePartitions, [partitions, this.id]);
      return marked.rows;
    });
    for (const { event_type: type, lag } of lags) {
      this.metrics.published.inc({ outbox: this.label, type });
      this.metrics.lagSeconds.observe({ outbox: this.label }, lag);
    }
    for (const { row, error } of failures) {
      this.metrics.failures.inc({ outbox: this.label, type: row.event_type });
      this.logger.warn(
        {
          relay: this.id,
          messageId: row.id,
          type: row.event_type,
          aggregate: `${row.aggregate_type}/${row.aggregate_id}`,
          attempts: row.attempts + 1,
          err: error,
        },
        'outbox publish failed: retrying later (later events of this aggregate wait for it)',
      );
    }
  }
}

/** Rows written before sequence numbers existed have none: they go out one after another. */
function isSequenced(row: OutboxRow): boolean {
  return row.aggregate_seq !== null;
}

function sendKey(service: string, operationId: string): string {
  return `${service}\u0000${operationId}`;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 2_000);
}

/** Rows grouped by aggregate, each group in seq order (the rows arrive sorted by seq). */
function groupByAggregate(rows: readonly OutboxRow[]): OutboxRow[][] {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const key = `${row.aggregate_type}\u0000${row.aggregate_id}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()];
}

function relaySql(store: DurableStore) {
  const outbox = store.table('outbox');
  const partitions = store.table('outbox_partitions');
  const pending = `o.published_at IS NULL AND ($SERVICE::text IS NULL OR o.service = $SERVICE::text)`;
  const due = `(o.retry_at IS NULL OR o.retry_at <= now())`;
  const pendingRows = (exclude: string) => `
    WITH blocked AS (
      SELECT b.aggregate_type, b.aggregate_id, min(b.seq) AS from_seq
      FROM ${outbox} b
      WHERE b.partition = ANY($1::smallint[]) AND b.published_at IS NULL AND b.retry_at IS NOT NULL AND b.retry_at > now()
      GROUP BY b.aggregate_type, b.aggregate_id
    )
    SELECT o.id, o.seq, o.aggregate_type, o.aggregate_id, o.event_type, o.payload, o.headers, o.service,
           o.operation_id, o.system, o.vhost, o.exchange, o.exchange_type, o.routing_key,
           o.message_name, o.message_version, o.attempts, o.aggregate_seq, o.after_seq
    FROM ${outbox} o
    LEFT JOIN blocked ON blocked.aggregate_type = o.aggregate_type AND blocked.aggregate_id = o.aggregate_id
    WHERE o.partition = ANY($1::smallint[]) AND ${pending.replaceAll('$SERVICE', '$2')} AND ${due}
      AND (blocked.from_seq IS NULL OR o.seq < blocked.from_seq) ${exclude}
    ORDER BY o.seq
    LIMIT $3`;
  return {
    // Partitions nobody holds that have due work, oldest work first; SKIP LOCKED passes over
    // partitions another relay is leasing right now instead of waiting for it.
    leasePartitions: `
      WITH candidates AS (
        SELECT p.partition
        FROM ${partitions} p
        WHERE (p.claimed_until IS NULL OR p.claimed_until < now())
          AND EXISTS (SELECT 1 FROM ${outbox} o WHERE o.partition = p.partition AND ${pending.replaceAll('$SERVICE', '$4')} AND ${due})
        ORDER BY (SELECT min(o.seq) FROM ${outbox} o WHERE o.partition = p.partition AND o.published_at IS NULL)
        LIMIT $3
        FOR UPDATE OF p SKIP LOCKED
      )
      UPDATE ${partitions} p
      SET claimed_by = $1, claimed_until = now() + $2 * interval '1 millisecond'
      FROM candidates
      WHERE p.partition = candidates.partition
      RETURNING p.partition`,
    // Every due row of the leased partitions in seq order, except those queued behind an
    // earlier event of their aggregate that is waiting for a retry. The blocked aggregates are
    // found once (few rows: the outbox_retrying index), not per row: a per-row look at the
    // aggregate's earlier rows grows with the aggregate's backlog (and its published rows'
    // dead index entries), quadratic for one hot aggregate.
    pendingRows: pendingRows(''),
    // The same rows for a relay that already leases the partitions, minus the batch it has in flight.
    morePendingRows: pendingRows('AND o.seq <> ALL($4::bigint[])'),
    renewLease: `
      UPDATE ${partitions} SET claimed_until = now() + $3 * interval '1 millisecond'
      WHERE partition = ANY($1::smallint[]) AND claimed_by = $2
      RETURNING partition`,
    // By seq, not id: a bigint key is found in its index faster than a text one (collation).
    markPublished: `
      UPDATE ${outbox}
      SET published_at = now(), retry_at = NULL
      WHERE seq = ANY($1::bigint[]) AND published_at IS NULL
      RETURNING event_type, GREATEST(0, extract(epoch FROM (now() - created_at)))::float8 AS lag`,
    scheduleRetries: `
      UPDATE ${outbox} o
      SET attempts = o.attempts + 1, last_error = f.error, retry_at = now() + f.delay_ms * interval '1 millisecond'
      FROM unnest($1::text[], $2::text[], $3::int[]) AS f(id, error, delay_ms)
      WHERE o.id = f.id`,
    releasePartitions: `
      UPDATE ${partitions} SET claimed_by = NULL, claimed_until = NULL
      WHERE partition = ANY($1::smallint[]) AND claimed_by = $2`,
    backlog: `
      SELECT count(*)::int AS pending,
             COALESCE(GREATEST(0, extract(epoch FROM (now() - min(o.created_at)))), 0)::float8 AS oldest
      FROM ${outbox} o
      WHERE ${pending.replaceAll('$SERVICE', '$1')}`,
  };
}

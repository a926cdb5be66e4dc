/**
 * The ledger: what a scenario sent, confirmed, delivered, lost and saw twice, read from the
 * producer's and the consumer's databases — the record of what really happened, not counters
 * kept by the processes being killed.
 *
 * - sent: entries committed by the producer (its table; each has an outbox row in the same
 *   transaction).
 * - confirmed: outbox rows the relay marked published, i.e. the broker confirmed them.
 * - delivered: distinct entries the consumer's handler committed.
 * - lost: committed entries never delivered.
 * - duplicates: deliveries of an entry already handled — those the inboxes recognised
 *   (`chaos_duplicates`) plus any applied a second time (`chaos_effects` rows beyond one per
 *   entry, which has no unique key so the inbox cannot hide a failure).
 * - absorbed: duplicates an inbox recognised and skipped.
 * - orderViolations: entries the consumer applied after a later entry of the same account (the
 *   aggregate), judged by the account position the producer committed (`accountSeq`) against the
 *   order the consumer applied them in (`applied_order`, first application of each entry) — what
 *   the consumer actually did, whatever mechanism keeps the order.
 * - recovery_ms: for each fault, the time until (a) the producer had a publish confirmed after
 *   it, (b) the consumer had handled a delivery after it, and (c) every entry committed but not
 *   yet confirmed when it struck was confirmed; the worst over the scenario's faults.
 */
import pg from 'pg';

export interface LedgerRow {
  readonly name: string;
  readonly sent: number;
  readonly confirmed: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly absorbed: number;
  readonly orderViolations: number;
  readonly recovery_ms: number;
}

export interface LedgerDetail {
  /** Absorbed duplicates by the inbox that caught them. */
  readonly absorbedBy: { readonly runtime: number; readonly durable: number };
  /** Entries whose effect was applied more than once (must be 0). */
  readonly appliedTwice: number;
  /** Recovery per fault, in fault order; null where nothing happened after the fault to measure it by. */
  readonly recoveries: readonly (number | null)[];
  /** The first lost entries, for the report. */
  readonly lostSample: readonly number[];
}

export interface Progress {
  readonly sent: number;
  readonly confirmed: number;
  readonly delivered: number;
}

/** A pool per database, opened lazily; the workers create the tables, so a missing table reads as 0. */
export class ScenarioDatabases {
  readonly source: pg.Pool;
  readonly sink: pg.Pool;

  constructor(sourceUrl: string, sinkUrl: string) {
    this.source = new pg.Pool({ connectionString: sourceUrl, max: 2 });
    this.sink = new pg.Pool({ connectionString: sinkUrl, max: 2 });
    // An idle client whose server connection drops must not crash the suite.
    this.source.on('error', () => undefined);
    this.sink.on('error', () => undefined);
  }

  async progress(): Promise<Progress> {
    const [sent, confirmed, delivered] = await Promise.all([
      count(this.source, 'SELECT count(*) AS n FROM chaos_entries'),
      count(this.source, 'SELECT count(*) AS n FROM eventplane.outbox WHERE published_at IS NOT NULL'),
      count(this.sink, 'SELECT count(DISTINCT seq) AS n FROM chaos_effects'),
    ]);
    return { sent, confirmed, delivered };
  }

  /** Outbox rows committed and not yet confirmed (the entries a producer crash strands). */
  unpublished(): Promise<number> {
    return count(this.source, 'SELECT count(*) AS n FROM eventplane.outbox WHERE published_at IS NULL');
  }

  async ledger(name: string, faults: readonly number[]): Promise<{ row: LedgerRow; detail: LedgerDetail }> {
    const sentSeqs = (await this.source.query<{ seq: string }>('SELECT seq FROM chaos_entries')).rows.map((r) => Number(r.seq));
    const confirmed = await count(this.source, 'SELECT count(*) AS n FROM eventplane.outbox WHERE published_at IS NOT NULL');
    const applied = await this.sink.query<{ seq: string; times: string }>('SELECT seq, count(*) AS times FROM chaos_effects GROUP BY seq');
    const deliveredSeqs = new Set(applied.rows.map((r) => Number(r.seq)));
    const appliedTwice = applied.rows.reduce((n, r) => n + (Number(r.times) - 1), 0);
    const byLayer = await this.sink.query<{ layer: string; n: string }>('SELECT layer, count(*) AS n FROM chaos_duplicates GROUP BY layer');
    const layer = (name: string) => Number(byLayer.rows.find((r) => r.layer === name)?.n ?? 0);
    const absorbedBy = { runtime: layer('runtime'), durable: layer('durable') };
    const absorbed = absorbedBy.runtime + absorbedBy.durable;
    const lostSeqs = sentSeqs.filter((seq) => !deliveredSeqs.has(seq)).sort((a, b) => a - b);
    const orderViolations = await this.orderViolations();
    const recoveries: (number | null)[] = [];
    for (const fault of faults) recoveries.push(await this.recovery(fault));
    const measured = recoveries.filter((r): r is number => r !== null);
    return {
      row: {
        name,
        sent: sentSeqs.length,
        confirmed,
        delivered: sentSeqs.length - lostSeqs.length,
        lost: lostSeqs.length,
        duplicates: absorbed + appliedTwice,
        absorbed,
        orderViolations,
        recovery_ms: Math.round(Math.max(0, ...measured)),
      },
      detail: { absorbedBy, appliedTwice, recoveries: recoveries.map((r) => (r === null ? null : Math.round(r))), lostSample: lostSeqs.slice(0, 20) },
    };
  }

  /**
   * Per account, walks the entries in the order they were first applied and counts each one whose
   * position is below the highest position already applied: it came after a later entry.
   */
  private async orderViolations(): Promise<number> {
    const { rows } = await this.sink.query<{ account: string; account_seq: string }>(
      `SELECT account, account_seq FROM (
         SELECT DISTINCT ON (seq) seq, account, account_seq, applied_order FROM chaos_effects ORDER BY seq, applied_order
       ) AS first ORDER BY account, applied_order`,
    );
    let violations = 0;
    let account: string | undefined;
    let highest = 0;
    for (const row of rows) {
      const position = Number(row.account_seq);
      if (row.account !== account) {
        account = row.account;
        highest = 0;
      }
      if (position < highest) violations++;
      else highest = position;
    }
    return violations;
  }

  /** null when no publish or no delivery followed the fault: it struck a drained stream and proved nothing. */
  private async recovery(fault: number): Promise<number | null> {
    const at = fault / 1000;
    const firstConfirm = await scalar(
      this.source,
      'SELECT extract(epoch FROM min(published_at)) * 1000 AS v FROM eventplane.outbox WHERE published_at > to_timestamp($1)',
      [at],
    );
    const firstHandled = await scalar(this.sink, 'SELECT min(applied_ms) AS v FROM chaos_effects WHERE applied_ms > $1', [fault]);
    // Entries committed but not yet confirmed when the fault struck: the ones it could strand.
    // Their confirm (not their delivery) counts, so a consumer's ordinary backlog is not charged
    // to the fault; loss is the ledger's business, not recovery's.
    const strandedConfirmed = await scalar(
      this.source,
      `SELECT extract(epoch FROM max(published_at)) * 1000 AS v FROM eventplane.outbox
       WHERE created_at < to_timestamp($1) AND published_at > to_timestamp($1)`,
      [at],
    );
    if (firstConfirm === undefined || firstHandled === undefined) return null;
    return Math.max(firstConfirm, firstHandled, strandedConfirmed ?? 0) - fault;
  }

  async close(): Promise<void> {
    await Promise.all([this.source.end(), this.sink.end()]);
  }
}

async function count(pool: pg.Pool, sql: string): Promise<number> {
  try {
    const { rows } = await pool.query<{ n: string }>(sql);
    return Number(rows[0]?.n ?? 0);
  } catch (error) {
    if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '3F000') return 0; // table or schema not created yet
    throw error;
  }
}

async function scalar(pool: pg.Pool, sql: string, params: unknown[]): Promise<number | undefined> {
  const { rows } = await pool.query<{ v: string | number | null }>(sql, params);
  const value = rows[0]?.v;
  return value === null || value === undefined ? undefined : Number(value);
}

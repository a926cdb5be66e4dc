/** orbita/scheduling's persistence: every statement over its blocks, history, busy time, series and miss runs (./migrations/). */
import type { BlockKind, MeetingFrequency, TimeRange } from '../../../generated/types/orbita.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import { rangeOf, toSpan, type Span } from '../_shared/time.js';

export type BlockStatus = 'scheduled' | 'started' | 'cancelled' | 'missed';

interface BlockRow {
  id: string;
  user_id: string;
  kind: BlockKind;
  task_id: string | null;
  habit_id: string | null;
  meeting_series_id: string | null;
  start_at: Date | string;
  end_at: Date | string;
  origin: 'auto' | 'manual';
  status: BlockStatus;
  missed_count: number | null;
  version: number;
}

export interface Block {
  readonly blockId: string;
  readonly userId: string;
  readonly kind: BlockKind;
  readonly taskId?: string;
  readonly habitId?: string;
  readonly meetingSeriesId?: string;
  readonly time: TimeRange;
  readonly span: Span;
  readonly origin: 'auto' | 'manual';
  readonly status: BlockStatus;
  readonly missedCount?: number;
  readonly version: number;
}

/** A block as it is first placed. */
export type NewBlock = Omit<Block, 'span' | 'status' | 'missedCount' | 'version'>;

export interface HistoryEntry {
  readonly version: number;
  readonly event: string;
  readonly time: TimeRange;
  readonly reason?: string;
}

export interface Series {
  readonly seriesId: string;
  readonly userId: string;
  readonly frequency: MeetingFrequency;
  readonly durationMinutes: number;
  readonly prepBlockId?: string;
  readonly changes: number;
  readonly chainBreaks: number;
  readonly frequencies: MeetingFrequency[];
}

const toBlock = (r: BlockRow): Block => {
  const time = rangeOf(r.start_at, r.end_at);
  return {
    blockId: r.id,
    userId: r.user_id,
    kind: r.kind,
    ...(r.task_id !== null ? { taskId: r.task_id } : {}),
    ...(r.habit_id !== null ? { habitId: r.habit_id } : {}),
    ...(r.meeting_series_id !== null ? { meetingSeriesId: r.meeting_series_id } : {}),
    time,
    span: toSpan(time),
    origin: r.origin,
    status: r.status,
    ...(r.missed_count !== null ? { missedCount: r.missed_count } : {}),
    version: r.version,
  };
};

export type SchedulingRepository = ReturnType<typeof schedulingRepository>;

export function schedulingRepository(db: ServiceDatabase) {
  const blocks = db.table('blocks');
  const history = db.table('block_history');
  const busy = db.table('busy');
  const series = db.table('series');
  const missRuns = db.table('miss_runs');

  const addHistory = (tx: Transaction, blockId: string, version: number, event: string, time: TimeRange, reason?: string) =>
    tx.query(`INSERT INTO ${history} (block_id, version, event, start_at, end_at, reason) VALUES ($1, $2, $3, $4, $5, $6)`, [blockId, version, event, time.start, time.end, reason ?? null]);

  return {
    /** Serialises planning for one user: two plans never pick the same free time. */
    async lockUser(tx: Transaction, userId: string): Promise<void> {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('orbita.scheduling.user'), hashtext($1))`, [userId]);
    },

    async insertBlock(tx: Transaction, b: NewBlock): Promise<void> {
      await tx.query(
        `INSERT INTO ${blocks} (id, user_id, kind, task_id, habit_id, meeting_series_id, start_at, end_at, origin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [b.blockId, b.userId, b.kind, b.taskId ?? null, b.habitId ?? null, b.meetingSeriesId ?? null, b.time.start, b.time.end, b.origin],
      );
      await addHistory(tx, b.blockId, 1, 'BlockScheduled', b.time, b.origin);
    },

    async block(sql: Sql, id: string, lock = false): Promise<Block | undefined> {
      const { rows } = await sql.query<BlockRow>(`SELECT * FROM ${blocks} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
      return rows[0] && toBlock(rows[0]);
    },

    async blocks(sql: Sql, filter: { userId: string; taskId?: string; status?: BlockStatus }): Promise<Block[]> {
      const { rows } = await sql.query<BlockRow>(
        `SELECT * FROM ${blocks} WHERE user_id = $1 AND ($2::uuid IS NULL OR task_id = $2) AND ($3::text IS NULL OR status = $3) ORDER BY start_at, id`,
        [filter.userId, filter.taskId ?? null, filter.status ?? null],
      );
      return rows.map(toBlock);
    },

    async history(sql: Sql, blockId: string): Promise<HistoryEntry[]> {
      const { rows } = await sql.query<{ version: number; event: string; start_at: Date | string; end_at: Date | string; reason: string | null }>(
        `SELECT version, event, start_at, end_at, reason FROM ${history} WHERE block_id = $1 ORDER BY version`,
        [blockId],
      );
      return rows.map((r) => ({ version: r.version, event: r.event, time: rangeOf(r.start_at, r.end_at), ...(r.reason !== null ? { reason: r.reason } : {}) }));
    },

    async move(tx: Transaction, block: Block, time: TimeRange, reason: string): Promise<void> {
      await tx.query(`UPDATE ${blocks} SET start_at = $2, end_at = $3, version = version + 1, updated_at = now() WHERE id = $1`, [block.blockId, time.start, time.end]);
      await addHistory(tx, block.blockId, block.version + 1, 'BlockRescheduled', time, reason);
    },

    async setStatus(tx: Transaction, block: Block, status: BlockStatus, event: string | undefined, detail?: { reason?: string; missedCount?: number }): Promise<void> {
      await tx.query(`UPDATE ${blocks} SET status = $2, missed_count = COALESCE($3, missed_count), version = version + $4, updated_at = now() WHERE id = $1`, [
        block.blockId,
        status,
        detail?.missedCount ?? null,
        event ? 1 : 0,
      ]);
      if (event) await addHistory(tx, block.blockId, block.version + 1, event, block.time, detail?.reason);
    },

    /** Up to 100 scheduled blocks whose end has passed, earliest first. */
    async overdue(sql: Sql): Promise<string[]> {
      const { rows } = await sql.query<{ id: string }>(`SELECT id FROM ${blocks} WHERE status = 'scheduled' AND end_at <= now() ORDER BY end_at LIMIT 100`);
      return rows.map((r) => r.id);
    },

    async busyOf(sql: Sql, userId: string, except?: string): Promise<Span[]> {
      const { rows } = await sql.query<{ start_at: Date | string; end_at: Date | string }>(
        `SELECT start_at, end_at FROM ${busy} WHERE user_id = $1 AND calendar_event_id IS DISTINCT FROM $2
         UNION ALL SELECT start_at, end_at FROM ${blocks} WHERE user_id = $1 AND status IN ('scheduled', 'started') AND id::text IS DISTINCT FROM $2`,
        [userId, except ?? null],
      );
      return rows.map((r) => ({ start: new Date(r.start_at).getTime(), end: new Date(r.end_at).getTime() }));
    },

    async setBusy(tx: Transaction, calendarEventId: string, userId: string, time: TimeRange | undefined): Promise<void> {
      if (time === undefined) {
        await tx.query(`DELETE FROM ${busy} WHERE calendar_event_id = $1`, [calendarEventId]);
        return;
      }
      await tx.query(
        `INSERT INTO ${busy} (calendar_event_id, user_id, start_at, end_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (calendar_event_id) DO UPDATE SET start_at = EXCLUDED.start_at, end_at = EXCLUDED.end_at`,
        [calendarEventId, userId, time.start, time.end],
      );
    },

    async series(sql: Sql, id: string, lock = false): Promise<Series | undefined> {
      const { rows } = await sql.query<{
        id: string;
        user_id: string;
        frequency: MeetingFrequency;
        duration_minutes: number;
        prep_block_id: string | null;
        changes: number;
        chain_breaks: number;
        frequencies: MeetingFrequency[];
      }>(`SELECT * FROM ${series} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
      const r = rows[0];
      if (!r) return undefined;
      return {
        seriesId: r.id,
        userId: r.user_id,
        frequency: r.frequency,
        durationMinutes: r.duration_minutes,
        ...(r.prep_block_id !== null ? { prepBlockId: r.prep_block_id } : {}),
        changes: r.changes,
        chainBreaks: r.chain_breaks,
        frequencies: r.frequencies,
      };
    },

    async saveSeries(tx: Transaction, s: Series): Promise<void> {
      await tx.query(
        `INSERT INTO ${series} (id, user_id, frequency, duration_minutes, prep_block_id, changes, chain_breaks, frequencies) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
         ON CONFLICT (id) DO UPDATE SET frequency = EXCLUDED.frequency, duration_minutes = EXCLUDED.duration_minutes, prep_block_id = EXCLUDED.prep_block_id,
           changes = EXCLUDED.changes, chain_breaks = EXCLUDED.chain_breaks, frequencies = EXCLUDED.frequencies`,
        [s.seriesId, s.userId, s.frequency, s.durationMinutes, s.prepBlockId ?? null, s.changes, s.chainBreaks, JSON.stringify(s.frequencies)],
      );
    },

    /** Counts one more miss for `target` (`task:<id>`, `habit:<id>`) and returns the run. */
    async addMiss(tx: Transaction, target: string, next: (inARow: number) => number): Promise<number> {
      const { rows } = await tx.query<{ in_a_row: number }>(`SELECT in_a_row FROM ${missRuns} WHERE target = $1 FOR UPDATE`, [target]);
      const inARow = next(rows[0]?.in_a_row ?? 0);
      await tx.query(`INSERT INTO ${missRuns} (target, in_a_row) VALUES ($1, $2) ON CONFLICT (target) DO UPDATE SET in_a_row = EXCLUDED.in_a_row`, [target, inARow]);
      return inARow;
    },

    async resetMisses(tx: Transaction, target: string): Promise<void> {
      await tx.query(`DELETE FROM ${missRuns} WHERE target = $1`, [target]);
    },
  };
}

/** orbita/calendar's persistence: every statement over its mirror entries, their applied events and the synced provider events (./migrations/). */
import type { CalendarEventChanged, TimeRange } from '../../../generated/types/orbita.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import { rangeOf } from '../_shared/time.js';
import type { Entry, ExternalEvent } from './domain.js';

type Stamp = Date | string;

export interface MirrorEntry extends Entry {
  readonly blockId: string;
  readonly userId: string;
  readonly kind: string;
  readonly applied: number;
  readonly anomalies: number;
}

export interface AppliedEvent {
  readonly n: number;
  readonly event: string;
  readonly seq?: number;
  readonly time: TimeRange;
  readonly anomaly?: string;
}

export interface SyncedEvent extends ExternalEvent {
  readonly calendarEventId: string;
  readonly calendarId: string;
  readonly userId: string;
  readonly provider: CalendarEventChanged['provider'];
}

interface EntryRow {
  block_id: string;
  user_id: string;
  kind: string;
  start_at: Stamp;
  end_at: Stamp;
  status: Entry['status'];
  applied: number;
  anomalies: number;
}

const toEntry = (r: EntryRow): MirrorEntry => ({
  blockId: r.block_id,
  userId: r.user_id,
  kind: r.kind,
  time: rangeOf(r.start_at, r.end_at),
  status: r.status,
  applied: r.applied,
  anomalies: r.anomalies,
});

export type CalendarRepository = ReturnType<typeof calendarRepository>;

export function calendarRepository(db: ServiceDatabase) {
  const entries = db.table('entries');
  const applied = db.table('applied_events');
  const external = db.table('external_events');
  return {
    async entry(sql: Sql, blockId: string, lock = false): Promise<MirrorEntry | undefined> {
      const { rows } = await sql.query<EntryRow>(`SELECT * FROM ${entries} WHERE block_id = $1${lock ? ' FOR UPDATE' : ''}`, [blockId]);
      return rows[0] && toEntry(rows[0]);
    },

    async entriesOf(sql: Sql, userId: string): Promise<MirrorEntry[]> {
      const { rows } = await sql.query<EntryRow>(`SELECT * FROM ${entries} WHERE user_id = $1 ORDER BY start_at, block_id`, [userId]);
      return rows.map(toEntry);
    },

    /** Writes the entry after an event and appends the event to its applied log. */
    async apply(tx: Transaction, e: { blockId: string; userId: string; kind: string; entry: Entry; event: string; seq?: number; anomaly?: string }): Promise<void> {
      const { rows } = await tx.query<{ applied: number }>(
        `INSERT INTO ${entries} AS e (block_id, user_id, kind, start_at, end_at, status, applied, anomalies) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)
         ON CONFLICT (block_id) DO UPDATE SET start_at = EXCLUDED.start_at, end_at = EXCLUDED.end_at, status = EXCLUDED.status,
           applied = e.applied + 1, anomalies = e.anomalies + EXCLUDED.anomalies, updated_at = now()
         RETURNING e.applied`,
        [e.blockId, e.userId, e.kind, e.entry.time.start, e.entry.time.end, e.entry.status, e.anomaly ? 1 : 0],
      );
      await tx.query(`INSERT INTO ${applied} (block_id, n, event, seq, start_at, end_at, anomaly) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        e.blockId,
        rows[0]!.applied,
        e.event,
        e.seq ?? null,
        e.entry.time.start,
        e.entry.time.end,
        e.anomaly ?? null,
      ]);
    },

    async appliedEvents(sql: Sql, blockId: string): Promise<AppliedEvent[]> {
      const { rows } = await sql.query<{ n: number; event: string; seq: number | null; start_at: Stamp; end_at: Stamp; anomaly: string | null }>(
        `SELECT n, event, seq, start_at, end_at, anomaly FROM ${applied} WHERE block_id = $1 ORDER BY n`,
        [blockId],
      );
      return rows.map((r) => ({ n: r.n, event: r.event, ...(r.seq !== null ? { seq: r.seq } : {}), time: rangeOf(r.start_at, r.end_at), ...(r.anomaly !== null ? { anomaly: r.anomaly } : {}) }));
    },

    async synced(sql: Sql, calendarEventId: string, lock = false): Promise<SyncedEvent | undefined> {
      const { rows } = await sql.query<{
        calendar_event_id: string;
        calendar_id: string;
        user_id: string;
        provider: SyncedEvent['provider'];
        start_at: Stamp | null;
        end_at: Stamp | null;
        busy: boolean;
        all_day: boolean;
        deleted: boolean;
      }>(`SELECT * FROM ${external} WHERE calendar_event_id = $1${lock ? ' FOR UPDATE' : ''}`, [calendarEventId]);
      const r = rows[0];
      if (!r) return undefined;
      return {
        calendarEventId: r.calendar_event_id,
        calendarId: r.calendar_id,
        userId: r.user_id,
        provider: r.provider,
        ...(r.start_at !== null && r.end_at !== null ? { time: rangeOf(r.start_at, r.end_at) } : {}),
        busy: r.busy,
        allDay: r.all_day,
        deleted: r.deleted,
      };
    },

    async saveSynced(tx: Transaction, e: SyncedEvent): Promise<void> {
      await tx.query(
        `INSERT INTO ${external} (calendar_event_id, calendar_id, user_id, provider, start_at, end_at, busy, all_day, deleted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (calendar_event_id) DO UPDATE SET start_at = EXCLUDED.start_at, end_at = EXCLUDED.end_at, busy = EXCLUDED.busy,
           all_day = EXCLUDED.all_day, deleted = EXCLUDED.deleted, updated_at = now()`,
        [e.calendarEventId, e.calendarId, e.userId, e.provider, e.time?.start ?? null, e.time?.end ?? null, e.busy, e.allDay, e.deleted],
      );
    },
  };
}

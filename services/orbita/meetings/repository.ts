/** orbita/meetings' persistence: every statement over its series, check-ins and frequency changes (./migrations/). */
import type { MeetingFrequency } from '../../../generated/types/orbita.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';

export interface Series {
  readonly seriesId: string;
  readonly userId: string;
  readonly attendeeId: string;
  readonly frequency: MeetingFrequency;
  readonly durationMinutes: number;
  readonly anchor: string;
}

export interface FrequencyChange {
  readonly n: number;
  readonly previous: MeetingFrequency;
  readonly frequency: MeetingFrequency;
  readonly changedBy: 'user' | 'auto';
}

export type MeetingsRepository = ReturnType<typeof meetingsRepository>;

export function meetingsRepository(db: ServiceDatabase) {
  const series = db.table('series');
  const checkIns = db.table('check_ins');
  const changes = db.table('frequency_changes');
  return {
    async insert(tx: Transaction, s: Series): Promise<boolean> {
      const { rowCount } = await tx.query(
        `INSERT INTO ${series} (id, user_id, attendee_id, frequency, duration_minutes, anchor) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
        [s.seriesId, s.userId, s.attendeeId, s.frequency, s.durationMinutes, s.anchor],
      );
      return rowCount > 0;
    },

    async series(sql: Sql, id: string, lock = false): Promise<Series | undefined> {
      const { rows } = await sql.query<{ id: string; user_id: string; attendee_id: string; frequency: MeetingFrequency; duration_minutes: number; anchor: Date | string }>(
        `SELECT * FROM ${series} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
        [id],
      );
      const r = rows[0];
      return r && { seriesId: r.id, userId: r.user_id, attendeeId: r.attendee_id, frequency: r.frequency, durationMinutes: r.duration_minutes, anchor: new Date(r.anchor).toISOString() };
    },

    async setFrequency(tx: Transaction, s: Series, frequency: MeetingFrequency, changedBy: 'user' | 'auto'): Promise<void> {
      await tx.query(`UPDATE ${series} SET frequency = $2 WHERE id = $1`, [s.seriesId, frequency]);
      await tx.query(
        `INSERT INTO ${changes} (series_id, n, previous, frequency, changed_by) SELECT $1, COALESCE(MAX(n), 0) + 1, $2, $3, $4 FROM ${changes} WHERE series_id = $1`,
        [s.seriesId, s.frequency, frequency, changedBy],
      );
    },

    async changes(sql: Sql, id: string): Promise<FrequencyChange[]> {
      const { rows } = await sql.query<{ n: number; previous: MeetingFrequency; frequency: MeetingFrequency; changed_by: 'user' | 'auto' }>(
        `SELECT n, previous, frequency, changed_by FROM ${changes} WHERE series_id = $1 ORDER BY n`,
        [id],
      );
      return rows.map((r) => ({ n: r.n, previous: r.previous, frequency: r.frequency, changedBy: r.changed_by }));
    },

    /** Records a check-in and returns the health of every check-in so far, oldest first. */
    async checkIn(tx: Transaction, id: string, health: number): Promise<number[]> {
      await tx.query(`INSERT INTO ${checkIns} (series_id, n, health) SELECT $1, COALESCE(MAX(n), 0) + 1, $2 FROM ${checkIns} WHERE series_id = $1`, [id, health]);
      const { rows } = await tx.query<{ health: number }>(`SELECT health FROM ${checkIns} WHERE series_id = $1 ORDER BY n`, [id]);
      return rows.map((r) => r.health);
    },
  };
}

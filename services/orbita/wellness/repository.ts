/** orbita/wellness' persistence: every statement over its daily records (./migrations/). */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import { emptyDay, type Day } from './domain.js';

interface DayRow {
  day: string;
  activity_minutes: number;
  rest_minutes: number;
  mind_minutes: number;
  other_minutes: number;
  sessions: number;
  mood_sum: number;
  mood_count: number;
}

const toDay = (r: DayRow): Day => ({
  day: r.day,
  activityMinutes: r.activity_minutes,
  restMinutes: r.rest_minutes,
  mindMinutes: r.mind_minutes,
  otherMinutes: r.other_minutes,
  sessions: r.sessions,
  moodSum: r.mood_sum,
  moodCount: r.mood_count,
});

export type WellnessRepository = ReturnType<typeof wellnessRepository>;

export function wellnessRepository(db: ServiceDatabase) {
  const days = db.table('days');
  return {
    /** The user's record of `day`, locked for the caller's update (an empty one when there is none yet). */
    async lockDay(tx: Transaction, userId: string, day: string): Promise<Day> {
      await tx.query(`INSERT INTO ${days} (user_id, day) VALUES ($1, $2) ON CONFLICT (user_id, day) DO NOTHING`, [userId, day]);
      const { rows } = await tx.query<DayRow>(`SELECT * FROM ${days} WHERE user_id = $1 AND day = $2 FOR UPDATE`, [userId, day]);
      return rows[0] ? toDay(rows[0]) : emptyDay(day);
    },

    async saveDay(tx: Transaction, userId: string, d: Day): Promise<void> {
      await tx.query(
        `UPDATE ${days} SET activity_minutes = $3, rest_minutes = $4, mind_minutes = $5, other_minutes = $6, sessions = $7, mood_sum = $8, mood_count = $9 WHERE user_id = $1 AND day = $2`,
        [userId, d.day, d.activityMinutes, d.restMinutes, d.mindMinutes, d.otherMinutes, d.sessions, d.moodSum, d.moodCount],
      );
    },

    async days(sql: Sql, userId: string, from: string, to: string): Promise<Day[]> {
      const { rows } = await sql.query<DayRow>(`SELECT * FROM ${days} WHERE user_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day`, [userId, from, to]);
      return rows.map(toDay);
    },
  };
}

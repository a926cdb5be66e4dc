/** orbita/insights' persistence: every statement over its weekly records (./migrations/). */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import { emptyWeek, type Week } from './domain.js';

interface WeekRow {
  week: string;
  tasks_completed: number;
  on_time: number;
  tracked: number;
  estimate_minutes: number;
  actual_minutes: number;
  blocks_missed: number;
  habit_sessions: number;
  habit_days: string[];
}

const toWeek = (r: WeekRow): Week => ({
  week: r.week,
  tasksCompleted: r.tasks_completed,
  onTime: r.on_time,
  tracked: r.tracked,
  estimateMinutes: r.estimate_minutes,
  actualMinutes: r.actual_minutes,
  blocksMissed: r.blocks_missed,
  habitSessions: r.habit_sessions,
  habitDays: r.habit_days,
});

export type InsightsRepository = ReturnType<typeof insightsRepository>;

export function insightsRepository(db: ServiceDatabase) {
  const weeks = db.table('weeks');
  const select = `SELECT week, tasks_completed, on_time, tracked, estimate_minutes, actual_minutes, blocks_missed, habit_sessions, habit_days FROM ${weeks}`;
  return {
    /** Runs `change` on the user's week, locked, and saves what it returns. */
    async updateWeek(tx: Transaction, userId: string, week: string, change: (w: Week) => Week): Promise<void> {
      await tx.query(`INSERT INTO ${weeks} (user_id, week) VALUES ($1, $2) ON CONFLICT (user_id, week) DO NOTHING`, [userId, week]);
      const { rows } = await tx.query<WeekRow>(`${select} WHERE user_id = $1 AND week = $2 FOR UPDATE`, [userId, week]);
      const w = change(rows[0] ? toWeek(rows[0]) : emptyWeek(week));
      await tx.query(
        `UPDATE ${weeks} SET tasks_completed = $3, on_time = $4, tracked = $5, estimate_minutes = $6, actual_minutes = $7, blocks_missed = $8, habit_sessions = $9, habit_days = $10::jsonb
         WHERE user_id = $1 AND week = $2`,
        [userId, week, w.tasksCompleted, w.onTime, w.tracked, w.estimateMinutes, w.actualMinutes, w.blocksMissed, w.habitSessions, JSON.stringify(w.habitDays)],
      );
    },

    async week(sql: Sql, userId: string, week: string): Promise<Week> {
      const { rows } = await sql.query<WeekRow>(`${select} WHERE user_id = $1 AND week = $2`, [userId, week]);
      return rows[0] ? toWeek(rows[0]) : emptyWeek(week);
    },
  };
}

/** orbita/habits' persistence: every statement over its habits and sessions (./migrations/). */
import type { HabitCategory, HabitSessionCompleted } from '../../../generated/types/orbita.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { Streak, StreakState } from './domain.js';

export interface Habit extends Streak {
  readonly habitId: string;
  readonly userId: string;
  readonly name: string;
  readonly category: HabitCategory;
  readonly targetMinutes: number;
}

interface HabitRow {
  id: string;
  user_id: string;
  name: string;
  category: HabitCategory;
  target_minutes: number;
  streak_days: number;
  best_streak: number;
  last_session_day: string | null;
  streak_state: StreakState;
  missed_slots: number;
}

const toHabit = (r: HabitRow): Habit => ({
  habitId: r.id,
  userId: r.user_id,
  name: r.name,
  category: r.category,
  targetMinutes: r.target_minutes,
  streakDays: r.streak_days,
  bestStreak: r.best_streak,
  ...(r.last_session_day !== null ? { lastSessionDay: r.last_session_day } : {}),
  state: r.streak_state,
  missedSlots: r.missed_slots,
});

export type HabitsRepository = ReturnType<typeof habitsRepository>;

export function habitsRepository(db: ServiceDatabase) {
  const habits = db.table('habits');
  const sessions = db.table('sessions');
  return {
    async insert(tx: Transaction, h: { habitId: string; userId: string; name: string; category: HabitCategory; targetMinutes: number }): Promise<boolean> {
      const { rowCount } = await tx.query(
        `INSERT INTO ${habits} (id, user_id, name, category, target_minutes) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
        [h.habitId, h.userId, h.name, h.category, h.targetMinutes],
      );
      return rowCount > 0;
    },

    async habit(sql: Sql, id: string, lock = false): Promise<Habit | undefined> {
      const { rows } = await sql.query<HabitRow>(`SELECT * FROM ${habits} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
      return rows[0] && toHabit(rows[0]);
    },

    async ofUser(sql: Sql, userId: string): Promise<Habit[]> {
      const { rows } = await sql.query<HabitRow>(`SELECT * FROM ${habits} WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
      return rows.map(toHabit);
    },

    async saveStreak(tx: Transaction, id: string, s: Streak): Promise<void> {
      await tx.query(`UPDATE ${habits} SET streak_days = $2, best_streak = $3, last_session_day = $4, streak_state = $5, missed_slots = $6 WHERE id = $1`, [
        id,
        s.streakDays,
        s.bestStreak,
        s.lastSessionDay ?? null,
        s.state,
        s.missedSlots,
      ]);
    },

    /** False when the session exists already (a retried request). */
    async addSession(tx: Transaction, s: HabitSessionCompleted): Promise<boolean> {
      const { rowCount } = await tx.query(
        `INSERT INTO ${sessions} (id, habit_id, started_at, duration_minutes, mood, note, streak_days) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [s.sessionId, s.habitId, s.startedAt, s.durationMinutes, s.mood ?? null, s.note ?? null, s.streakDays],
      );
      return rowCount > 0;
    },

    async sessions(sql: Sql, habitId: string): Promise<Array<{ sessionId: string; startedAt: string; durationMinutes: number; mood?: number; streakDays: number }>> {
      const { rows } = await sql.query<{ id: string; started_at: Date | string; duration_minutes: number; mood: number | null; streak_days: number }>(
        `SELECT id, started_at, duration_minutes, mood, streak_days FROM ${sessions} WHERE habit_id = $1 ORDER BY started_at DESC LIMIT 50`,
        [habitId],
      );
      return rows.map((r) => ({ sessionId: r.id, startedAt: new Date(r.started_at).toISOString(), durationMinutes: r.duration_minutes, ...(r.mood !== null ? { mood: r.mood } : {}), streakDays: r.streak_days }));
    },
  };
}

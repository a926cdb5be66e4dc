/** orbita/insights' rules, pure: what each event adds to a user's week, and the week's scores. */

export interface Week {
  readonly week: string;
  readonly tasksCompleted: number;
  readonly onTime: number;
  /** Tasks completed with tracked time, and their estimated and actual minutes. */
  readonly tracked: number;
  readonly estimateMinutes: number;
  readonly actualMinutes: number;
  readonly blocksMissed: number;
  readonly habitSessions: number;
  /** Days (`YYYY-MM-DD`) with at least one habit session. */
  readonly habitDays: readonly string[];
}

export const emptyWeek = (week: string): Week => ({ week, tasksCompleted: 0, onTime: 0, tracked: 0, estimateMinutes: 0, actualMinutes: 0, blocksMissed: 0, habitSessions: 0, habitDays: [] });

export function addTaskCompleted(w: Week, t: { estimateMinutes: number; actualMinutes?: number; completedOnTime: boolean }): Week {
  const tracked = t.actualMinutes !== undefined;
  return {
    ...w,
    tasksCompleted: w.tasksCompleted + 1,
    onTime: w.onTime + (t.completedOnTime ? 1 : 0),
    tracked: w.tracked + (tracked ? 1 : 0),
    estimateMinutes: w.estimateMinutes + (tracked ? t.estimateMinutes : 0),
    actualMinutes: w.actualMinutes + (t.actualMinutes ?? 0),
  };
}

export const addBlockMissed = (w: Week): Week => ({ ...w, blocksMissed: w.blocksMissed + 1 });

export const addHabitSession = (w: Week, day: string): Week => ({
  ...w,
  habitSessions: w.habitSessions + 1,
  habitDays: w.habitDays.includes(day) ? w.habitDays : [...w.habitDays, day].sort(),
});

export interface Scores {
  /** Estimated against actual minutes of tracked tasks, 1 = spot on (absent without tracked tasks). */
  readonly estimateAccuracy?: number;
  /** Share of completed tasks done by their due time (absent without completed tasks). */
  readonly onTimeRate?: number;
  /** Share of the week's days with a habit session. */
  readonly habitConsistency: number;
  readonly blocksMissed: number;
  /** 0–100: on-time rate, estimate accuracy and habit consistency, less 5 points per missed block. */
  readonly score: number;
}

/** Points a missed block costs the week's score. */
export const MISSED_BLOCK_PENALTY = 5;

const round2 = (x: number) => Math.round(x * 100) / 100;

export function scores(w: Week): Scores {
  const estimateAccuracy = w.tracked > 0 ? round2(Math.min(w.estimateMinutes, w.actualMinutes) / Math.max(w.estimateMinutes, w.actualMinutes, 1)) : undefined;
  const onTimeRate = w.tasksCompleted > 0 ? round2(w.onTime / w.tasksCompleted) : undefined;
  const habitConsistency = round2(w.habitDays.length / 7);
  // What the week has no data for counts as neither good nor bad: half marks.
  const raw = 100 * (0.35 * (onTimeRate ?? 0.5) + 0.25 * (estimateAccuracy ?? 0.5) + 0.4 * habitConsistency) - MISSED_BLOCK_PENALTY * w.blocksMissed;
  return {
    ...(estimateAccuracy !== undefined ? { estimateAccuracy } : {}),
    ...(onTimeRate !== undefined ? { onTimeRate } : {}),
    habitConsistency,
    blocksMissed: w.blocksMissed,
    score: Math.max(0, Math.min(100, Math.round(raw))),
  };
}

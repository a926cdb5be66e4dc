/** orbita/habits' rules, pure: how a session extends a streak, and how missed slots put it at risk and then break it. */
import { daysBetween } from '../_shared/time.js';

export type StreakState = 'active' | 'at_risk' | 'broken';

export interface Streak {
  readonly streakDays: number;
  readonly bestStreak: number;
  /** `YYYY-MM-DD` of the latest session. */
  readonly lastSessionDay?: string;
  readonly state: StreakState;
  readonly missedSlots: number;
}

/**
 * The streak after a session on `day`: the next day extends it, the same day keeps it, a gap
 * starts again at 1. A back-filled session (before the latest) changes nothing.
 */
export function afterSession(streak: Streak, day: string): Streak {
  const gap = streak.lastSessionDay === undefined ? undefined : daysBetween(streak.lastSessionDay, day);
  if (gap !== undefined && gap < 0) return streak;
  const streakDays = gap === 0 ? Math.max(streak.streakDays, 1) : gap === 1 ? streak.streakDays + 1 : 1;
  return { ...streak, streakDays, bestStreak: Math.max(streak.bestStreak, streakDays), lastSessionDay: day, state: 'active' };
}

/** Slots missed in a row that break a streak; fewer put it at risk. */
export const BREAKING_MISSES = 2;

/** A planned slot of the habit was missed (`missedInARow` in a row, as scheduling counts them). */
export function afterMissedSlot(streak: Streak, missedInARow: number): Streak {
  const missedSlots = streak.missedSlots + 1;
  if (missedInARow >= BREAKING_MISSES) return { ...streak, streakDays: 0, state: 'broken', missedSlots };
  return { ...streak, state: streak.streakDays > 0 ? 'at_risk' : streak.state, missedSlots };
}

/** orbita/wellness' rules, pure: what a habit session adds to the day's wellness record, and the mood trend over days. */
import type { HabitCategory } from '../../../generated/types/orbita.js';

export interface Day {
  readonly day: string;
  readonly activityMinutes: number;
  readonly restMinutes: number;
  readonly mindMinutes: number;
  readonly otherMinutes: number;
  readonly sessions: number;
  readonly moodSum: number;
  readonly moodCount: number;
}

export const emptyDay = (day: string): Day => ({ day, activityMinutes: 0, restMinutes: 0, mindMinutes: 0, otherMinutes: 0, sessions: 0, moodSum: 0, moodCount: 0 });

/** Where a category's minutes count: moving, resting (meditation, sleep), the mind (reading, learning), or elsewhere. */
const BUCKET: Readonly<Record<HabitCategory, 'activityMinutes' | 'restMinutes' | 'mindMinutes' | 'otherMinutes'>> = {
  exercise: 'activityMinutes',
  meditation: 'restMinutes',
  sleep: 'restMinutes',
  reading: 'mindMinutes',
  learning: 'mindMinutes',
  hydration: 'otherMinutes',
  other: 'otherMinutes',
};

export function addSession(day: Day, session: { category: HabitCategory; durationMinutes: number; mood?: number }): Day {
  const bucket = BUCKET[session.category];
  return {
    ...day,
    [bucket]: day[bucket] + session.durationMinutes,
    sessions: day.sessions + 1,
    moodSum: day.moodSum + (session.mood ?? 0),
    moodCount: day.moodCount + (session.mood !== undefined ? 1 : 0),
  };
}

export const averageMood = (day: Day): number | undefined => (day.moodCount > 0 ? Math.round((day.moodSum / day.moodCount) * 100) / 100 : undefined);

/**
 * Whether mood rises, falls or holds over `days` (oldest first): the average of the later half
 * against the earlier half, half a point either way; `unknown` with fewer than two days of moods.
 */
export function moodTrend(days: readonly Day[]): 'rising' | 'falling' | 'steady' | 'unknown' {
  const moods = days.map(averageMood).filter((m): m is number => m !== undefined);
  if (moods.length < 2) return 'unknown';
  const half = Math.floor(moods.length / 2);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const delta = mean(moods.slice(moods.length - half)) - mean(moods.slice(0, half));
  return delta >= 0.5 ? 'rising' : delta <= -0.5 ? 'falling' : 'steady';
}

/** orbita/meetings' rules, pure: how a smart 1:1 adapts its frequency to how the relationship is going, and when it next meets. */
import type { MeetingFrequency } from '../../../generated/types/orbita.js';

/** From most to least frequent. */
export const FREQUENCIES: readonly MeetingFrequency[] = ['weekly', 'biweekly', 'every_three_weeks', 'monthly'];
const DAYS: Readonly<Record<MeetingFrequency, number>> = { weekly: 7, biweekly: 14, every_three_weeks: 21, monthly: 28 };

/** Check-ins (health 1–5, latest last) the adjustment looks at. */
export const WINDOW = 3;

/**
 * The frequency the series should have after its latest check-ins: a struggling relationship
 * (average health of the last three ≤ 2.5) meets more often; a healthy one (three check-ins, all
 * ≥ 4) less often; otherwise it stays.
 */
export function adaptedFrequency(current: MeetingFrequency, health: readonly number[]): MeetingFrequency {
  const recent = health.slice(-WINDOW);
  if (recent.length === 0) return current;
  const index = FREQUENCIES.indexOf(current);
  const average = recent.reduce((sum, h) => sum + h, 0) / recent.length;
  if (average <= 2.5) return FREQUENCIES[Math.max(0, index - 1)]!;
  if (recent.length === WINDOW && recent.every((h) => h >= 4)) return FREQUENCIES[Math.min(FREQUENCIES.length - 1, index + 1)]!;
  return current;
}

/** The first occurrence after `now` of a series meeting every `frequency` since `anchor`. */
export function nextOccurrence(anchor: number, frequency: MeetingFrequency, now: number): number {
  const period = DAYS[frequency] * 24 * 60 * 60 * 1000;
  if (anchor > now) return anchor;
  return anchor + Math.ceil((now - anchor + 1) / period) * period;
}

/** Free time between booked slots (pure). */
export interface Interval {
  readonly start: string;
  readonly end: string;
}

/** The parts of [from, to) not covered by `booked` (which may overlap or extend past the window), in order. */
export function freeIntervals(from: string, to: string, booked: readonly Interval[]): Interval[] {
  const windowStart = Date.parse(from);
  const windowEnd = Date.parse(to);
  if (!(windowEnd > windowStart)) return [];
  const busy = booked
    .map((b) => [Math.max(windowStart, Date.parse(b.start)), Math.min(windowEnd, Date.parse(b.end))] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const free: Interval[] = [];
  let cursor = windowStart;
  for (const [s, e] of busy) {
    if (s > cursor) free.push({ start: new Date(cursor).toISOString(), end: new Date(s).toISOString() });
    cursor = Math.max(cursor, e);
  }
  if (cursor < windowEnd) free.push({ start: new Date(cursor).toISOString(), end: new Date(windowEnd).toISOString() });
  return free;
}

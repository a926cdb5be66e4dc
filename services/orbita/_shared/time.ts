/** Time ranges as orbita's contexts exchange them: ISO strings on the wire, milliseconds in the rules. */
import type { TimeRange } from '../../../generated/types/orbita.js';

export type { TimeRange };

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export interface Span {
  readonly start: number;
  readonly end: number;
}

export const toSpan = (range: TimeRange): Span => ({ start: Date.parse(range.start), end: Date.parse(range.end) });
export const toRange = (span: Span): TimeRange => ({ start: new Date(span.start).toISOString(), end: new Date(span.end).toISOString() });
/** A range read from two timestamp columns. */
export const rangeOf = (start: Date | string, end: Date | string): TimeRange => toRange({ start: new Date(start).getTime(), end: new Date(end).getTime() });

export const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;
export const sameRange = (a: TimeRange, b: TimeRange): boolean => Date.parse(a.start) === Date.parse(b.start) && Date.parse(a.end) === Date.parse(b.end);

/** `YYYY-MM-DD` of an instant, in UTC. */
export const dayOf = (instant: string | number | Date): string => new Date(instant).toISOString().slice(0, 10);

/** Monday (UTC) of the week an instant falls in, as `YYYY-MM-DD`. */
export function weekOf(instant: string | number | Date): string {
  const date = new Date(instant);
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  return dayOf(midnight - sinceMonday * DAY);
}

/** Whole days from day `a` to day `b` (both `YYYY-MM-DD`). */
export const daysBetween = (a: string, b: string): number => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);

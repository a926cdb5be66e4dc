/**
 * orbita/scheduling's rules, pure: where focus blocks for a task go, where a block that now
 * conflicts moves to, when a 1:1's preparation happens, and how missed blocks are counted.
 * Times are milliseconds since the epoch (../_shared/time.ts), the working day is UTC hours.
 */
import type { MeetingFrequency } from '../../../generated/types/orbita.js';
import { DAY, MINUTE, overlaps, type Span } from '../_shared/time.js';

export interface Workday {
  /** First working hour (UTC), inclusive. */
  readonly startHour: number;
  /** Last working hour (UTC), exclusive. */
  readonly endHour: number;
}

export interface PlanRequest {
  readonly minutes: number;
  /** Nothing is placed before this instant (rounded up to the quarter hour). */
  readonly from: number;
  /** Nothing ends after this instant (the task's due time), when given. */
  readonly until?: number;
  /** Time already taken: calendar events marked busy and the user's other blocks. */
  readonly busy: readonly Span[];
  readonly workday: Workday;
  /** Longest block; longer work is split. */
  readonly maxBlockMinutes: number;
  /** Shortest block worth placing (the last piece of work may be shorter). */
  readonly minBlockMinutes: number;
  /** How far ahead to look without a due time. */
  readonly horizonDays?: number;
}

export interface Plan {
  readonly blocks: Span[];
  /** Work that did not fit before the due time or the horizon. */
  readonly unplacedMinutes: number;
}

const QUARTER = 15 * MINUTE;
const ceilTo = (t: number, step: number) => Math.ceil(t / step) * step;

/** The parts of `window` no span of `busy` covers, in time order. */
export function freeIntervals(window: Span, busy: readonly Span[]): Span[] {
  const taken = busy.filter((b) => overlaps(b, window)).sort((a, b) => a.start - b.start);
  const free: Span[] = [];
  let cursor = window.start;
  for (const b of taken) {
    if (b.start > cursor) free.push({ start: cursor, end: Math.min(b.start, window.end) });
    cursor = Math.max(cursor, b.end);
    if (cursor >= window.end) break;
  }
  if (cursor < window.end) free.push({ start: cursor, end: window.end });
  return free;
}

/** The working hours of each day from `from` on, clipped to [from, until). */
function* workingWindows(from: number, until: number, workday: Workday): Generator<Span> {
  for (let day = Math.floor(from / DAY) * DAY; day < until; day += DAY) {
    const start = Math.max(from, day + workday.startHour * 60 * MINUTE);
    const end = Math.min(until, day + workday.endHour * 60 * MINUTE);
    if (start < end) yield { start, end };
  }
}

/**
 * Places `minutes` of work into blocks: earliest free working time first, each block at most
 * `maxBlockMinutes`, none shorter than `minBlockMinutes` unless it is the rest of the work, none
 * overlapping `busy`, all before `until`.
 */
export function planBlocks(request: PlanRequest): Plan {
  const from = ceilTo(request.from, QUARTER);
  const until = request.until ?? from + (request.horizonDays ?? 14) * DAY;
  const blocks: Span[] = [];
  let remaining = request.minutes * MINUTE;
  const busy = [...request.busy];
  for (const window of workingWindows(from, until, request.workday)) {
    for (const free of freeIntervals(window, busy)) {
      let cursor = free.start;
      while (remaining > 0) {
        const room = free.end - cursor;
        const wanted = Math.min(remaining, request.maxBlockMinutes * MINUTE);
        if (room < Math.min(wanted, request.minBlockMinutes * MINUTE)) break;
        const length = Math.min(wanted, room);
        blocks.push({ start: cursor, end: cursor + length });
        remaining -= length;
        cursor += length;
      }
      if (remaining === 0) return { blocks, unplacedMinutes: 0 };
    }
  }
  return { blocks, unplacedMinutes: Math.round(remaining / MINUTE) };
}

/** Where a block of `length` ms goes instead: the first free working time of that length from `from`, or nothing within the horizon. */
export function findSlot(length: number, from: number, busy: readonly Span[], workday: Workday, horizonDays = 14): Span | undefined {
  const minutes = Math.ceil(length / MINUTE);
  const plan = planBlocks({ minutes, from, busy, workday, maxBlockMinutes: minutes, minBlockMinutes: minutes, horizonDays });
  return plan.unplacedMinutes === 0 ? plan.blocks[0] : undefined;
}

/** The blocks of `blocks` that `busy` now overlaps, earliest first. */
export function conflicting<B extends { readonly span: Span }>(blocks: readonly B[], busy: Span): B[] {
  return blocks.filter((b) => overlaps(b.span, busy)).sort((a, b) => a.span.start - b.span.start);
}

export const FREQUENCY_DAYS: Readonly<Record<MeetingFrequency, number>> = { weekly: 7, biweekly: 14, every_three_weeks: 21, monthly: 28 };

/**
 * When a 1:1 series' preparation happens: `prepMinutes` right before its next occurrence (or,
 * without one, one interval of the new frequency from `now`).
 */
export function prepSpan(frequency: MeetingFrequency, now: number, prepMinutes: number, nextOccurrence?: string): Span {
  const meeting = nextOccurrence !== undefined ? Date.parse(nextOccurrence) : ceilTo(now + FREQUENCY_DAYS[frequency] * DAY, QUARTER);
  return { start: meeting - prepMinutes * MINUTE, end: meeting };
}

/** What a block's time decides for its fate when the missed-block sweep looks at it. */
export const isMissed = (block: { readonly status: string; readonly span: Span }, now: number): boolean => block.status === 'scheduled' && block.span.end <= now;

/** Blocks of one task or habit missed in a row: a started or finished block of it resets the run. */
export const nextMissedInARow = (inARow: number): number => Math.min(inARow + 1, 1000);

/**
 * orbita/calendar's rules, pure: how the mirror of orbita's blocks in the external calendar
 * follows the block events (and notices one applied out of order), and which provider changes
 * are worth a CalendarEventChanged.
 */
import type { CalendarEventChanged, TimeRange } from '../../../generated/types/orbita.js';
import { sameRange } from '../_shared/time.js';

export interface Entry {
  readonly time: TimeRange;
  readonly status: 'active' | 'removed';
}

export type BlockEvent =
  | { readonly type: 'BlockScheduled'; readonly time: TimeRange }
  | { readonly type: 'BlockRescheduled'; readonly previousTime: TimeRange; readonly time: TimeRange }
  | { readonly type: 'BlockCancelled'; readonly time: TimeRange };

export interface Applied {
  readonly entry: Entry;
  /** Set when the event does not follow from the entry: a sign of events applied out of order. */
  readonly anomaly?: string;
}

/** The mirror entry after `event`. Each event carries enough to apply it alone; what does not fit is reported, not refused. */
export function applyBlockEvent(entry: Entry | undefined, event: BlockEvent): Applied {
  switch (event.type) {
    case 'BlockScheduled':
      return { entry: { time: event.time, status: 'active' }, ...(entry ? { anomaly: `scheduled again (entry ${entry.status})` } : {}) };
    case 'BlockRescheduled': {
      const anomaly = !entry
        ? 'rescheduled before it was scheduled'
        : entry.status === 'removed'
          ? 'rescheduled after it was removed'
          : !sameRange(entry.time, event.previousTime)
            ? `moved from ${event.previousTime.start}, but the entry is at ${entry.time.start}`
            : undefined;
      return { entry: { time: event.time, status: entry?.status ?? 'active' }, ...(anomaly ? { anomaly } : {}) };
    }
    case 'BlockCancelled':
      return { entry: { time: entry?.time ?? event.time, status: 'removed' }, ...(entry?.status === 'removed' ? { anomaly: 'removed twice' } : {}) };
  }
}

/** An event of the provider as the sync sees it. */
export interface ExternalEvent {
  readonly time?: TimeRange;
  readonly busy: boolean;
  readonly allDay: boolean;
  readonly deleted: boolean;
}

/**
 * The change to report for a provider event (`previous` as last synced), or none when nothing
 * scheduling cares about changed: a re-sync of the same state publishes nothing.
 */
export function classifyChange(previous: ExternalEvent | undefined, next: ExternalEvent): CalendarEventChanged['change'] | undefined {
  if (next.deleted) return previous && !previous.deleted ? 'deleted' : undefined;
  if (!previous || previous.deleted) return 'created';
  const sameTime = previous.time && next.time ? sameRange(previous.time, next.time) : previous.time === next.time;
  return sameTime && previous.busy === next.busy && previous.allDay === next.allDay ? undefined : 'updated';
}

/** orbita writes its blocks into the user's calendar as `{provider}:orbita-{block id}`; the sync never reports them back (no feedback loop). */
export const isMirror = (calendarEventId: string) => /^[a-z]+:orbita-[0-9a-f-]{36}$/.test(calendarEventId);

/** orbita's domain rules, pure: one describe per context. */
import { describe, expect, it } from 'vitest';
import { daysBetween, weekOf } from '../../../../services/orbita/_shared/time.js';
import { applyBlockEvent, classifyChange, isMirror } from '../../../../services/orbita/calendar/domain.js';
import { afterMissedSlot, afterSession, type Streak } from '../../../../services/orbita/habits/domain.js';
import { addBlockMissed, addHabitSession, addTaskCompleted, emptyWeek, scores } from '../../../../services/orbita/insights/domain.js';
import { adaptedFrequency, nextOccurrence } from '../../../../services/orbita/meetings/domain.js';
import { afterMissedBlock, completion, type TaskState } from '../../../../services/orbita/productivity/domain.js';
import { conflicting, findSlot, freeIntervals, isMissed, planBlocks, prepSpan } from '../../../../services/orbita/scheduling/domain.js';
import { addSession, emptyDay, moodTrend } from '../../../../services/orbita/wellness/domain.js';

const MIN = 60_000;
const at = (s: string) => Date.parse(s);
const span = (a: string, b: string) => ({ start: at(a), end: at(b) });
const iso = (t: number) => new Date(t).toISOString();
const workday = { startHour: 9, endHour: 17 };

describe('scheduling: placing tasks into blocks', () => {
  it('splits work into blocks of at most the maximum, back to back in working hours', () => {
    const plan = planBlocks({ minutes: 300, from: at('2026-02-04T09:00:00Z'), busy: [], workday, maxBlockMinutes: 120, minBlockMinutes: 30 });
    expect(plan.unplacedMinutes).toBe(0);
    expect(plan.blocks.map((b) => [iso(b.start), (b.end - b.start) / MIN])).toEqual([
      ['2026-02-04T09:00:00.000Z', 120],
      ['2026-02-04T11:00:00.000Z', 120],
      ['2026-02-04T13:00:00.000Z', 60],
    ]);
  });

  it('goes around busy time, skips gaps shorter than the minimum, and continues the next working day', () => {
    const busy = [span('2026-02-04T10:00:00Z', '2026-02-04T12:00:00Z'), span('2026-02-04T12:20:00Z', '2026-02-04T17:00:00Z')];
    const plan = planBlocks({ minutes: 150, from: at('2026-02-04T09:00:00Z'), busy, workday, maxBlockMinutes: 120, minBlockMinutes: 30 });
    expect(plan.blocks.map((b) => [iso(b.start), iso(b.end)])).toEqual([
      ['2026-02-04T09:00:00.000Z', '2026-02-04T10:00:00.000Z'],
      // 12:00–12:20 is shorter than 30 minutes: skipped.
      ['2026-02-05T09:00:00.000Z', '2026-02-05T10:30:00.000Z'],
    ]);
  });

  it('starts at the next quarter hour and reports what does not fit before the due time', () => {
    const plan = planBlocks({ minutes: 120, from: at('2026-02-04T16:07:00Z'), until: at('2026-02-04T17:00:00Z'), busy: [], workday, maxBlockMinutes: 120, minBlockMinutes: 30 });
    expect(plan.blocks.map((b) => [iso(b.start), iso(b.end)])).toEqual([['2026-02-04T16:15:00.000Z', '2026-02-04T17:00:00.000Z']]);
    expect(plan.unplacedMinutes).toBe(75);
  });

  it('free intervals are what busy time leaves of a window', () => {
    const free = freeIntervals(span('2026-02-04T09:00:00Z', '2026-02-04T12:00:00Z'), [span('2026-02-04T10:30:00Z', '2026-02-04T11:00:00Z'), span('2026-02-04T08:00:00Z', '2026-02-04T09:30:00Z')]);
    expect(free.map((f) => [iso(f.start), iso(f.end)])).toEqual([
      ['2026-02-04T09:30:00.000Z', '2026-02-04T10:30:00.000Z'],
      ['2026-02-04T11:00:00.000Z', '2026-02-04T12:00:00.000Z'],
    ]);
  });

  it('a conflicting block moves to the first free slot of its length; none within the horizon is none', () => {
    const meeting = span('2026-02-04T09:00:00Z', '2026-02-04T10:00:00Z');
    const blocks = [{ id: 'a', span: span('2026-02-04T09:30:00Z', '2026-02-04T11:30:00Z') }, { id: 'b', span: span('2026-02-04T13:00:00Z', '2026-02-04T14:00:00Z') }];
    expect(conflicting(blocks, meeting).map((b) => b.id)).toEqual(['a']);
    const slot = findSlot(120 * MIN, meeting.end, [meeting, blocks[1]!.span], workday)!;
    expect([iso(slot.start), iso(slot.end)]).toEqual(['2026-02-04T10:00:00.000Z', '2026-02-04T12:00:00.000Z']);
    expect(findSlot(9 * 60 * MIN, meeting.end, [], workday)).toBeUndefined();
  });

  it("a 1:1's preparation ends at its next occurrence; without one, a period of the new frequency from now", () => {
    const p = prepSpan('weekly', 0, 15, '2026-02-16T10:00:00Z');
    expect([iso(p.start), iso(p.end)]).toEqual(['2026-02-16T09:45:00.000Z', '2026-02-16T10:00:00.000Z']);
    expect(prepSpan('biweekly', at('2026-02-01T10:00:00Z'), 30).end).toBe(at('2026-02-15T10:00:00Z'));
  });

  it('a block is missed once its end passed while still scheduled', () => {
    const s = span('2026-02-04T09:00:00Z', '2026-02-04T10:00:00Z');
    expect(isMissed({ status: 'scheduled', span: s }, s.end)).toBe(true);
    expect(isMissed({ status: 'scheduled', span: s }, s.end - 1)).toBe(false);
    expect(isMissed({ status: 'started', span: s }, s.end + 1)).toBe(false);
  });
});

describe('productivity: completing and missing', () => {
  const task: TaskState = { taskId: 't', userId: 'u', estimateMinutes: 60, dueAt: '2026-02-06T17:00:00.000Z', status: 'open', missedBlocks: 0, missedInARow: 0, risk: 'on_track' };

  it('on time when done by the due time, or without one', () => {
    expect(completion(task, '2026-02-06T16:59:59Z', 55)).toMatchObject({ completedOnTime: true, actualMinutes: 55 });
    expect(completion(task, '2026-02-06T17:00:01Z').completedOnTime).toBe(false);
    const { dueAt: _due, ...undated } = task;
    expect(completion(undated, '2030-01-01T00:00:00Z')).toEqual({ taskId: 't', userId: 'u', estimateMinutes: 60, completedOnTime: true });
  });

  it('one miss is slipping; two in a row, or one close to the due time, is at risk; done tasks are left alone', () => {
    expect(afterMissedBlock(task, 1, '2026-02-04T10:00:00Z')).toEqual({ missedBlocks: 1, missedInARow: 1, risk: 'slipping' });
    expect(afterMissedBlock(task, 2, '2026-02-04T10:00:00Z').risk).toBe('at_risk');
    expect(afterMissedBlock(task, 1, '2026-02-06T09:00:00Z').risk).toBe('at_risk');
    expect(afterMissedBlock({ ...task, status: 'done' }, 3, '2026-02-04T10:00:00Z')).toEqual({ missedBlocks: 0, missedInARow: 0, risk: 'on_track' });
  });
});

describe('calendar: the mirror and the sync', () => {
  const t = (h: number) => ({ start: `2026-02-04T${String(h).padStart(2, '0')}:00:00.000Z`, end: `2026-02-04T${String(h + 1).padStart(2, '0')}:00:00.000Z` });

  it('follows a block through its events, in order, with no anomaly', () => {
    let entry = applyBlockEvent(undefined, { type: 'BlockScheduled', time: t(9) });
    entry = applyBlockEvent(entry.entry, { type: 'BlockRescheduled', previousTime: t(9), time: t(11) });
    expect(entry).toEqual({ entry: { time: t(11), status: 'active' } });
    expect(applyBlockEvent(entry.entry, { type: 'BlockCancelled', time: t(11) })).toEqual({ entry: { time: t(11), status: 'removed' } });
  });

  it('notices events applied out of order', () => {
    expect(applyBlockEvent(undefined, { type: 'BlockRescheduled', previousTime: t(9), time: t(11) }).anomaly).toMatch(/before it was scheduled/);
    expect(applyBlockEvent({ time: t(13), status: 'active' }, { type: 'BlockRescheduled', previousTime: t(9), time: t(11) }).anomaly).toMatch(/but the entry is at/);
    expect(applyBlockEvent({ time: t(9), status: 'removed' }, { type: 'BlockRescheduled', previousTime: t(9), time: t(11) })).toMatchObject({ entry: { status: 'removed' }, anomaly: expect.stringMatching(/after it was removed/) });
  });

  it('reports a provider change only when something scheduling cares about changed', () => {
    const seen = { time: t(9), busy: true, allDay: false, deleted: false };
    expect(classifyChange(undefined, seen)).toBe('created');
    expect(classifyChange(seen, { ...seen })).toBeUndefined();
    expect(classifyChange(seen, { ...seen, time: t(10) })).toBe('updated');
    expect(classifyChange(seen, { ...seen, busy: false })).toBe('updated');
    expect(classifyChange(seen, { ...seen, deleted: true })).toBe('deleted');
    expect(classifyChange({ ...seen, deleted: true }, { ...seen, deleted: true })).toBeUndefined();
    expect(classifyChange(undefined, { ...seen, deleted: true })).toBeUndefined();
  });

  it("never reports orbita's own mirrored blocks back", () => {
    expect(isMirror('google:orbita-6e1a4c8f-2b9d-4f5e-a7c3-1d8b5f2e9a46')).toBe(true);
    expect(isMirror('google:5q8vn3t1g2hm7o0c4e9k6p1r2s')).toBe(false);
  });
});

describe('habits: streaks', () => {
  const fresh: Streak = { streakDays: 0, bestStreak: 0, state: 'active', missedSlots: 0 };

  it('the next day extends a streak, the same day keeps it, a gap restarts it, a back-filled day changes nothing', () => {
    const one = afterSession(fresh, '2026-02-03');
    const two = afterSession(one, '2026-02-04');
    expect(two).toMatchObject({ streakDays: 2, bestStreak: 2, lastSessionDay: '2026-02-04' });
    expect(afterSession(two, '2026-02-04').streakDays).toBe(2);
    expect(afterSession(two, '2026-02-07')).toMatchObject({ streakDays: 1, bestStreak: 2 });
    expect(afterSession(two, '2026-02-01')).toBe(two);
  });

  it('a missed slot puts a streak at risk, the second in a row breaks it; a session makes it active again', () => {
    const streak = afterSession(afterSession(fresh, '2026-02-03'), '2026-02-04');
    const risky = afterMissedSlot(streak, 1);
    expect(risky).toMatchObject({ streakDays: 2, state: 'at_risk', missedSlots: 1 });
    const broken = afterMissedSlot(risky, 2);
    expect(broken).toMatchObject({ streakDays: 0, bestStreak: 2, state: 'broken', missedSlots: 2 });
    expect(afterSession(broken, '2026-02-05')).toMatchObject({ streakDays: 1, state: 'active' });
    expect(afterMissedSlot(fresh, 1).state).toBe('active');
  });
});

describe('meetings: adaptive frequency', () => {
  it('struggling meets more often, three healthy check-ins less often, otherwise it stays', () => {
    expect(adaptedFrequency('biweekly', [2, 3, 2])).toBe('weekly');
    expect(adaptedFrequency('weekly', [1])).toBe('weekly');
    expect(adaptedFrequency('biweekly', [4, 5, 4])).toBe('every_three_weeks');
    expect(adaptedFrequency('monthly', [5, 5, 5])).toBe('monthly');
    expect(adaptedFrequency('biweekly', [5, 5])).toBe('biweekly');
    expect(adaptedFrequency('biweekly', [1, 1, 5, 4, 3])).toBe('biweekly');
  });

  it('the next occurrence is the first meeting after now on the series rhythm', () => {
    const anchor = at('2026-02-02T10:00:00Z');
    expect(iso(nextOccurrence(anchor, 'weekly', at('2026-01-20T00:00:00Z')))).toBe('2026-02-02T10:00:00.000Z');
    expect(iso(nextOccurrence(anchor, 'weekly', at('2026-02-10T00:00:00Z')))).toBe('2026-02-16T10:00:00.000Z');
    expect(iso(nextOccurrence(anchor, 'biweekly', anchor))).toBe('2026-02-16T10:00:00.000Z');
  });
});

describe('wellness: daily records', () => {
  it('sorts minutes by category and averages mood', () => {
    let day = addSession(emptyDay('2026-02-04'), { category: 'exercise', durationMinutes: 35, mood: 4 });
    day = addSession(day, { category: 'meditation', durationMinutes: 10, mood: 2 });
    day = addSession(day, { category: 'reading', durationMinutes: 20 });
    expect(day).toMatchObject({ activityMinutes: 35, restMinutes: 10, mindMinutes: 20, sessions: 3, moodSum: 6, moodCount: 2 });
  });

  it('the mood trend compares the later days with the earlier', () => {
    const withMood = (d: string, mood: number) => addSession(emptyDay(d), { category: 'other', durationMinutes: 5, mood });
    expect(moodTrend([withMood('2026-02-01', 2), withMood('2026-02-02', 3), withMood('2026-02-03', 4), withMood('2026-02-04', 5)])).toBe('rising');
    expect(moodTrend([withMood('2026-02-01', 4), withMood('2026-02-02', 2)])).toBe('falling');
    expect(moodTrend([withMood('2026-02-01', 3), withMood('2026-02-02', 3)])).toBe('steady');
    expect(moodTrend([withMood('2026-02-01', 3), emptyDay('2026-02-02')])).toBe('unknown');
  });
});

describe('insights: the week', () => {
  it('counts tasks, estimates, habit days; each missed block costs the score', () => {
    let w = emptyWeek('2026-02-02');
    w = addTaskCompleted(w, { estimateMinutes: 120, actualMinutes: 150, completedOnTime: true });
    w = addTaskCompleted(w, { estimateMinutes: 30, completedOnTime: false });
    w = addHabitSession(addHabitSession(addHabitSession(w, '2026-02-03'), '2026-02-03'), '2026-02-04');
    const before = scores(w);
    expect(before).toMatchObject({ estimateAccuracy: 0.8, onTimeRate: 0.5, habitConsistency: 0.29, blocksMissed: 0 });
    expect(w.habitDays).toEqual(['2026-02-03', '2026-02-04']);
    const after = scores(addBlockMissed(w));
    expect(after.score).toBe(before.score - 5);
    expect(scores({ ...w, blocksMissed: 100 }).score).toBe(0);
  });

  it('weeks start on Monday (UTC)', () => {
    expect(weekOf('2026-02-08T23:59:59Z')).toBe('2026-02-02');
    expect(weekOf('2026-02-09T00:00:00Z')).toBe('2026-02-09');
    expect(daysBetween('2026-02-27', '2026-03-02')).toBe(3);
  });
});

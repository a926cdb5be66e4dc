/**
 * orbita end to end: the seven contexts as real processes on the test RabbitMQ node, sharing
 * one PostgreSQL database (a schema each), talking only through the outbox and their queues.
 * Every outcome is read back over the services' HTTP APIs.
 *
 * - a flow across the contexts: a task planned into focus blocks, mirrored into the calendar,
 *   moved by a calendar conflict, freed when the task is done; a 1:1's preparation planned; a
 *   habit session reaching wellness and insights;
 * - the failure path: habit slots missed → the streak at risk, then broken; insights count the
 *   misses against the week's score;
 * - order: many REST calls in parallel across blocks and 1:1 series (interleaved events of many
 *   aggregates, through the real producers), with the calendar consumer killed (SIGKILL) and
 *   restarted midway: each aggregate's final state is right and its events were applied once
 *   each, in the producer's order.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekOf } from '../../services/orbita/_shared/time.js';
import { eventually, http, startE2eStack, type E2eStack } from './support/e2e.js';

const ORBITA = ['orbita/productivity', 'orbita/scheduling', 'orbita/calendar', 'orbita/habits', 'orbita/meetings', 'orbita/wellness', 'orbita/insights'];
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let e2e: E2eStack;
const url = (service: string, path: string) => `${e2e.url(`orbita/${service}`)}${path}`;

async function ok(method: string, target: string, body?: unknown): Promise<any> {
  const reply = await http(method, target, body);
  expect(reply.status, `${method} ${target}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
  return reply.body;
}

const get = (service: string, path: string) => ok('GET', url(service, path));
const iso = (t: number) => new Date(t).toISOString();
const dayOf = (t: number) => iso(t).slice(0, 10);

beforeAll(async () => {
  e2e = await startE2eStack({
    label: 'orbita',
    services: ORBITA,
    database: 'postgres',
    // Whole-day working hours, so plans never depend on the time of day the test runs; a quick missed-block sweep.
    serviceEnv: { 'orbita/scheduling': { WORKDAY_START_HOUR: '0', WORKDAY_END_HOUR: '24', MISSED_SWEEP_MS: '200' } },
  });
}, 180_000);

afterAll(async () => {
  await e2e?.dispose();
});

describe('orbita: a day across the contexts', () => {
  it('a task is planned into focus blocks, mirrored, moved by a calendar conflict and freed when done', async () => {
    const userId = randomUUID();
    const task = await ok('POST', url('productivity', '/api/tasks'), { userId, title: 'Write Q1 planning doc', priority: 'p1', estimateMinutes: 150, dueAt: iso(Date.now() + 5 * DAY), labels: ['planning'] });

    // Scheduling plans 150 minutes as blocks of at most 120.
    const planned = await eventually(
      () => get('scheduling', `/api/blocks?userId=${userId}&taskId=${task.taskId}`),
      (r) => r.blocks.reduce((sum: number, b: any) => sum + (Date.parse(b.time.end) - Date.parse(b.time.start)), 0) === 150 * MINUTE,
      { what: 'the focus blocks' },
    );
    const blocks = planned.blocks as any[];
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(blocks.every((b) => b.kind === 'task' && b.origin === 'auto' && b.status === 'scheduled')).toBe(true);
    // The calendar mirrors them.
    await eventually(() => get('calendar', `/api/calendar/entries?userId=${userId}`), (r) => r.entries.length === blocks.length, { what: 'the mirror entries' });

    // A meeting lands on the first block in the user's Google calendar: the block moves.
    const first = blocks[0];
    expect(await ok('POST', url('calendar', '/api/calendar/sync'), { calendarEventId: 'google:standup-1', calendarId: randomUUID(), userId, time: first.time })).toEqual({ change: 'created' });
    // A repeat of the same provider state publishes nothing.
    expect(await ok('POST', url('calendar', '/api/calendar/sync'), { calendarEventId: 'google:standup-1', calendarId: randomUUID(), userId, time: first.time })).toEqual({ change: 'unchanged' });
    const moved = await eventually(() => get('scheduling', `/api/blocks/${first.blockId}`), (b) => b.history.length === 2, { what: 'the conflicting block to move' });
    expect(moved.history[1]).toMatchObject({ version: 2, event: 'BlockRescheduled', reason: 'calendar_conflict' });
    expect(Date.parse(moved.time.start)).toBeGreaterThanOrEqual(Date.parse(first.time.end));
    const mirrored = await eventually(() => get('calendar', `/api/calendar/entries/${first.blockId}`), (e) => e.events.length === 2, { what: 'the mirror to move' });
    expect(mirrored).toMatchObject({ status: 'active', time: moved.time, anomalies: 0 });

    // Done early: the blocks still ahead are freed, in scheduling and in the calendar.
    const done = await ok('POST', url('productivity', `/api/tasks/${task.taskId}/complete`), { actualMinutes: 140 });
    expect(done).toMatchObject({ status: 'done', completedOnTime: true, actualMinutes: 140 });
    await eventually(() => get('scheduling', `/api/blocks?userId=${userId}&taskId=${task.taskId}&status=cancelled`), (r) => r.blocks.length === blocks.length, { what: 'the blocks to be freed' });
    const entries = await eventually(() => get('calendar', `/api/calendar/entries?userId=${userId}`), (r) => r.entries.every((e: any) => e.status === 'removed'), { what: 'the mirror entries to go' });
    expect(entries.entries).toHaveLength(blocks.length);

    // Insights: one task, on time, 140 of 150 estimated minutes.
    const week = await eventually(() => get('insights', `/api/insights/${userId}`), (w) => w.tasksCompleted === 1, { what: 'insights to count the task' });
    expect(week).toMatchObject({ onTimeRate: 1, estimateAccuracy: 0.93, blocksMissed: 0 });
  });

  it("a 1:1's frequency change plans its preparation, mirrored in the calendar", async () => {
    const userId = randomUUID();
    const series = await ok('POST', url('meetings', '/api/series'), { userId, attendeeId: randomUUID(), frequency: 'biweekly', durationMinutes: 30, firstOccurrence: iso(Date.now() + 2 * DAY) });
    await ok('PUT', url('meetings', `/api/series/${series.seriesId}/frequency`), { frequency: 'weekly' });
    const known = await eventually(() => http('GET', url('scheduling', `/api/series/${series.seriesId}`)), (r) => r.status === 200, { what: 'scheduling to learn the series' });
    expect(known.body).toMatchObject({ frequency: 'weekly', frequencies: ['biweekly', 'weekly'], chainBreaks: 0 });
    const prep = await get('scheduling', `/api/blocks/${known.body.prepBlockId}`);
    expect(prep).toMatchObject({ kind: 'meeting_prep', meetingSeriesId: series.seriesId, status: 'scheduled' });
    const entry = await eventually(() => http('GET', url('calendar', `/api/calendar/entries/${prep.blockId}`)), (r) => r.status === 200, { what: 'the preparation in the calendar' });
    expect(entry.body).toMatchObject({ kind: 'meeting_prep', time: prep.time, status: 'active' });
  });

  it('a habit session reaches wellness and insights', async () => {
    const userId = randomUUID();
    const habit = await ok('POST', url('habits', '/api/habits'), { userId, name: 'Morning run', category: 'exercise' });
    const startedAt = Date.now() - 40 * MINUTE;
    const after = await ok('POST', url('habits', `/api/habits/${habit.habitId}/sessions`), { startedAt: iso(startedAt), durationMinutes: 35, mood: 4 });
    expect(after).toMatchObject({ streakDays: 1, state: 'active' });
    const wellness = await eventually(() => get('wellness', `/api/wellness/${userId}?to=${dayOf(startedAt)}`), (w) => w.totals.sessions === 1, { what: 'the wellness record' });
    expect(wellness.days).toMatchObject([{ day: dayOf(startedAt), activityMinutes: 35, mood: 4 }]);
    const week = await eventually(() => get('insights', `/api/insights/${userId}?week=${dayOf(startedAt)}`), (w) => w.habitSessions === 1, { what: 'insights to count the session' });
    expect(week.habitDays).toEqual([dayOf(startedAt)]);
  });
});

describe('orbita: missed blocks (failure path)', () => {
  it('a missed habit slot puts the streak at risk and lowers the week\'s score; a second breaks the streak', async () => {
    const userId = randomUUID();
    const habit = await ok('POST', url('habits', '/api/habits'), { userId, name: 'Meditate', category: 'meditation' });
    const today = Date.now();
    await ok('POST', url('habits', `/api/habits/${habit.habitId}/sessions`), { startedAt: iso(today - DAY), durationMinutes: 15 });
    const before = await ok('POST', url('habits', `/api/habits/${habit.habitId}/sessions`), { startedAt: iso(today - 30 * MINUTE), durationMinutes: 15, mood: 3 });
    expect(before).toMatchObject({ streakDays: 2, state: 'active' });
    const weekDay = dayOf(today - 30 * MINUTE);
    const sessionsThisWeek = weekOf(today - DAY) === weekOf(today - 30 * MINUTE) ? 2 : 1;
    const scoreBefore = (await eventually(() => get('insights', `/api/insights/${userId}?week=${weekDay}`), (w) => w.habitSessions === sessionsThisWeek, { what: 'insights to see the sessions' }))
      .score as number;

    // A slot today whose time has passed without being started: the sweep marks it missed.
    const slot = (startAgo: number) => ({ userId, kind: 'habit', habitId: habit.habitId, time: { start: iso(today - startAgo), end: iso(today - startAgo + 10 * MINUTE) } });
    const first = await ok('POST', url('scheduling', '/api/blocks'), slot(25 * MINUTE));
    expect((await eventually(() => get('scheduling', `/api/blocks/${first.blockId}`), (b) => b.status === 'missed', { what: 'the slot to be missed' })).missedCount).toBe(1);
    const atRisk = await eventually(() => get('habits', `/api/habits/${habit.habitId}`), (h) => h.missedSlots === 1, { what: 'habits to see the miss' });
    expect(atRisk).toMatchObject({ state: 'at_risk', streakDays: 2 });
    const afterOne = await eventually(() => get('insights', `/api/insights/${userId}?week=${weekDay}`), (w) => w.blocksMissed === 1, { what: 'insights to count the miss' });
    expect(afterOne.score).toBeLessThan(scoreBefore);

    const second = await ok('POST', url('scheduling', '/api/blocks'), slot(15 * MINUTE));
    expect((await eventually(() => get('scheduling', `/api/blocks/${second.blockId}`), (b) => b.status === 'missed', { what: 'the second slot to be missed' })).missedCount).toBe(2);
    const broken = await eventually(() => get('habits', `/api/habits/${habit.habitId}`), (h) => h.missedSlots === 2, { what: 'habits to see the second miss' });
    expect(broken).toMatchObject({ state: 'broken', streakDays: 0, bestStreak: 2 });
    const afterTwo = await eventually(() => get('insights', `/api/insights/${userId}?week=${weekDay}`), (w) => w.blocksMissed === 2, { what: 'insights to count both misses' });
    expect(afterTwo.score).toBeLessThan(afterOne.score);
  });

  it('a task whose focus block was missed is flagged; starting a block ends the run of misses', async () => {
    const userId = randomUUID();
    const task = await ok('POST', url('productivity', '/api/tasks'), { userId, title: 'Review budget', estimateMinutes: 30, autoSchedule: false, dueAt: iso(Date.now() + 10 * DAY) });
    const focus = (from: number, to: number) => ({ userId, kind: 'task', taskId: task.taskId, time: { start: iso(Date.now() + from), end: iso(Date.now() + to) } });
    const missedBlock = async (from: number, to: number) => {
      const block = await ok('POST', url('scheduling', '/api/blocks'), focus(from, to));
      return eventually(() => get('scheduling', `/api/blocks/${block.blockId}`), (b) => b.status === 'missed', { what: 'the focus block to be missed' });
    };
    expect((await missedBlock(-30 * MINUTE, -20 * MINUTE)).missedCount).toBe(1);
    const flagged = await eventually(() => get('productivity', `/api/tasks/${task.taskId}`), (t) => t.missedBlocks === 1, { what: 'productivity to flag the task' });
    expect(flagged).toMatchObject({ risk: 'slipping', missedInARow: 1 });

    // The user starts the next block: the run of misses ends, so the next miss is the first again.
    const next = await ok('POST', url('scheduling', '/api/blocks'), focus(DAY, DAY + 30 * MINUTE));
    expect(await ok('POST', url('scheduling', `/api/blocks/${next.blockId}/start`))).toMatchObject({ status: 'started', history: [{ event: 'BlockScheduled' }] });
    expect((await missedBlock(-20 * MINUTE, -10 * MINUTE)).missedCount).toBe(1);
    const again = await eventually(() => get('productivity', `/api/tasks/${task.taskId}`), (t) => t.missedBlocks === 2, { what: 'productivity to count the second miss' });
    expect(again).toMatchObject({ risk: 'slipping', missedInARow: 1 });
  });
});

describe('orbita: per-aggregate order', () => {
  it('interleaved events of many blocks and series, the calendar killed midway: each applied once, in order', async () => {
    const BLOCKS = 16;
    const MOVES = 6;
    const SERIES = 6;
    const CHANGES = 8;
    const users = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const base = Date.now() + 3 * DAY;
    const range = (b: number, step: number) => ({ start: iso(base + (b * 100 + step) * 10 * MINUTE), end: iso(base + (b * 100 + step) * 10 * MINUTE + 30 * MINUTE) });

    // Each block: placed, moved MOVES times, cancelled — one block's calls in turn, all blocks at once.
    const blockRun = async (b: number) => {
      const block = await ok('POST', url('scheduling', '/api/blocks'), { userId: users[b % users.length], kind: 'focus', time: range(b, 0) });
      for (let step = 1; step <= MOVES; step++) await ok('PATCH', url('scheduling', `/api/blocks/${block.blockId}`), { time: range(b, step) });
      await ok('DELETE', url('scheduling', `/api/blocks/${block.blockId}`));
      return block.blockId as string;
    };
    // Each series: its frequency changed CHANGES times, cycling through the four frequencies.
    const cycle = ['weekly', 'every_three_weeks', 'monthly', 'biweekly'];
    const seriesRun = async (s: number) => {
      const series = await ok('POST', url('meetings', '/api/series'), { userId: users[s % users.length], attendeeId: randomUUID(), frequency: 'biweekly', durationMinutes: 30 });
      for (let change = 0; change < CHANGES; change++) await ok('PUT', url('meetings', `/api/series/${series.seriesId}/frequency`), { frequency: cycle[change % cycle.length] });
      return series.seriesId as string;
    };
    const running = Promise.all([...Array.from({ length: BLOCKS }, (_, b) => blockRun(b)), ...Array.from({ length: SERIES }, (_, s) => seriesRun(s))]);

    // Kill the calendar consumer while the events flow (once it has applied some), then bring it back.
    await eventually(() => get('calendar', `/api/calendar/entries?userId=${users[0]}`), (r) => r.entries.length > 0, { what: 'the calendar to apply the first events' });
    await e2e.stack.service('orbita/calendar').kill();
    const results = await running;
    await e2e.stack.restart('orbita/calendar');
    const blockIds = results.slice(0, BLOCKS);
    const seriesIds = results.slice(BLOCKS);

    const expectedEvents = ['BlockScheduled', ...Array<string>(MOVES).fill('BlockRescheduled'), 'BlockCancelled'];
    for (const [b, blockId] of blockIds.entries()) {
      const produced = await get('scheduling', `/api/blocks/${blockId}`);
      expect(produced.history.map((h: any) => h.event)).toEqual(expectedEvents);
      const applied = await eventually(() => http('GET', url('calendar', `/api/calendar/entries/${blockId}`)), (r) => r.status === 200 && r.body.status === 'removed', {
        what: `block ${blockId} to be removed from the calendar`,
        timeoutMs: 60_000,
      });
      // Final state, and every event applied once, in the producer's order (the outbox's sequence numbers 1…n).
      expect(applied.body).toMatchObject({ status: 'removed', time: range(b, MOVES), applied: expectedEvents.length, anomalies: 0 });
      expect(applied.body.events.map((e: any) => [e.event, e.seq, e.time])).toEqual(produced.history.map((h: any) => [h.event, h.version, h.time]));
    }

    for (const seriesId of seriesIds) {
      const changes = (await get('meetings', `/api/series/${seriesId}`)).changes.map((c: any) => c.frequency);
      const known = await eventually(() => http('GET', url('scheduling', `/api/series/${seriesId}`)), (r) => r.status === 200 && r.body.changes === CHANGES, {
        what: `scheduling to apply the changes of series ${seriesId}`,
        timeoutMs: 60_000,
      });
      // Applied in the order made: each change followed from the one before.
      expect(known.body).toMatchObject({ frequencies: ['biweekly', ...changes], chainBreaks: 0, frequency: changes[changes.length - 1] });
    }
  });
});

import { randomUUID } from 'node:crypto';
import { running, type SystemDemo } from './flow.js';
import { expectOk, httpJson, short, until } from './http.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const iso = (t: number) => new Date(t).toISOString();
const hhmm = (range: { start: string }) => range.start.slice(5, 16).replace('T', ' ');
/** Monday (UTC) of the week `t` falls in: insights keep weeks. */
const weekOf = (t: number) => iso(t - ((new Date(t).getUTCDay() + 6) % 7) * DAY).slice(0, 10);

/**
 * A task planned into focus blocks, mirrored into the calendar, moved by a meeting and freed when
 * done; a missed habit slot reaching habits and insights; a 1:1 whose check-ins change its
 * frequency and plan its preparation.
 */
export const orbitaDemo: SystemDemo = async ({ urls, step, send }) => {
  if (!running(urls, ['orbita/productivity', 'orbita/scheduling', 'orbita/calendar', 'orbita/habits', 'orbita/meetings', 'orbita/wellness', 'orbita/insights'])) return;
  const at = (service: string, path: string) => `${urls[`orbita/${service}`]!}${path}`;
  const get = (service: string, path: string) => expectOk(`GET ${service}${path}`, httpJson('GET', at(service, path)));
  const userId = randomUUID();

  await step('orbita', 'orbita-plan-task', async () => {
    const task = await expectOk(
      'add a task',
      send('POST', at('productivity', '/api/tasks'), { userId, title: 'Write Q1 planning doc', priority: 'p1', estimateMinutes: 150, dueAt: iso(Date.now() + 5 * DAY), labels: ['planning', 'deep-work'] }),
    );
    const { blocks } = await until<any>('focus blocks', () => get('scheduling', `/api/blocks?userId=${userId}&taskId=${task.taskId}`), (r: { blocks: unknown[] }) => r.blocks.length >= 2);
    await until<any>('the calendar mirror', () => get('calendar', `/api/calendar/entries?userId=${userId}`), (r: { entries: unknown[] }) => r.entries.length === blocks.length);
    const first = blocks[0];
    await expectOk('a meeting in Google Calendar', send('POST', at('calendar', '/api/calendar/sync'), { calendarEventId: 'google:demo-standup', calendarId: randomUUID(), userId, time: first.time }));
    const moved = await until<any>('the block to move', () => get('calendar', `/api/calendar/entries/${first.blockId}`), (e: { events: unknown[] }) => e.events.length === 2);
    await expectOk('complete the task', send('POST', at('productivity', `/api/tasks/${task.taskId}/complete`), { actualMinutes: 140 }));
    await until<any>('the blocks to be freed', () => get('calendar', `/api/calendar/entries?userId=${userId}`), (r: { entries: Array<{ status: string }> }) => r.entries.every((e) => e.status === 'removed'));
    const week = await until<any>('insights', () => get('insights', `/api/insights/${userId}`), (w: { tasksCompleted: number }) => w.tasksCompleted === 1);
    return (
      `task ${short(task.taskId)} (150 min) planned as ${blocks.length} focus blocks, mirrored in the calendar; a meeting moved one ${hhmm(first.time)} → ${hhmm(moved.time)}; ` +
      `done in 140 min: blocks freed; insights on-time ${week.onTimeRate}, estimate accuracy ${week.estimateAccuracy}`
    );
  });

  await step('orbita', 'orbita-missed-habit', async () => {
    const habit = await expectOk('start a habit', send('POST', at('habits', '/api/habits'), { userId, name: 'Morning meditation', category: 'meditation' }));
    const now = Date.now();
    await expectOk('yesterday', send('POST', at('habits', `/api/habits/${habit.habitId}/sessions`), { startedAt: iso(now - DAY), durationMinutes: 15, mood: 3 }));
    await expectOk('today', send('POST', at('habits', `/api/habits/${habit.habitId}/sessions`), { startedAt: iso(now - 60 * MINUTE), durationMinutes: 15, mood: 4 }));
    const weekDay = iso(now - 30 * MINUTE).slice(0, 10);
    const sessions = weekOf(now - DAY) === weekOf(now - 60 * MINUTE) ? 2 : 1;
    const before = await until<any>('insights to see the sessions', () => get('insights', `/api/insights/${userId}?week=${weekDay}`), (w: { habitSessions: number }) => w.habitSessions === sessions);
    // A slot that ended without being started: the scheduler's sweep marks it missed.
    const slot = await expectOk(
      'a habit slot that was never started',
      send('POST', at('scheduling', '/api/blocks'), { userId, kind: 'habit', habitId: habit.habitId, time: { start: iso(now - 30 * MINUTE), end: iso(now - 20 * MINUTE) } }),
    );
    await until<any>('the slot to be missed', () => get('scheduling', `/api/blocks/${slot.blockId}`), (b: { status: string }) => b.status === 'missed');
    const risky = await until<any>('habits to see the miss', () => get('habits', `/api/habits/${habit.habitId}`), (h: { missedSlots: number }) => h.missedSlots === 1);
    const after = await until<any>('insights to count the miss', () => get('insights', `/api/insights/${userId}?week=${weekDay}`), (w: { blocksMissed: number }) => w.blocksMissed === 1);
    const wellness = await get('wellness', `/api/wellness/${userId}`);
    return `habit ${short(habit.habitId)}: ${risky.bestStreak}-day streak, slot ${short(slot.blockId)} missed → streak ${risky.state}; insights score ${before.score} → ${after.score}; wellness ${wellness.totals.restMinutes} rest minutes`;
  });

  await step('orbita', 'orbita-smart-1to1', async () => {
    const series = await expectOk(
      'start a 1:1 series',
      send('POST', at('meetings', '/api/series'), { userId, attendeeId: randomUUID(), frequency: 'weekly', durationMinutes: 30, firstOccurrence: iso(Date.now() + 2 * DAY) }),
    );
    let latest = series;
    for (const health of [5, 4, 5]) latest = await expectOk('check in', send('POST', at('meetings', `/api/series/${series.seriesId}/check-ins`), { health }));
    const known = await until<any>('scheduling to replan', () => httpJson('GET', at('scheduling', `/api/series/${series.seriesId}`)), (r: { status: number }) => r.status === 200);
    const entry = await until<any>('the preparation in the calendar', () => httpJson('GET', at('calendar', `/api/calendar/entries/${known.body.prepBlockId}`)), (r: { status: number }) => r.status === 200);
    return `1:1 ${short(series.seriesId)}: three good check-ins → ${series.frequency} → ${latest.frequency} (Smart1to1FrequencyChanged); preparation ${hhmm(entry.body.time)} planned and in the calendar`;
  });
};

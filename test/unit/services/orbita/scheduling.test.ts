/**
 * orbita/scheduling on the in-memory transport: it starts and is ready, and each message it
 * receives (the contract's example, sent by a stand-in for its sender) is handled — neither
 * retried nor dead-lettered. Written by `eventplane scaffold`: add the assertions on what each
 * handler does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as calendarClient from '../../../../generated/clients/orbita/calendar.js';
import * as meetingsClient from '../../../../generated/clients/orbita/meetings.js';
import * as productivityClient from '../../../../generated/clients/orbita/productivity.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { scheduling } from '../../../../services/orbita/scheduling/service.js';

type Bus = RunningService['bus'];

const deliveries = [
  { operation: 'onCalendarEventChanged', type: 'orbita.CalendarEventChanged', sender: 'orbita/calendar', publish: (bus: Bus) => bus.publish(calendarClient.publishCalendarEventChangedSend, {"calendarEventId":"google:5q8vn3t1g2hm7o0c4e9k6p1r2s","calendarId":"7c2e5a9f-3b8d-4f1a-a6e4-9d3b7f2c5a18","userId":"a1c5e9b3-7d2f-4b6a-9e8c-4f2a6d1b9c57","provider":"google","change":"updated","time":{"start":"2026-02-04T09:30:00Z","end":"2026-02-04T10:30:00Z"},"previousTime":{"start":"2026-02-04T15:00:00Z","end":"2026-02-04T16:00:00Z"},"busy":true,"allDay":false}) },
  { operation: 'onSmart1to1FrequencyChanged', type: 'orbita.Smart1to1FrequencyChanged', sender: 'orbita/meetings', publish: (bus: Bus) => bus.publish(meetingsClient.publishSmart1to1FrequencyChangedSend, {"seriesId":"1f6c3a8e-9d2b-4e5f-b8a1-6c3e9f2b5d47","userId":"a1c5e9b3-7d2f-4b6a-9e8c-4f2a6d1b9c57","attendeeId":"b2d6f1a9-4e8c-4b3d-a7f9-5e1c8b4a2d69","previousFrequency":"weekly","frequency":"biweekly","durationMinutes":30,"changedBy":"auto","nextOccurrence":"2026-02-16T10:00:00Z"}) },
  { operation: 'onTaskCompleted', type: 'orbita.TaskCompleted', sender: 'orbita/productivity', publish: (bus: Bus) => bus.publish(productivityClient.publishTaskCompletedSend, {"taskId":"3b8e1d5a-9c4f-4a2e-8d7b-6f1a3c9e5b24","userId":"a1c5e9b3-7d2f-4b6a-9e8c-4f2a6d1b9c57","estimateMinutes":120,"actualMinutes":95,"dueAt":"2026-02-06T17:00:00Z","completedOnTime":true}) },
  { operation: 'onTaskCreated', type: 'orbita.TaskCreated', sender: 'orbita/productivity', publish: (bus: Bus) => bus.publish(productivityClient.publishTaskCreatedSend, {"taskId":"3b8e1d5a-9c4f-4a2e-8d7b-6f1a3c9e5b24","userId":"a1c5e9b3-7d2f-4b6a-9e8c-4f2a6d1b9c57","title":"Write Q1 planning doc","projectId":"e6b2a8d4-1f7c-4c3e-a9b5-8d4f2e7a1c63","priority":"p1","estimateMinutes":120,"dueAt":"2026-02-06T17:00:00Z","labels":["planning","deep-work"],"autoSchedule":true}) },
];

const senders = {
  'orbita/calendar': defineService({ service: calendarClient.calendarService, sends: sendsOf(calendarClient), setup: () => {} }),
  'orbita/meetings': defineService({ service: meetingsClient.meetingsService, sends: sendsOf(meetingsClient), setup: () => {} }),
  'orbita/productivity': defineService({ service: productivityClient.productivityService, sends: sendsOf(productivityClient), setup: () => {} }),
};

const transport = memoryTransport(JSON.parse(readFileSync('generated/topology.json', 'utf8')));
const env = { PORT: '0', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent' };
let store: DurableStore;
let service: RunningService;
const started = new Map<string, RunningService>();

beforeAll(async () => {
  // One in-memory PGlite for the service and the stand-ins (each in its own schema).
  store = await openStore({ migrate: false });
  const options = { env, transport, sharedStore: store, processMetrics: false };
  service = await startService(scheduling, options);
  for (const [id, definition] of Object.entries(senders)) started.set(id, await startService(definition, options));
}, 180_000);

afterAll(async () => {
  for (const running of started.values()) await running.close();
  await service?.close();
  await store?.close();
  transport.close();
});

/** The service's counter `name` for messages of `type` (its /metrics). */
async function counter(name: string, type: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) && line.includes(`type="${type}"`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

describe('orbita/scheduling', () => {
  it('is ready', async () => {
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });

  it.each(deliveries)('handles $type ($operation)', async ({ type, sender, publish }) => {
    await publish(started.get(sender)!.bus);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const failed = (await counter('eventplane_retried_total', type)) + (await counter('eventplane_dead_lettered_total', type));
      expect(failed, `${type} was retried or dead-lettered: see the handler's error in the log (TEST_LOG_LEVEL=info)`).toBe(0);
      if ((await counter('eventplane_handled_total', type)) >= 1) break;
      if (Date.now() > deadline) throw new Error(`${type} was not handled within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});

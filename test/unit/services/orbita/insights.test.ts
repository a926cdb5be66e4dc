/**
 * orbita/insights on the in-memory transport: it starts and is ready, and each message it
 * receives (the contract's example, sent by a stand-in for its sender) is handled — neither
 * retried nor dead-lettered. Written by `eventplane scaffold`: add the assertions on what each
 * handler does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schedulingClient from '../../../../generated/clients/orbita/scheduling.js';
import * as habitsClient from '../../../../generated/clients/orbita/habits.js';
import * as productivityClient from '../../../../generated/clients/orbita/productivity.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { insights } from '../../../../services/orbita/insights/service.js';

type Bus = RunningService['bus'];

const deliveries = [
  { operation: 'onBlockMissed', type: 'orbita.BlockMissed', sender: 'orbita/scheduling', publish: (bus: Bus) => bus.publish(schedulingClient.publishBlockMissedSend, {"blockId":"9b4d7f3a-5e2c-4b8f-a1d6-4a3e8b2f9c75","userId":"a1c5e9b3-7d2f-4b6a-9e8c-4f2a6d1b9c57","kind":"habit","habitId":"2d7f1b5e-8a3c-4e9d-b4f2-5c1a9e6d3b87","time":{"start":"2026-02-04T07:00:00Z","end":"2026-02-04T07:30:00Z"},"missedCount":2}) },
  { operation: 'onHabitSessionCompleted', type: 'orbita.HabitSessionCompleted', sender: 'orbita/habits', publish: (bus: Bus) => bus.publish(habitsClient.publishHabitSessionCompletedSend, {"sessionId":"5f2b8d4a-1c7e-4a3f-9b6d-2e8a4c1f7b93","habitId":"2d7f1b5e-8a3c-4e9d-b4f2-5c1a9e6d3b87","userId":"a1c5e9b3-7d2f-4b6a-9e8c-4f2a6d1b9c57","category":"exercise","startedAt":"2026-02-05T06:30:00Z","durationMinutes":35,"streakDays":12,"mood":4,"note":"Easy 5k along the river."}) },
  { operation: 'onTaskCompleted', type: 'orbita.TaskCompleted', sender: 'orbita/productivity', publish: (bus: Bus) => bus.publish(productivityClient.publishTaskCompletedSend, {"taskId":"3b8e1d5a-9c4f-4a2e-8d7b-6f1a3c9e5b24","userId":"a1c5e9b3-7d2f-4b6a-9e8c-4f2a6d1b9c57","estimateMinutes":120,"actualMinutes":95,"dueAt":"2026-02-06T17:00:00Z","completedOnTime":true}) },
];

const senders = {
  'orbita/scheduling': defineService({ service: schedulingClient.schedulingService, sends: sendsOf(schedulingClient), setup: () => {} }),
  'orbita/habits': defineService({ service: habitsClient.habitsService, sends: sendsOf(habitsClient), setup: () => {} }),
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
  service = await startService(insights, options);
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

describe('orbita/insights', () => {
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

/**
 * orbita/calendar on the in-memory transport: it starts and is ready, and each message it
 * receives (the contract's example, sent by a stand-in for its sender) is handled — neither
 * retried nor dead-lettered. Written by `eventplane scaffold`: add the assertions on what each
 * handler does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schedulingClient from '../../../../generated/clients/orbita/scheduling.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { calendar } from '../../../../services/orbita/calendar/service.js';

type Bus = RunningService['bus'];

const deliveries = [
  { operation: 'onBlockCancelled', type: 'orbita.BlockCancelled', sender: 'orbita/scheduling', publish: (bus: Bus) => bus.publish(schedulingClient.publishBlockCancelledSend, {"blockId":"8a3c6e2f-4d1b-4a7e-b9c5-3f2d7a1e8b64","userId":"a1c5e9b3-7d2f-4b6a-9e8c-4f2a6d1b9c57","kind":"task","time":{"start":"2026-02-05T09:00:00Z","end":"2026-02-05T10:00:00Z"},"reason":"task_completed"}) },
  { operation: 'onBlockRescheduled', type: 'orbita.BlockRescheduled', sender: 'orbita/scheduling', publish: (bus: Bus) => bus.publish(schedulingClient.publishBlockRescheduledSend, {"blockId":"6e1a4c8f-2b9d-4f5e-a7c3-1d8b5f2e9a46","userId":"a1c5e9b3-7d2f-4b6a-9e8c-4f2a6d1b9c57","kind":"task","previousTime":{"start":"2026-02-04T09:00:00Z","end":"2026-02-04T11:00:00Z"},"time":{"start":"2026-02-04T13:00:00Z","end":"2026-02-04T15:00:00Z"},"reason":"calendar_conflict"}) },
  { operation: 'onBlockScheduled', type: 'orbita.BlockScheduled', sender: 'orbita/scheduling', publish: (bus: Bus) => bus.publish(schedulingClient.publishBlockScheduledSend, {"blockId":"6e1a4c8f-2b9d-4f5e-a7c3-1d8b5f2e9a46","userId":"a1c5e9b3-7d2f-4b6a-9e8c-4f2a6d1b9c57","kind":"task","taskId":"3b8e1d5a-9c4f-4a2e-8d7b-6f1a3c9e5b24","time":{"start":"2026-02-04T09:00:00Z","end":"2026-02-04T11:00:00Z"},"origin":"auto"}) },
];

const senders = {
  'orbita/scheduling': defineService({ service: schedulingClient.schedulingService, sends: sendsOf(schedulingClient), setup: () => {} }),
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
  service = await startService(calendar, options);
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

describe('orbita/calendar', () => {
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

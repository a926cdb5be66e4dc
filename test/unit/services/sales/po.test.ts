/**
 * sales/po on the in-memory transport: it starts and is ready, and each message it
 * receives (the contract's example, sent by a stand-in for its sender) is handled — neither
 * retried nor dead-lettered. Written by `eventplane scaffold`: add the assertions on what each
 * handler does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as approvalClient from '../../../../generated/clients/sales/approval.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { po } from '../../../../services/sales/po/service.js';

type Bus = RunningService['bus'];

const deliveries = [
  { operation: 'onApprovalGranted', type: 'sales.ApprovalGranted', sender: 'sales/approval', publish: (bus: Bus) => bus.publish(approvalClient.publishApprovalGrantedSend, {"approval_id":"9e4b2d7a-5c1f-4a8e-b6d3-4f9a2c7e1b53","quote_id":"5a8e2c6f-1d4b-4f9a-a3e7-9c2b6d1f4a58","quote_number":"Q-2025-000731","level":"director","approved_by":{"user_id":"8f3d6a2c-1e9b-4d7f-a5c2-6b1e9d4a8f37","name":"Ines Duarte","email":"ines.duarte@acme-industrial.example.com"},"comment":"Approved for this volume only.","conditions":["Payment terms net 30","Delivery by end of January"]}) },
  { operation: 'onApprovalRejected', type: 'sales.ApprovalRejected', sender: 'sales/approval', publish: (bus: Bus) => bus.publish(approvalClient.publishApprovalRejectedSend, {"approval_id":"9e4b2d7a-5c1f-4a8e-b6d3-4f9a2c7e1b53","quote_id":"5a8e2c6f-1d4b-4f9a-a3e7-9c2b6d1f4a58","quote_number":"Q-2025-000731","level":"director","rejected_by":{"user_id":"8f3d6a2c-1e9b-4d7f-a5c2-6b1e9d4a8f37","name":"Ines Duarte"},"reason":"Discount above 10% needs a 2-year commitment."}) },
];

const senders = {
  'sales/approval': defineService({ service: approvalClient.approvalService, sends: sendsOf(approvalClient), setup: () => {} }),
};

const transport = memoryTransport(JSON.parse(readFileSync('generated/topology.json', 'utf8')));
// Its handlers never call the quote service; the routes (not exercised here) do.
const env = { PORT: '0', QUOTE_URL: 'http://127.0.0.1:9', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent' };
let store: DurableStore;
let service: RunningService;
const started = new Map<string, RunningService>();

beforeAll(async () => {
  // One in-memory PGlite for the service and the stand-ins (each in its own schema).
  store = await openStore({ migrate: false });
  const options = { env, transport, sharedStore: store, processMetrics: false };
  service = await startService(po, options);
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

describe('sales/po', () => {
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

/**
 * sales/customer on the in-memory transport: it starts and is ready, and each message it
 * receives (the contract's example, sent by a stand-in for its sender) is handled — neither
 * retried nor dead-lettered. Written by `eventplane scaffold`: add the assertions on what each
 * handler does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as emailClient from '../../../../generated/clients/sales/email.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { customer } from '../../../../services/sales/customer/service.js';

type Bus = RunningService['bus'];

const deliveries = [
  { operation: 'onEmailClassifiedV2', type: 'sales.EmailClassifiedV2', sender: 'sales/email', publish: (bus: Bus) => bus.publish(emailClient.publishEmailClassifiedV2Send, {"email_id":"6c2e8a4f-9b1d-4e7a-b5c3-2f8d6a1e4b97","mailbox":"sales@acme-industrial.example.com","sender":{"address":"buyer@northwind.example.com","display_name":"Maria Anders","domain":"northwind.example.com","customer_id":"0d9f3b7a-2c6e-4a1d-8b5f-7e3a9c1d5b84"},"subject":"Pricing for 500 units of HX-200 valves","received_at":"2025-11-24T05:31:48Z","language":"en","classifications":[{"category":"QUOTE_REQUEST","confidence":0.91},{"category":"INQUIRY","confidence":0.07}],"priority":{"score":82,"band":"high"},"model_version":"clf-2025.11.2"}) },
];

const senders = {
  'sales/email': defineService({ service: emailClient.emailService, sends: sendsOf(emailClient), setup: () => {} }),
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
  service = await startService(customer, options);
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

describe('sales/customer', () => {
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

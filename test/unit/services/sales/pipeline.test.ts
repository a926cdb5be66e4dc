/**
 * sales/pipeline on the in-memory transport: it starts and is ready, and each message it
 * receives (the contract's example, sent by a stand-in for its sender) is handled — neither
 * retried nor dead-lettered. Written by `eventplane scaffold`: add the assertions on what each
 * handler does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as emailClient from '../../../../generated/clients/sales/email.js';
import * as poClient from '../../../../generated/clients/sales/po.js';
import * as quoteClient from '../../../../generated/clients/sales/quote.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { pipeline } from '../../../../services/sales/pipeline/service.js';

type Bus = RunningService['bus'];

const deliveries = [
  { operation: 'onEmailClassified', type: 'sales.EmailClassified', sender: 'sales/email', publish: (bus: Bus) => bus.publish(emailClient.publishEmailClassifiedSend, {"email_id":"6c2e8a4f-9b1d-4e7a-b5c3-2f8d6a1e4b97","mailbox":"sales@acme-industrial.example.com","from_address":"buyer@northwind.example.com","subject":"Pricing for 500 units of HX-200 valves","received_at":"2025-11-24T05:31:48Z","category":"INQUIRY","priority_score":8,"customer_id":"0d9f3b7a-2c6e-4a1d-8b5f-7e3a9c1d5b84"}) },
  { operation: 'onPurchaseOrderCreated', type: 'sales.PurchaseOrderCreated', sender: 'sales/po', publish: (bus: Bus) => bus.publish(poClient.publishPurchaseOrderCreatedSend, {"po_id":"4d9a1f6c-8e3b-4a2d-b7f5-3c8e1a6d9b42","po_number":"PO-2025-004418","customer_po_reference":"NW-77812","quote_id":"5a8e2c6f-1d4b-4f9a-a3e7-9c2b6d1f4a58","quote_number":"Q-2025-000731","customer_id":"0d9f3b7a-2c6e-4a1d-8b5f-7e3a9c1d5b84","lines":[{"sku":"HX-200","description":"HX-200 stainless ball valve, DN50","quantity":500,"unit_price":{"amount":"42.00","currency":"EUR"},"discount_percent":12.5,"line_total":{"amount":"18375.00","currency":"EUR"}}],"total":{"amount":"18375.00","currency":"EUR"},"payment_terms":"net_30","requested_delivery_date":"2026-01-30"}) },
  { operation: 'onQuoteCreated', type: 'sales.QuoteCreated', sender: 'sales/quote', publish: (bus: Bus) => bus.publish(quoteClient.publishQuoteCreatedSend, {"quote_id":"5a8e2c6f-1d4b-4f9a-a3e7-9c2b6d1f4a58","quote_number":"Q-2025-000731","customer_id":"0d9f3b7a-2c6e-4a1d-8b5f-7e3a9c1d5b84","opportunity_id":"7b1d5f9a-3e8c-4c2b-9a6d-1f5b9d3e7a20","source_email_id":"6c2e8a4f-9b1d-4e7a-b5c3-2f8d6a1e4b97","lines":[{"sku":"HX-200","description":"HX-200 stainless ball valve, DN50","quantity":500,"unit_price":{"amount":"42.00","currency":"EUR"},"discount_percent":12.5,"line_total":{"amount":"18375.00","currency":"EUR"}}],"subtotal":{"amount":"21000.00","currency":"EUR"},"discount_total":{"amount":"2625.00","currency":"EUR"},"total":{"amount":"18375.00","currency":"EUR"},"valid_until":"2025-12-24","requires_approval":true,"created_by":{"user_id":"3c7a1e5b-9d2f-4b6a-8e4c-2a6e9b3d7f15","name":"Tom Becker","email":"tom.becker@acme-industrial.example.com"}}) },
];

const senders = {
  'sales/email': defineService({ service: emailClient.emailService, sends: sendsOf(emailClient), setup: () => {} }),
  'sales/po': defineService({ service: poClient.poService, sends: sendsOf(poClient), setup: () => {} }),
  'sales/quote': defineService({ service: quoteClient.quoteService, sends: sendsOf(quoteClient), setup: () => {} }),
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
  service = await startService(pipeline, options);
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

describe('sales/pipeline', () => {
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

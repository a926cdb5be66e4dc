/**
 * sales/email on the in-memory transport with its consumers: one email received over HTTP is
 * classified once and published in both versions; customer reads v2, pipeline and notification
 * read v1 — the side-by-side migration of docs/CONTRACTS.md, working.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { memoryTransport, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { customer } from '../../../../services/sales/customer/service.js';
import { email } from '../../../../services/sales/email/service.js';
import { notification } from '../../../../services/sales/notification/service.js';
import { pipeline } from '../../../../services/sales/pipeline/service.js';

const transport = memoryTransport(JSON.parse(readFileSync('generated/topology.json', 'utf8')));
const env = { PORT: '0', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent' };
let store: DurableStore;
const running: Record<string, RunningService> = {};

beforeAll(async () => {
  store = await openStore({ migrate: false });
  const options = { env, transport, sharedStore: store, processMetrics: false };
  for (const [id, definition] of Object.entries({ email, customer, pipeline, notification })) running[id] = await startService(definition as typeof email, options);
}, 180_000);

afterAll(async () => {
  for (const service of Object.values(running)) await service.close();
  await store?.close();
  transport.close();
});

const call = async (service: string, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${running[service]!.url}${path}`, { method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  return { status: response.status, body: (await response.json()) as any };
};

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within 10 s; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('sales/email: v1 and v2 side by side', () => {
  it('is ready', async () => {
    expect((await fetch(`${running['email']!.url}/readyz`)).status).toBe(200);
  });

  it('one email reaches customer as v2 and pipeline and notification as v1', async () => {
    const known = await call('customer', 'POST', '/api/customers', { name: 'Northwind Traders', domain: 'northwind.example.com' });
    expect(known.status).toBe(201);
    const received = await call('email', 'POST', '/api/emails', {
      message_id: '<valves-1@northwind.example.com>',
      mailbox: 'sales@acme-industrial.example.com',
      from_address: 'buyer@northwind.example.com',
      from_name: 'Maria Anders',
      subject: 'URGENT: pricing for 500 units of HX-200 valves',
      body: 'Please send your best price for 500 units today.',
    });
    expect(received.status).toBe(201);
    expect(received.body).toMatchObject({ category: 'QUOTE_REQUEST', priority: { band: 'urgent' } });
    const emailId = received.body.email_id as string;

    // v2 → customer: the email is on Northwind's timeline with v2's ranked category and 0–100 priority.
    const timeline = await until(
      () => call('customer', 'GET', `/api/customers/${known.body.customer_id}`),
      (r) => r.body.timeline.length === 1,
    );
    expect(timeline.body.timeline[0]).toMatchObject({ email_id: emailId, category: 'QUOTE_REQUEST', priority: received.body.priority.score, band: 'urgent' });
    // v1 → pipeline: a qualified opportunity for the sender's domain.
    const opportunities = await until(() => call('pipeline', 'GET', `/api/opportunities?source_email_id=${emailId}`), (r) => r.body.length === 1);
    expect(opportunities.body[0]).toMatchObject({ stage: 'qualified', sender_domain: 'northwind.example.com' });
    // v1 → notification: urgent (v1 priority ≥ 8), so the inbox is told.
    const told = await until(() => call('notification', 'GET', `/api/notifications?about=${emailId}`), (r) => r.body.length === 1);
    expect(told.body[0]).toMatchObject({ event_type: 'EmailClassified', subject: expect.stringContaining('Urgent quote_request') });

    // The same Message-ID again is the same email: classified and published once.
    const again = await call('email', 'POST', '/api/emails', { message_id: '<valves-1@northwind.example.com>', mailbox: 'sales@acme-industrial.example.com', from_address: 'buyer@northwind.example.com', subject: 'x', body: 'y' });
    expect(again).toMatchObject({ status: 200, body: { email_id: emailId } });
  });

  it('an unknown sender opens a lead (v2) and a low-priority inquiry notifies no one (v1)', async () => {
    const received = await call('email', 'POST', '/api/emails', { mailbox: 'sales@acme-industrial.example.com', from_address: 'info@newprospect.example.org', subject: 'Do you ship to Norway?', body: 'Question about your catalogue.' });
    expect(received.body).toMatchObject({ category: 'INQUIRY', priority: { score: 35, band: 'normal' } });
    const leads = await until(() => call('customer', 'GET', '/api/leads?domain=newprospect.example.org'), (r) => r.body.length === 1);
    expect(leads.body[0]).toMatchObject({ address: 'info@newprospect.example.org', emails: 1, top_category: 'INQUIRY' });
    const opportunity = await until(() => call('pipeline', 'GET', `/api/opportunities?source_email_id=${received.body.email_id}`), (r) => r.body.length === 1);
    expect(opportunity.body[0]).toMatchObject({ stage: 'lead' });
    expect((await call('notification', 'GET', `/api/notifications?about=${received.body.email_id}`)).body).toEqual([]);
  });
});

/**
 * saas/analytics on the in-memory transport: it starts and is ready, and each message it
 * receives (the contract's example, sent by a stand-in for its sender) is handled — neither
 * retried nor dead-lettered. Written by `eventplane scaffold`: add the assertions on what each
 * handler does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as billingClient from '../../../../generated/clients/saas/billing.js';
import * as usersClient from '../../../../generated/clients/saas/users.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { analytics } from '../../../../services/saas/analytics/service.js';

type Bus = RunningService['bus'];

/** Every saas message belongs to a tenant (ce-tenantid); analytics counts per tenant. */
const TENANT = '4a1f8e2c-9b3d-4c7a-8e6f-1d5b9a3c7e40';

const deliveries = [
  { operation: 'onPaymentFailed', type: 'saas.PaymentFailed', sender: 'saas/billing', publish: (bus: Bus) => bus.publish(billingClient.publishPaymentFailedSend, {"paymentId":"8a3d1f5c-2b7e-4c9a-9f6d-4e1b8c3a7d25","invoiceId":"INV-2024-000143","subscriptionId":"3e8a1c6f-9d4b-4f2a-b7c1-5a9e3d7f1b84","plan":"team","amount":{"amount":"49.00","currency":"EUR"},"method":{"type":"card","brand":"mastercard","last4":"4444"},"failureCode":"insufficient_funds","failureMessage":"Your card has insufficient funds.","attempt":1,"nextAttemptAt":"2024-03-04T00:00:00Z","billingEmail":"billing@example.com"}, { tenantId: TENANT }) },
  { operation: 'onPaymentSucceeded', type: 'saas.PaymentSucceeded', sender: 'saas/billing', publish: (bus: Bus) => bus.publish(billingClient.publishPaymentSucceededSend, {"paymentId":"7f2c9e4b-1a6d-4b8f-a3e5-6c9f2b8d4a17","invoiceId":"INV-2024-000142","subscriptionId":"3e8a1c6f-9d4b-4f2a-b7c1-5a9e3d7f1b84","plan":"team","amount":{"amount":"49.00","currency":"EUR"},"period":{"from":"2024-02-01","to":"2024-02-29"},"method":{"type":"card","brand":"visa","last4":"4242"},"billingEmail":"billing@example.com","invoiceUrl":"https://billing.example.com/invoices/INV-2024-000142.pdf"}, { tenantId: TENANT }) },
  { operation: 'onUserCreated', type: 'saas.UserCreated', sender: 'saas/users', publish: (bus: Bus) => bus.publish(usersClient.publishUserCreatedSend, {"userId":"9c3e7a1f-5b2d-4e8a-a6c4-3f7d1b9e5a82","email":"user@example.com","fullName":"Ada Lovelace","role":"owner","locale":"en-GB","signupMethod":"password"}, { tenantId: TENANT }) },
  { operation: 'onUserDeleted', type: 'saas.UserDeleted', sender: 'saas/users', publish: (bus: Bus) => bus.publish(usersClient.publishUserDeletedSend, {"userId":"1d8f4b2a-7e3c-4a9d-b6e1-8c2f5a9d3b71","reason":"gdpr_erasure","erasePersonalData":true}, { tenantId: TENANT }) },
];

const senders = {
  'saas/billing': defineService({ service: billingClient.billingService, sends: sendsOf(billingClient), setup: () => {} }),
  'saas/users': defineService({ service: usersClient.usersService, sends: sendsOf(usersClient), setup: () => {} }),
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
  service = await startService(analytics, options);
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

describe('saas/analytics', () => {
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

  it("aggregates the tenant's events (the examples above) and nobody else's", async () => {
    const mine = await (await fetch(`${service.url}/api/tenants/${TENANT}/analytics`)).json();
    expect(mine).toMatchObject({
      users: { signups: 1, deleted: 1, active: 0, signupsByMethod: { password: 1 }, signupsByRole: { owner: 1 }, deletionsByReason: { gdpr_erasure: 1 } },
      payments: { succeeded: 1, failed: 1, failureRate: 0.5, revenue: { EUR: '49.00' }, failuresByCode: { insufficient_funds: 1 }, byPlan: { team: { succeeded: 1, failed: 1, revenue: { EUR: '49.00' } } } },
    });
    const other = await (await fetch(`${service.url}/api/tenants/00000000-0000-4000-8000-000000000000/analytics`)).json();
    expect(other).toMatchObject({ users: { signups: 0 }, payments: { succeeded: 0, failed: 0, failureRate: 0, revenue: {} } });
  });
});

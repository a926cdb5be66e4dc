/**
 * saas/webhooks on the in-memory transport with a local HTTPS receiver: an endpoint registered
 * over REST (secret shown once), user and payment events (from stand-ins for users and billing,
 * with a tenant) fanned out to the endpoints of that tenant subscribed to that event only,
 * delivered signed (with the master key the service keeps when WEBHOOKS_MASTER_KEY is unset),
 * and the deliveries with their attempts readable over REST.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as billingClient from '../../../../generated/clients/saas/billing.js';
import * as usersClient from '../../../../generated/clients/saas/users.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../../scripts/demo/webhook-receiver.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { webhooks } from '../../../../services/saas/webhooks/service.js';

const ACME = '4a1f8e2c-9b3d-4c7a-8e6f-1d5b9a3c7e40';
const GLOBEX = '7b2e9d4f-3c1a-4e8b-9f6d-2a5c8e1b7d93';
const transport = memoryTransport(JSON.parse(readFileSync('generated/topology.json', 'utf8')));
const env = { PORT: '0', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent', WEBHOOK_RELEASE_MS: '100' };
let store: DurableStore;
let service: RunningService;
let users: RunningService;
let billing: RunningService;
let receiver: WebhookReceiver;

beforeAll(async () => {
  store = await openStore({ migrate: false });
  const options = { env, transport, sharedStore: store, processMetrics: false };
  service = await startService(webhooks, options);
  users = await startService(defineService({ service: usersClient.usersService, sends: sendsOf(usersClient), setup: () => {} }), options);
  billing = await startService(defineService({ service: billingClient.billingService, sends: sendsOf(billingClient), setup: () => {} }), options);
  receiver = await startWebhookReceiver();
}, 180_000);

afterAll(async () => {
  await receiver?.close();
  await billing?.close();
  await users?.close();
  await service?.close();
  await store?.close();
  transport.close();
});

const call = async (method: string, path: string, tenant: string, body?: unknown) => {
  const response = await fetch(`${service.url}/api/tenants/${tenant}${path}`, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in 10 s; last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('saas/webhooks', () => {
  it('refuses http:// endpoints and unknown event types', async () => {
    expect((await call('POST', '/webhooks/endpoints', ACME, { url: 'http://127.0.0.1/x', events: ['user.created'] })).status).toBe(400);
    expect((await call('POST', '/webhooks/endpoints', ACME, { url: receiver.url, events: ['user.exploded'] })).status).toBe(400);
  });

  it('delivers a tenant\u2019s event, signed, to that tenant\u2019s subscribed endpoints only', async () => {
    const registered = await call('POST', '/webhooks/endpoints', ACME, { url: receiver.url, events: ['user.created', 'payment.succeeded'], tlsCa: receiver.ca });
    expect(registered.status).toBe(201);
    expect(registered.body.secret).toMatch(/^whsec_/);
    receiver.trust(registered.body.secret);
    // The secret is shown once: reading the endpoint does not show it.
    const read = await call('GET', `/webhooks/endpoints/${registered.body.id}`, ACME);
    expect(read.body).toMatchObject({ id: registered.body.id, breaker: { state: 'closed', consecutiveFailures: 0 } });
    expect(JSON.stringify(read.body)).not.toContain('whsec_');
    // Another tenant's endpoint on the same event, and acme's event it did not subscribe to.
    const other = await call('POST', '/webhooks/endpoints', GLOBEX, { url: `${receiver.url}?globex`, events: ['user.created'], tlsCa: receiver.ca });
    expect(other.status).toBe(201);

    const user = { userId: '9c3e7a1f-5b2d-4e8a-a6c4-3f7d1b9e5a82', email: 'ada@example.com', fullName: 'Ada Lovelace', role: 'owner' as const, signupMethod: 'password' as const };
    await usersClient.createUsersPublisher(users.bus).publishUserDeleted({ userId: user.userId, reason: 'user_request', erasePersonalData: false }, { tenantId: ACME, subject: user.userId });
    await usersClient.createUsersPublisher(users.bus).publishUserCreated(user, { tenantId: ACME, subject: user.userId });

    const got = await until(async () => receiver.received, (r) => r.length >= 1);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ event: 'user.created', tenant: ACME, verified: true, body: { type: 'user.created', tenantId: ACME, data: user } });

    const { body } = await until(
      () => call('GET', `/webhooks/endpoints/${registered.body.id}/deliveries`, ACME),
      (r) => r.body.deliveries[0]?.status === 'delivered',
    );
    expect(body.deliveries).toHaveLength(1);
    const delivery = await call('GET', `/webhooks/deliveries/${got[0]!.id}`, ACME);
    expect(delivery.body).toMatchObject({ status: 'delivered', attempts: 1, attemptLog: [{ n: 1, outcome: 'delivered', httpStatus: 200, breaker: 'closed' }] });
    expect((await call('GET', `/webhooks/deliveries/${got[0]!.id}`, GLOBEX)).status).toBe(404);
    expect((await call('GET', `/webhooks/endpoints/${other.body.id}/deliveries`, GLOBEX)).body.deliveries).toEqual([]);
  });

  it('fans a payment event out too', async () => {
    const before = receiver.received.length;
    await billingClient.createBillingPublisher(billing.bus).publishPaymentSucceeded(
      {
        paymentId: '7f2c9e4b-1a6d-4b8f-a3e5-6c9f2b8d4a17',
        invoiceId: 'INV-2024-000142',
        subscriptionId: '3e8a1c6f-9d4b-4f2a-b7c1-5a9e3d7f1b84',
        plan: 'team',
        amount: { amount: '49.00', currency: 'EUR' },
        period: { from: '2024-02-01', to: '2024-02-29' },
        method: { type: 'card', brand: 'visa', last4: '4242' },
        billingEmail: 'billing@example.com',
        invoiceUrl: 'https://billing.example.com/invoices/INV-2024-000142.pdf',
      },
      { tenantId: ACME, subject: '7f2c9e4b-1a6d-4b8f-a3e5-6c9f2b8d4a17' },
    );
    const got = await until(async () => receiver.received.slice(before), (r) => r.length >= 1);
    expect(got[0]).toMatchObject({ event: 'payment.succeeded', verified: true, body: { data: { invoiceId: 'INV-2024-000142' } } });
  });
});

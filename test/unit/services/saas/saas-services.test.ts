/**
 * saas users, billing, notifications, email and analytics in this process on the in-memory
 * transport, the email worker sending through a real SMTP sink on 127.0.0.1: each REST change
 * becomes its event with the tenant, the event its email, the email a message in the sink, and
 * the tenant's analytics move. (Across real processes and RabbitMQ: test/e2e/saas.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as reportsClient from '../../../../generated/clients/saas/reports.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../../../src/local-cluster/smtp-sink.js';
import { RemoteError } from '../../../../src/runtime/index.js';
import { defineService, sendsOf, startService } from '../../../../src/service-kit/index.js';
import { call, startInMemory, type InMemoryServices } from '../support/in-memory.js';

const SAAS = ['saas/users', 'saas/billing', 'saas/notifications', 'saas/email', 'saas/analytics'];
let saas: InMemoryServices;
let sink: SmtpSink;
const url = (id: string) => saas.urls[id]!;

beforeAll(async () => {
  sink = await startSmtpSink();
  saas = await startInMemory(SAAS, { 'saas/email': { SMTP_PORT: String(sink.port) } });
}, 180_000);
afterAll(async () => {
  await saas?.stop();
  await sink?.close();
});

async function until<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const mailTo = (address: string, template: string) => until(() => sink.received.filter((m) => m.to.includes(address) && m.headers['x-eventplane-template'] === template), (m) => m.length > 0, `${template} to ${address}`);
const analytics = (tenant: string) => call('GET', `${url('saas/analytics')}/api/tenants/${tenant}/analytics`).then((r) => r.body);
const signUp = (tenant: string, body: Record<string, unknown>) => call('POST', `${url('saas/users')}/api/tenants/${tenant}/users`, body);

describe('users', () => {
  it('a signup is published with its tenant and welcomed by email', async () => {
    const tenant = randomUUID();
    const created = await signUp(tenant, { email: 'ada@example.com', fullName: 'Ada Lovelace', role: 'owner', locale: 'en-GB' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tenantId: tenant, email: 'ada@example.com', role: 'owner', status: 'active' });
    const [mail] = (await mailTo('ada@example.com', 'welcome')) as [ReceivedMail];
    expect(mail.subject).toBe('Welcome aboard, Ada!');
    expect(mail.text).toContain('You joined as owner.');
    expect(mail.headers['x-tenant-id']).toBe(tenant);
    await until(() => analytics(tenant), (a) => a.users.signups === 1, 'the signup counted');
    expect((await analytics(randomUUID())).users.signups).toBe(0);
  });

  it('one email per tenant; a retried create answers the same user; the same email in another tenant is fine', async () => {
    const tenant = randomUUID();
    const userId = randomUUID();
    expect((await signUp(tenant, { userId, email: 'grace@example.com', fullName: 'Grace Hopper' })).status).toBe(201);
    expect(await signUp(tenant, { userId, email: 'grace@example.com', fullName: 'Grace Hopper' })).toMatchObject({ status: 200, body: { userId } });
    expect((await signUp(tenant, { email: 'GRACE@example.com', fullName: 'Another Grace' })).status).toBe(409);
    expect((await signUp(randomUUID(), { email: 'grace@example.com', fullName: 'Grace Hopper' })).status).toBe(201);
    expect((await call('GET', `${url('saas/users')}/api/tenants/${tenant}/users`)).body).toHaveLength(1);
    expect((await call('GET', `${url('saas/users')}/api/tenants/${randomUUID()}/users/${userId}`)).status).toBe(404);
  });

  it('an email change warns the previous address; a role change sends nothing; deletion counts as churn', async () => {
    const tenant = randomUUID();
    const { body: user } = await signUp(tenant, { email: 'old.address@example.com', fullName: 'Alan Turing' });
    const patched = await call('PATCH', `${url('saas/users')}/api/tenants/${tenant}/users/${user.userId}`, { email: 'new.address@example.com', role: 'admin' });
    expect(patched).toMatchObject({ status: 200, body: { email: 'new.address@example.com', role: 'admin' } });
    const [warning] = (await mailTo('old.address@example.com', 'email_changed')) as [ReceivedMail];
    expect(warning.text).toContain('new.address@example.com');
    expect((await call('DELETE', `${url('saas/users')}/api/tenants/${tenant}/users/${user.userId}?reason=user_request`)).status).toBe(204);
    const counted = await until(() => analytics(tenant), (a) => a.users.deleted === 1, 'the deletion counted');
    expect(counted.users).toMatchObject({ signups: 1, deleted: 1, active: 0, deletionsByReason: { user_request: 1 } });
    expect(sink.received.filter((m) => m.to.includes('new.address@example.com'))).toEqual([]);
  });

  it('answers get.user_profile requests; an unknown user is an error reply', async () => {
    const tenant = randomUUID();
    const { body: user } = await signUp(tenant, { email: 'barbara@example.com', fullName: 'Barbara Liskov', role: 'admin', locale: 'en-US' });
    // A stand-in for saas/reports on the services' in-memory broker.
    const reports = await startService(defineService({ service: reportsClient.reportsService, sends: sendsOf(reportsClient), setup: () => {} }), {
      env: { PORT: '0', LOG_LEVEL: 'silent' },
      transport: saas.transport,
      sharedStore: saas.store,
      processMetrics: false,
    });
    try {
      const requester = reportsClient.createReportsPublisher(reports.bus);
      expect(await requester.requestUserProfile({ userId: user.userId }, { tenantId: tenant })).toEqual({ userId: user.userId, email: 'barbara@example.com', fullName: 'Barbara Liskov', role: 'admin', locale: 'en-US', status: 'active' });
      await expect(requester.requestUserProfile({ userId: randomUUID() }, { tenantId: tenant })).rejects.toBeInstanceOf(RemoteError);
    } finally {
      await reports.close();
    }
  });
});

describe('billing', () => {
  const charge = (tenant: string, body: Record<string, unknown>) => call('POST', `${url('saas/billing')}/api/tenants/${tenant}/payments`, body);

  it('a paid invoice sends a receipt; a declined card a payment-failed email; a retry with another card pays the invoice', async () => {
    const tenant = randomUUID();
    const paid = await charge(tenant, { plan: 'team', billingEmail: 'billing@acme.example.com', cardNumber: '4242424242424242' });
    expect(paid).toMatchObject({ status: 201, body: { status: 'succeeded', plan: 'team', amount: { amount: '49.00', currency: 'EUR' }, method: { brand: 'visa', last4: '4242' }, attempt: 1 } });
    expect(paid.body.invoiceId).toMatch(/^INV-\d{4}-\d{6}$/);
    const [receipt] = (await mailTo('billing@acme.example.com', 'payment_receipt')) as [ReceivedMail];
    expect(receipt.subject).toBe(`Receipt for invoice ${paid.body.invoiceId}`);

    const declined = await charge(tenant, { plan: 'business', billingEmail: 'dunning@acme.example.com', cardNumber: '4000000000000002' });
    expect(declined).toMatchObject({ status: 201, body: { status: 'failed', attempt: 1, failure: { code: 'card_declined' } } });
    expect(declined.body.failure.nextAttemptAt).not.toBeNull();
    const [failed] = (await mailTo('dunning@acme.example.com', 'payment_failed')) as [ReceivedMail];
    expect(failed.subject).toBe(`Payment failed for invoice ${declined.body.invoiceId}`);
    expect(failed.text).toContain('Reason: Your card was declined.');
    expect(failed.headers['x-tenant-id']).toBe(tenant);

    const retried = await charge(tenant, { invoiceId: declined.body.invoiceId, billingEmail: 'dunning@acme.example.com', cardNumber: '5555555555554444' });
    expect(retried).toMatchObject({ status: 201, body: { status: 'succeeded', invoiceId: declined.body.invoiceId, attempt: 2, plan: 'business', amount: { amount: '199.00' } } });
    expect((await charge(tenant, { invoiceId: declined.body.invoiceId, billingEmail: 'dunning@acme.example.com', cardNumber: '4242424242424242' })).status).toBe(409);

    const counted = await until(() => analytics(tenant), (a) => a.payments.succeeded === 2 && a.payments.failed === 1, 'the payments counted');
    expect(counted.payments).toMatchObject({ failureRate: 0.3333, revenue: { EUR: '248.00' }, failuresByCode: { card_declined: 1 } });
  });

  it('refuses what is not a card, and repeats a payment with the same id only once', async () => {
    const tenant = randomUUID();
    expect((await charge(tenant, { plan: 'team', billingEmail: 'b@example.com', cardNumber: '4242424242424241' })).status).toBe(400);
    expect((await charge(tenant, { billingEmail: 'b@example.com', cardNumber: '4242424242424242' })).status).toBe(400);
    const paymentId = randomUUID();
    expect((await charge(tenant, { paymentId, plan: 'starter', billingEmail: 'b@example.com', cardNumber: '4242424242424242' })).status).toBe(201);
    expect(await charge(tenant, { paymentId, plan: 'starter', billingEmail: 'b@example.com', cardNumber: '4242424242424242' })).toMatchObject({ status: 200, body: { paymentId } });
    expect((await call('GET', `${url('saas/billing')}/api/tenants/${tenant}/payments`)).body).toHaveLength(1);
  });
});

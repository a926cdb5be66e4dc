/**
 * saas end to end: users, billing, notifications, the email worker and analytics as real
 * processes on the test RabbitMQ node and PostgreSQL (a schema each). The email worker sends
 * through SMTP (nodemailer) to a sink this test runs on a free 127.0.0.1 port, behind a gate the
 * test can hold; what reached the sink is what the assertions read. Failure paths: a declined
 * card (payment-failed email), and the email worker SIGKILLed with sends in flight, then
 * restarted — every email arrives, none twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../src/local-cluster/smtp-sink.js';
import { eventually, http, startE2eStack, type E2eStack } from './support/e2e.js';
import { startSmtpGate, type SmtpGate } from './support/smtp-gate.js';

const SAAS = ['saas/users', 'saas/billing', 'saas/notifications', 'saas/email', 'saas/analytics'];

let e2e: E2eStack;
let sink: SmtpSink;
let gate: SmtpGate;

beforeAll(async () => {
  sink = await startSmtpSink();
  gate = await startSmtpGate(sink);
  e2e = await startE2eStack({ label: 'saas', services: SAAS, database: 'postgres', serviceEnv: { 'saas/email': { SMTP_PORT: String(gate.port), SMTP_TIMEOUT_MS: '60000' } } });
});

afterAll(async () => {
  await e2e?.dispose();
  await gate?.close();
  await sink?.close();
});

const api = (id: string, tenant: string) => `${e2e.url(id)}/api/tenants/${tenant}`;
const mailOf = (tenant: string, template?: string) => sink.received.filter((m) => m.headers['x-tenant-id'] === tenant && (template === undefined || m.headers['x-eventplane-template'] === template));
const mailArrived = (tenant: string, template: string, count = 1) => eventually(async () => mailOf(tenant, template), (m) => m.length >= count, { what: `${count} ${template} email(s) for tenant ${tenant}` });

describe('saas flow', () => {
  it('a signup in a tenant is welcomed by email; a paid invoice gets a receipt, a declined card a payment-failed email; analytics count it all', async () => {
    const tenant = randomUUID();
    const user = await http('POST', `${api('saas/users', tenant)}/users`, { email: 'ada@acme.example.com', fullName: 'Ada Lovelace', role: 'owner' });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const [welcome] = (await mailArrived(tenant, 'welcome')) as [ReceivedMail];
    expect(welcome).toMatchObject({ to: ['ada@acme.example.com'], subject: 'Welcome aboard, Ada!', envelope: { from: 'no-reply@saas.example.com', to: ['ada@acme.example.com'] } });
    expect(welcome.text).toContain('You joined as owner.');

    const paid = await http('POST', `${api('saas/billing', tenant)}/payments`, { plan: 'team', billingEmail: 'billing@acme.example.com', cardNumber: '4242424242424242' });
    expect(paid).toMatchObject({ status: 201, body: { status: 'succeeded', amount: { amount: '49.00', currency: 'EUR' } } });
    const declined = await http('POST', `${api('saas/billing', tenant)}/payments`, { plan: 'business', billingEmail: 'billing@acme.example.com', cardNumber: '4000000000000002' });
    expect(declined).toMatchObject({ status: 201, body: { status: 'failed', failure: { code: 'card_declined' } } });

    const [receipt] = (await mailArrived(tenant, 'payment_receipt')) as [ReceivedMail];
    expect(receipt).toMatchObject({ to: ['billing@acme.example.com'], subject: `Receipt for invoice ${paid.body.invoiceId}` });
    expect(receipt.text).toContain('Amount: 49.00 EUR');
    const [failed] = (await mailArrived(tenant, 'payment_failed')) as [ReceivedMail];
    expect(failed).toMatchObject({ to: ['billing@acme.example.com'], subject: `Payment failed for invoice ${declined.body.invoiceId}` });
    expect(failed.text).toContain('Reason: Your card was declined.');
    expect(failed.text).toContain('visa ending 0002');

    const counted = await eventually(
      async () => (await http('GET', `${api('saas/analytics', tenant)}/analytics`)).body,
      (a) => a.users.signups === 1 && a.payments.succeeded === 1 && a.payments.failed === 1,
      { what: "the tenant's analytics" },
    );
    expect(counted).toMatchObject({
      tenantId: tenant,
      users: { signups: 1, active: 1, signupsByRole: { owner: 1 } },
      payments: { failureRate: 0.5, revenue: { EUR: '49.00' }, failuresByCode: { card_declined: 1 }, byPlan: { team: { succeeded: 1 }, business: { failed: 1 } } },
    });
    // Another tenant sees none of it.
    expect((await http('GET', `${api('saas/analytics', randomUUID())}/analytics`)).body.users.signups).toBe(0);
    // Every email of the flow is in the sink exactly once, tagged with the tenant end to end.
    expect(mailOf(tenant).map((m) => m.headers['x-eventplane-template']).sort()).toEqual(['payment_failed', 'payment_receipt', 'welcome']);
  });
});

describe('the email worker killed with sends in flight', () => {
  it('restarted, it sends every email of its queue, none twice', async () => {
    const tenant = randomUUID();
    const count = 12;
    gate.hold();
    try {
      for (let i = 0; i < count; i++) {
        const created = await http('POST', `${api('saas/users', tenant)}/users`, { email: `member${i}@acme.example.com`, fullName: `Member ${i}` });
        expect(created.status).toBe(201);
      }
      // Every welcome command issued, and the worker caught waiting at the gate with sends in flight.
      await eventually(async () => (await http('GET', `${api('saas/notifications', tenant)}/notifications?limit=100`)).body, (c) => c.length === count, { what: 'the welcome commands' });
      await eventually(async () => gate.waiting, (n) => n >= 1, { what: 'the email worker to open an SMTP connection' });
      await e2e.stack.service('saas/email').kill();
      await eventually(async () => gate.waiting, (n) => n === 0, { what: "the killed worker's connections to close" });
      expect(gate.abandoned).toBeGreaterThanOrEqual(1);
      expect(mailOf(tenant)).toEqual([]);
    } finally {
      gate.release();
    }
    await e2e.stack.restart('saas/email');

    // Once the worker has recorded all of them, nothing of this tenant is left to (re)send.
    await eventually(async () => (await http('GET', `${api('saas/email', tenant)}/emails?limit=100`)).body, (sent) => sent.length === count, { what: 'every welcome email recorded as sent', timeoutMs: 60_000 });
    const mail = mailOf(tenant, 'welcome');
    expect(mail).toHaveLength(count);
    expect(new Set(mail.map((m) => m.messageId)).size).toBe(count);
    expect(mail.map((m) => m.to[0]).sort()).toEqual(Array.from({ length: count }, (_, i) => `member${i}@acme.example.com`).sort());
  });
});

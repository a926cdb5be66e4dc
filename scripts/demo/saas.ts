import { randomUUID } from 'node:crypto';
import { running, type SystemDemo } from './flow.js';
import { expectOk, httpJson, money, short, until } from './http.js';

interface SentEmail {
  readonly template: string;
  readonly subject: string;
  readonly recipients: readonly string[];
  readonly smtpResponse: string;
}

/**
 * A tenant signs up its owner (welcome email), pays its invoice and has a card declined (receipt
 * and payment-failed emails, all delivered to the local SMTP sink, .eventplane/mail/), and its
 * analytics count all of it. Each run is a new tenant.
 */
export const saasDemo: SystemDemo = async ({ urls, step, send }) => {
  if (!running(urls, ['saas/users', 'saas/billing', 'saas/notifications', 'saas/email', 'saas/analytics'])) return;
  const tenant = randomUUID();
  const api = (id: string) => `${urls[id]}/api/tenants/${tenant}`;
  /** The emails the worker sent for the tenant with `template`, once there are `count`. */
  const delivered = (template: string, count = 1) =>
    until<SentEmail[]>(
      `the ${template} email`,
      async () => ((await expectOk('emails', httpJson('GET', `${api('saas/email')}/emails`))) as SentEmail[]).filter((e) => e.template === template),
      (emails) => emails.length >= count,
    );
  const where = (e: SentEmail) => `"${e.subject}" → ${e.recipients.join(', ')} (SMTP: ${e.smtpResponse.replace(/^250\s*/, '')})`;

  await step('saas', 'saas-signup', async () => {
    const user = await expectOk('sign up', send('POST', `${api('saas/users')}/users`, { email: 'ada@acme.example.com', fullName: 'Ada Lovelace', role: 'owner', locale: 'en-GB' }));
    const [welcome] = await delivered('welcome');
    return `tenant ${short(tenant)}: user ${short(user.userId)} signed up (UserCreated) → welcome email ${where(welcome!)}`;
  });

  await step('saas', 'saas-payments', async () => {
    const paid = await expectOk('pay', send('POST', `${api('saas/billing')}/payments`, { plan: 'team', billingEmail: 'billing@acme.example.com', cardNumber: '4242424242424242' }));
    const declined = await expectOk('pay with the declining card', send('POST', `${api('saas/billing')}/payments`, { plan: 'business', billingEmail: 'billing@acme.example.com', cardNumber: '4000000000000002' }));
    if (paid.status !== 'succeeded' || declined.status !== 'failed') throw new Error(`expected one payment to succeed and one to be declined, got ${paid.status} and ${declined.status}`);
    const [receipt] = await delivered('payment_receipt');
    const [failed] = await delivered('payment_failed');
    return `${paid.invoiceId} paid ${money(paid.amount)} → receipt ${where(receipt!)}; ${declined.invoiceId} declined (card 4000000000000002, ${declined.failure.code}) → ${where(failed!)}`;
  });

  await step('saas', 'saas-analytics', async () => {
    const counted = await until<any>(
      'the analytics to count the signup and both payments',
      () => expectOk('analytics', httpJson('GET', `${api('saas/analytics')}/analytics`)),
      (a) => a.users.signups === 1 && a.payments.succeeded === 1 && a.payments.failed === 1,
    );
    const revenue = Object.entries(counted.payments.revenue as Record<string, string>).map(([currency, amount]) => `${currency} ${amount}`).join(', ');
    return `tenant ${short(tenant)}: ${counted.users.signups} signup, ${counted.payments.succeeded} payment succeeded and ${counted.payments.failed} failed (failure rate ${counted.payments.failureRate * 100} %), revenue ${revenue}`;
  });
};

/** The saas services' pure rules: user diffs, billing (cards, invoices, periods, dunning), email decisions, templates, analytics. */
import { describe, expect, it } from 'vitest';
import { deltasOf, report } from '../../../../services/saas/analytics/domain.js';
import { invoiceNumber, monthlyPeriod, nextAttemptAt, retryable } from '../../../../services/saas/billing/domain.js';
import { cardBrand, luhnValid, TestCardProcessor } from '../../../../services/saas/billing/provider.js';
import { messageIdOf } from '../../../../services/saas/email/mailer.js';
import { languageOf, render, TemplateError } from '../../../../services/saas/email/templates.js';
import { emailChanged, paymentFailed, paymentReceipt, welcome } from '../../../../services/saas/notifications/domain.js';
import { applyPatch, diffUser, type User } from '../../../../services/saas/users/domain.js';
import { decimal } from '../../../../services/saas/_shared/decimal.js';

const ada: User = {
  tenantId: 't',
  userId: 'u',
  email: 'ada@example.com',
  fullName: 'Ada Lovelace',
  role: 'member',
  status: 'active',
  signupMethod: 'password',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('users', () => {
  it('a patch yields exactly the changed fields and their previous values', () => {
    expect(diffUser(ada, { role: 'admin', fullName: 'Ada Lovelace' })).toEqual({ changes: { role: 'admin' }, previous: { role: 'member' } });
    expect(diffUser(ada, { email: 'ada@new.example.com', status: 'suspended' })).toEqual({
      changes: { email: 'ada@new.example.com', status: 'suspended' },
      previous: { email: 'ada@example.com', status: 'active' },
    });
  });
  it('an unchanged patch is no change', () => {
    expect(diffUser(ada, { role: 'member', email: 'ada@example.com' })).toBeUndefined();
  });
  it('a first locale keeps `previous` non-empty, as the contract requires', () => {
    expect(diffUser(ada, { locale: 'es-ES' })).toEqual({ changes: { locale: 'es-ES' }, previous: { status: 'active' } });
  });
  it('applies a patch', () => {
    expect(applyPatch(ada, { role: 'owner' })).toMatchObject({ role: 'owner', email: 'ada@example.com' });
  });
});

describe('billing', () => {
  it('test cards: the number decides; 4000000000000002 is always declined', async () => {
    const processor = new TestCardProcessor();
    expect(await processor.charge({ idempotencyKey: 'k', cardNumber: '4242424242424242' })).toEqual({ ok: true, method: { type: 'card', brand: 'visa', last4: '4242' } });
    expect(await processor.charge({ idempotencyKey: 'k', cardNumber: '4000000000000002' })).toMatchObject({ ok: false, code: 'card_declined', method: { last4: '0002' } });
    expect(await processor.charge({ idempotencyKey: 'k', cardNumber: '4000000000009995' })).toMatchObject({ ok: false, code: 'insufficient_funds' });
  });
  it('card numbers: Luhn and brand', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('42')).toBe(false);
    expect([cardBrand('5555555555554444'), cardBrand('378282246310005'), cardBrand('6011111111111117'), cardBrand('9999')]).toEqual(['mastercard', 'amex', 'discover', undefined]);
  });
  it('invoice numbers follow the contract pattern', () => {
    expect(invoiceNumber(2026, 42)).toBe('INV-2026-000042');
    expect(() => invoiceNumber(2026, 1_000_000)).toThrow(RangeError);
  });
  it('a monthly period ends the day before the same day next month, clamped to short months', () => {
    expect(monthlyPeriod('2026-02-01')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthlyPeriod('2026-01-31')).toEqual({ from: '2026-01-31', to: '2026-02-27' });
    expect(monthlyPeriod('2026-12-15')).toEqual({ from: '2026-12-15', to: '2027-01-14' });
  });
  it('dunning: retried after 3, 5, 7 days, then no more; an expired card is not retried', () => {
    const at = new Date('2026-03-01T00:00:00Z');
    expect(nextAttemptAt(1, at)).toBe('2026-03-04T00:00:00.000Z');
    expect(nextAttemptAt(3, at)).toBe('2026-03-08T00:00:00.000Z');
    expect(nextAttemptAt(4, at)).toBeNull();
    expect([retryable('card_declined'), retryable('expired_card')]).toEqual([true, false]);
  });
  it('numeric text becomes the contract decimal', () => {
    expect([decimal('49.0000'), decimal('0.1250'), decimal('10')]).toEqual(['49.00', '0.125', '10.00']);
  });
});

describe('notifications decide the email', () => {
  it('welcome: to the new user, in their locale, by first name', () => {
    expect(welcome({ userId: 'u', email: 'ada@example.com', fullName: 'Ada Lovelace', role: 'owner', locale: 'es-ES', signupMethod: 'password' })).toEqual({
      to: [{ email: 'ada@example.com', name: 'Ada Lovelace' }],
      template: 'welcome',
      locale: 'es-ES',
      variables: { firstName: 'Ada', role: 'owner' },
    });
  });
  it('email_changed only when the email changed, to the previous address', () => {
    expect(emailChanged({ userId: 'u', changes: { role: 'admin' }, previous: { role: 'member' } })).toBeUndefined();
    expect(emailChanged({ userId: 'u', changes: { email: 'new@example.com' }, previous: { email: 'old@example.com' } })).toMatchObject({ to: [{ email: 'old@example.com' }], template: 'email_changed', variables: { newEmail: 'new@example.com' } });
  });
  it('payment emails carry the facts; the last failed attempt says so', () => {
    const base = { paymentId: 'p', invoiceId: 'INV-2026-000001', plan: 'team', amount: { amount: '49.00', currency: 'EUR' }, method: { type: 'card', brand: 'visa', last4: '0002' }, billingEmail: 'b@example.com' } as const;
    expect(paymentReceipt(base).variables).toMatchObject({ amount: '49.00 EUR', method: 'visa ending 0002', invoiceId: 'INV-2026-000001' });
    const last = paymentFailed({ ...base, failureCode: 'card_declined', failureMessage: 'Your card was declined.', attempt: 4, nextAttemptAt: null });
    expect(last).toMatchObject({ template: 'payment_failed', variables: { reason: 'Your card was declined.', attempt: '4', finalAttempt: 'yes' } });
    expect(last.variables['nextAttemptAt']).toBeUndefined();
  });
});

describe('email templates', () => {
  it('renders subject and body; optional lines only when their variable is there', () => {
    const email = render('payment_failed', 'en-GB', { invoiceId: 'INV-2026-000001', plan: 'team', amount: '49.00 EUR', method: 'visa ending 0002', reason: 'Your card was declined.', attempt: '1', nextAttemptAt: '2026-03-04' });
    expect(email.subject).toBe('Payment failed for invoice INV-2026-000001');
    expect(email.text).toContain('Reason: Your card was declined.');
    expect(email.text).toContain('We will try again on 2026-03-04');
    expect(email.text).not.toContain('last attempt');
  });
  it('a missing variable is a TemplateError naming it', () => {
    expect(() => render('welcome', 'en', {})).toThrow(new TemplateError('template welcome needs variable firstName, which the command does not carry'));
  });
  it('Spanish for es-*, English otherwise; a subject stays one line', () => {
    expect(languageOf('es-MX')).toBe('es');
    expect(languageOf('fr-FR')).toBe('en');
    expect(render('welcome', 'es-ES', { firstName: 'Ada' }).subject).toBe('¡Bienvenido, Ada!');
    expect(render('welcome', 'en', { firstName: 'Ada\r\nBcc: x@example.com' }).subject).toBe('Welcome aboard, Ada Bcc: x@example.com!');
  });
  it('the Message-ID is fixed by the command id', () => {
    expect(messageIdOf('c-1', 'SaaS <no-reply@saas.example.com>')).toBe('<c-1@saas.example.com>');
    expect(messageIdOf('c-1', 'nobody')).toBe('<c-1@eventplane.local>');
  });
});

describe('analytics', () => {
  it('counts per event and reports per tenant, revenue per plan and currency', () => {
    const counters = new Map<string, number>();
    const add = (deltas: ReturnType<typeof deltasOf>) => {
      for (const d of deltas) counters.set(`${d.metric}|${d.key}`, (counters.get(`${d.metric}|${d.key}`) ?? 0) + Number(d.delta));
    };
    add(deltasOf({ name: 'UserCreated', payload: { userId: 'u', email: 'a@example.com', fullName: 'A', role: 'owner', signupMethod: 'google' } }));
    add(deltasOf({ name: 'UserCreated', payload: { userId: 'v', email: 'b@example.com', fullName: 'B', role: 'member', signupMethod: 'invitation' } }));
    add(deltasOf({ name: 'UserDeleted', payload: { userId: 'v', reason: 'user_request', erasePersonalData: false } }));
    const pay = { paymentId: 'p', invoiceId: 'INV-2026-000001', method: { type: 'card' }, billingEmail: 'b@example.com' } as const;
    add(deltasOf({ name: 'PaymentSucceeded', payload: { ...pay, plan: 'team', amount: { amount: '49.00', currency: 'EUR' } } }));
    add(deltasOf({ name: 'PaymentSucceeded', payload: { ...pay, plan: 'business', amount: { amount: '199.00', currency: 'EUR' } } }));
    add(deltasOf({ name: 'PaymentFailed', payload: { ...pay, plan: 'team', amount: { amount: '49.00', currency: 'EUR' }, failureCode: 'card_declined', attempt: 1, nextAttemptAt: null } }));
    const rows = [...counters].map(([k, v]) => ({ metric: k.split('|')[0]!, key: k.split('|')[1]!, value: v.toFixed(4) }));
    expect(report('t', rows)).toEqual({
      tenantId: 't',
      users: { signups: 2, deleted: 1, active: 1, signupsByMethod: { google: 1, invitation: 1 }, signupsByRole: { owner: 1, member: 1 }, deletionsByReason: { user_request: 1 } },
      payments: {
        succeeded: 2,
        failed: 1,
        failureRate: 0.3333,
        revenue: { EUR: '248.00' },
        failuresByCode: { card_declined: 1 },
        byPlan: {
          business: { succeeded: 1, failed: 0, failureRate: 0, revenue: { EUR: '199.00' } },
          team: { succeeded: 1, failed: 1, failureRate: 0.5, revenue: { EUR: '49.00' } },
        },
      },
    });
  });
});

/**
 * Who is told what (pure): the email each saas event warrants, as a `send.email` command — a
 * template of the email worker and its variables. The worker renders subject and body
 * (services/saas/email/templates.ts); here only the facts are chosen.
 */
import type { PaymentFailed, PaymentSucceeded, ReportGenerated, SendEmail, UserCreated, UserUpdated } from '../../../generated/types/saas.js';

/** Events of billing carry no locale: their emails go out in the default one. */
export const DEFAULT_LOCALE = 'en';

const firstName = (fullName: string) => fullName.trim().split(/\s+/)[0] ?? fullName;
const money = (m: { amount: string; currency: string }) => `${m.amount} ${m.currency}`;

export function welcome(event: UserCreated): SendEmail {
  return {
    to: [{ email: event.email, name: event.fullName }],
    template: 'welcome',
    locale: event.locale ?? DEFAULT_LOCALE,
    variables: { firstName: firstName(event.fullName), role: event.role, ...(event.signupMethod === 'invitation' ? { invited: 'yes' } : {}) },
  };
}

/** Only a changed email warrants one: to the previous address, so a hijacked account is noticed. */
export function emailChanged(event: UserUpdated): SendEmail | undefined {
  const before = event.previous.email;
  const after = event.changes.email;
  if (before === undefined || after === undefined) return undefined;
  return {
    to: [{ email: before }],
    template: 'email_changed',
    locale: event.changes.locale ?? event.previous.locale ?? DEFAULT_LOCALE,
    variables: { newEmail: after },
  };
}

export function paymentReceipt(event: PaymentSucceeded): SendEmail {
  return {
    to: [{ email: event.billingEmail }],
    template: 'payment_receipt',
    locale: DEFAULT_LOCALE,
    variables: {
      invoiceId: event.invoiceId,
      plan: event.plan,
      amount: money(event.amount),
      method: describeMethod(event.method),
      ...(event.period ? { periodFrom: event.period.from, periodTo: event.period.to } : {}),
      ...(event.invoiceUrl ? { invoiceUrl: event.invoiceUrl } : {}),
    },
  };
}

export function paymentFailed(event: PaymentFailed): SendEmail {
  return {
    to: [{ email: event.billingEmail }],
    template: 'payment_failed',
    locale: DEFAULT_LOCALE,
    variables: {
      invoiceId: event.invoiceId,
      plan: event.plan,
      amount: money(event.amount),
      method: describeMethod(event.method),
      failureCode: event.failureCode,
      reason: event.failureMessage ?? event.failureCode.replaceAll('_', ' '),
      attempt: String(event.attempt),
      ...(event.nextAttemptAt ? { nextAttemptAt: event.nextAttemptAt } : { finalAttempt: 'yes' }),
    },
  };
}

export function reportReady(event: ReportGenerated): SendEmail {
  return {
    to: [{ email: event.requestedBy.email }],
    template: 'report_ready',
    locale: event.requestedBy.locale ?? DEFAULT_LOCALE,
    variables: { reportType: event.type, format: event.format, downloadUrl: event.downloadUrl, expiresAt: event.expiresAt },
  };
}

function describeMethod(method: PaymentSucceeded['method']): string {
  const kind = method.brand ?? method.type.replaceAll('_', ' ');
  return method.last4 ? `${kind} ending ${method.last4}` : kind;
}

/** saas/billing's rules (pure): plan prices, invoice numbers, billing periods and the dunning schedule. */
import type { BillingPeriod, Plan } from '../../../generated/types/saas.js';

/** Monthly price of each plan, in EUR. */
export const PLAN_PRICES: Readonly<Record<Plan, string>> = { starter: '9.00', team: '49.00', business: '199.00', enterprise: '999.00' };

/** `INV-2026-000042`: the year and the service's invoice counter. */
export function invoiceNumber(year: number, counter: number): string {
  if (!Number.isInteger(counter) || counter < 1 || counter > 999_999) throw new RangeError(`invoice counter ${counter} is outside 1…999999`);
  return `INV-${year}-${String(counter).padStart(6, '0')}`;
}

/** One month of service from `start` (a day), inclusive: 2026-01-31 → 2026-02-27 (the day before the same day next month, clamped). */
export function monthlyPeriod(start: string): BillingPeriod {
  const from = new Date(`${start}T00:00:00Z`);
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth();
  const lastDayNext = new Date(Date.UTC(year, month + 2, 0)).getUTCDate();
  const next = new Date(Date.UTC(year, month + 1, Math.min(from.getUTCDate(), lastDayNext)));
  next.setUTCDate(next.getUTCDate() - 1);
  return { from: start, to: next.toISOString().slice(0, 10) };
}

/** Days after a failed attempt until the next one (Stripe-like smart retries: 3, 5, 7 days); no entry → no more attempts. */
export const DUNNING_DAYS: readonly number[] = [3, 5, 7];

/** When attempt `attempt` (1-based) of an invoice is retried after failing at `failedAt`; null after the last. */
export function nextAttemptAt(attempt: number, failedAt: Date): string | null {
  const days = DUNNING_DAYS[attempt - 1];
  if (days === undefined) return null;
  return new Date(failedAt.getTime() + days * 86_400_000).toISOString();
}

/** Failures that a retry cannot fix: no further attempt is scheduled. */
export function retryable(code: string): boolean {
  return code !== 'expired_card';
}

/**
 * saas/analytics' rules (pure): what each event adds to a tenant's counters, and the report
 * read from them. Counters are (metric, key) → value; money is summed per currency, never
 * converted.
 */
import type { PaymentFailed, PaymentSucceeded, UserCreated, UserDeleted } from '../../../generated/types/saas.js';
import { decimal } from '../_shared/decimal.js';

export type AnalyticsEvent =
  | { readonly name: 'UserCreated'; readonly payload: UserCreated }
  | { readonly name: 'UserDeleted'; readonly payload: UserDeleted }
  | { readonly name: 'PaymentSucceeded'; readonly payload: PaymentSucceeded }
  | { readonly name: 'PaymentFailed'; readonly payload: PaymentFailed };

export interface CounterDelta {
  readonly metric: string;
  readonly key: string;
  /** A decimal string (counts are whole numbers, revenue has cents). */
  readonly delta: string;
}

const one = (metric: string, key: string): CounterDelta => ({ metric, key, delta: '1' });

export function deltasOf(event: AnalyticsEvent): CounterDelta[] {
  switch (event.name) {
    case 'UserCreated':
      return [one('signups', 'total'), one('signups_by_method', event.payload.signupMethod), one('signups_by_role', event.payload.role)];
    case 'UserDeleted':
      return [one('deletions', 'total'), one('deletions_by_reason', event.payload.reason)];
    case 'PaymentSucceeded': {
      const { plan, amount } = event.payload;
      return [
        one('payments_succeeded', 'total'),
        one('payments_succeeded_by_plan', plan),
        { metric: 'revenue', key: amount.currency, delta: amount.amount },
        { metric: 'revenue_by_plan', key: `${plan}:${amount.currency}`, delta: amount.amount },
      ];
    }
    case 'PaymentFailed':
      return [one('payments_failed', 'total'), one('payments_failed_by_plan', event.payload.plan), one('payments_failed_by_code', event.payload.failureCode)];
  }
}

export interface Counter {
  readonly metric: string;
  readonly key: string;
  /** numeric as text. */
  readonly value: string;
}

const rate = (failed: number, succeeded: number) => (failed + succeeded === 0 ? 0 : Math.round((failed / (failed + succeeded)) * 10_000) / 10_000);

/** The tenant's report from its counters. */
export function report(tenantId: string, counters: readonly Counter[]) {
  const of = (metric: string) => Object.fromEntries(counters.filter((c) => c.metric === metric).map((c) => [c.key, c.value]));
  const counts = (metric: string) => Object.fromEntries(Object.entries(of(metric)).map(([k, v]) => [k, Number(v)]));
  const total = (metric: string) => Number(of(metric)['total'] ?? 0);
  const signups = total('signups');
  const deleted = total('deletions');
  const succeeded = total('payments_succeeded');
  const failed = total('payments_failed');
  const succeededByPlan = counts('payments_succeeded_by_plan');
  const failedByPlan = counts('payments_failed_by_plan');
  const revenueByPlan: Record<string, Record<string, string>> = {};
  for (const [key, value] of Object.entries(of('revenue_by_plan'))) {
    const [plan, currency] = key.split(':') as [string, string];
    (revenueByPlan[plan] ??= {})[currency] = decimal(value);
  }
  const plans = [...new Set([...Object.keys(succeededByPlan), ...Object.keys(failedByPlan)])].sort();
  return {
    tenantId,
    users: { signups, deleted, active: signups - deleted, signupsByMethod: counts('signups_by_method'), signupsByRole: counts('signups_by_role'), deletionsByReason: counts('deletions_by_reason') },
    payments: {
      succeeded,
      failed,
      failureRate: rate(failed, succeeded),
      revenue: Object.fromEntries(Object.entries(of('revenue')).map(([currency, v]) => [currency, decimal(v)])),
      failuresByCode: counts('payments_failed_by_code'),
      byPlan: Object.fromEntries(
        plans.map((plan) => {
          const s = succeededByPlan[plan] ?? 0;
          const f = failedByPlan[plan] ?? 0;
          return [plan, { succeeded: s, failed: f, failureRate: rate(f, s), revenue: revenueByPlan[plan] ?? {} }];
        }),
      ),
    },
  };
}

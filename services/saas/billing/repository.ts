/** saas/billing's persistence: every statement over its payments table and invoice counter (./migrations/). */
import type { BillingMethod, BillingPeriod, PaymentFailedFailureCode, Plan } from '../../../generated/types/saas.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import { decimal } from '../_shared/decimal.js';

export interface Payment {
  readonly paymentId: string;
  readonly tenantId: string;
  readonly invoiceId: string;
  readonly plan: Plan;
  readonly amount: { readonly amount: string; readonly currency: string };
  readonly period: BillingPeriod;
  readonly billingEmail: string;
  readonly method: BillingMethod;
  readonly status: 'succeeded' | 'failed';
  readonly attempt: number;
  readonly failure?: { readonly code: PaymentFailedFailureCode; readonly message: string; readonly nextAttemptAt: string | null };
  readonly createdAt: string;
}

interface PaymentRow {
  payment_id: string;
  tenant_id: string;
  invoice_id: string;
  plan: Plan;
  amount: string;
  currency: string;
  period_from: Date | string;
  period_to: Date | string;
  billing_email: string;
  method: BillingMethod;
  status: Payment['status'];
  attempt: number;
  failure_code: PaymentFailedFailureCode | null;
  failure_message: string | null;
  next_attempt_at: Date | string | null;
  created_at: Date | string;
}

const COLUMNS = `payment_id, tenant_id, invoice_id, plan, amount::text AS amount, currency, period_from::text AS period_from, period_to::text AS period_to,
  billing_email, method, status, attempt, failure_code, failure_message, next_attempt_at, created_at`;

const day = (value: Date | string) => (typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10));

const toPayment = (r: PaymentRow): Payment => ({
  paymentId: r.payment_id,
  tenantId: r.tenant_id,
  invoiceId: r.invoice_id,
  plan: r.plan,
  amount: { amount: decimal(r.amount), currency: r.currency },
  period: { from: day(r.period_from), to: day(r.period_to) },
  billingEmail: r.billing_email,
  method: r.method,
  status: r.status,
  attempt: r.attempt,
  ...(r.status === 'failed'
    ? { failure: { code: r.failure_code!, message: r.failure_message ?? '', nextAttemptAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at).toISOString() } }
    : {}),
  createdAt: new Date(r.created_at).toISOString(),
});

export type BillingRepository = ReturnType<typeof billingRepository>;

export function billingRepository(db: ServiceDatabase) {
  const payments = db.table('payments');
  const counter = db.table('invoice_counter');
  return {
    async nextInvoiceCounter(tx: Transaction): Promise<number> {
      const { rows } = await tx.query<{ n: string }>(`SELECT nextval('${counter}')::text AS n`);
      return Number(rows[0]!.n);
    },

    async get(sql: Sql, tenantId: string, paymentId: string): Promise<Payment | undefined> {
      const { rows } = await sql.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${payments} WHERE tenant_id = $1 AND payment_id = $2`, [tenantId, paymentId]);
      return rows[0] ? toPayment(rows[0]) : undefined;
    },

    async byId(sql: Sql, paymentId: string): Promise<Payment | undefined> {
      const { rows } = await sql.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${payments} WHERE payment_id = $1`, [paymentId]);
      return rows[0] ? toPayment(rows[0]) : undefined;
    },

    /** The attempts at an invoice of the tenant, first to last (locked for the rest of `tx`). */
    async attempts(tx: Transaction, tenantId: string, invoiceId: string): Promise<Payment[]> {
      const { rows } = await tx.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${payments} WHERE tenant_id = $1 AND invoice_id = $2 ORDER BY attempt FOR UPDATE`, [tenantId, invoiceId]);
      return rows.map(toPayment);
    },

    async insert(tx: Transaction, p: Omit<Payment, 'createdAt'>): Promise<void> {
      await tx.query(
        `INSERT INTO ${payments} (payment_id, tenant_id, invoice_id, plan, amount, currency, period_from, period_to, billing_email, method, status, attempt, failure_code, failure_message, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15)`,
        [
          p.paymentId,
          p.tenantId,
          p.invoiceId,
          p.plan,
          p.amount.amount,
          p.amount.currency,
          p.period.from,
          p.period.to,
          p.billingEmail,
          JSON.stringify(p.method),
          p.status,
          p.attempt,
          p.failure?.code ?? null,
          p.failure?.message ?? null,
          p.failure?.nextAttemptAt ?? null,
        ],
      );
    },

    async list(sql: Sql, tenantId: string, limit: number): Promise<Payment[]> {
      const { rows } = await sql.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${payments} WHERE tenant_id = $1 ORDER BY created_at, invoice_id, attempt LIMIT $2`, [tenantId, limit]);
      return rows.map(toPayment);
    },
  };
}

/** shop/payment's persistence: every statement over its payments and refunds tables (migrations/). */
import type { Money } from '../../../generated/types/shop.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import { normalise } from '../_shared/money.js';

export interface PaymentRow {
  payment_id: string;
  checkout_id: string;
  customer_id: string;
  amount: string;
  currency: string;
  status: 'succeeded' | 'failed';
  failure: { reason: string; message: string; retryable: boolean } | null;
  method: Record<string, string> | null;
  provider_ref: string | null;
  created_at: Date | string;
}

const COLUMNS = 'payment_id, checkout_id, customer_id, amount::text AS amount, currency, status, failure, method, provider_ref, created_at';

export const toPayment = (row: PaymentRow) => ({
  paymentId: row.payment_id,
  checkoutId: row.checkout_id,
  customerId: row.customer_id,
  amount: normalise({ amount: row.amount, currency: row.currency }),
  status: row.status,
  ...(row.failure ? { failure: row.failure } : {}),
  ...(row.method ? { method: row.method } : {}),
  ...(row.provider_ref ? { providerRef: row.provider_ref } : {}),
  createdAt: new Date(row.created_at).toISOString(),
});

export interface PaymentRecord {
  readonly paymentId: string;
  readonly checkoutId: string;
  readonly customerId: string;
  readonly amount: Money;
  readonly providerRef: string;
}

export type PaymentRepository = ReturnType<typeof paymentRepository>;

export function paymentRepository(db: ServiceDatabase) {
  const payments = db.table('payments');
  const refunds = db.table('refunds');
  return {
    async byId(sql: Sql, paymentId: string): Promise<PaymentRow | undefined> {
      const { rows } = await sql.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${payments} WHERE payment_id = $1`, [paymentId]);
      return rows[0];
    },

    async insertSucceeded(tx: Transaction, payment: PaymentRecord, method: object): Promise<void> {
      await tx.query(
        `INSERT INTO ${payments} (payment_id, checkout_id, customer_id, amount, currency, status, method, provider_ref) VALUES ($1, $2, $3, $4, $5, 'succeeded', $6::jsonb, $7)`,
        [payment.paymentId, payment.checkoutId, payment.customerId, payment.amount.amount, payment.amount.currency, JSON.stringify(method), payment.providerRef],
      );
    },

    async insertFailed(tx: Transaction, payment: PaymentRecord, failure: NonNullable<PaymentRow['failure']>): Promise<void> {
      await tx.query(
        `INSERT INTO ${payments} (payment_id, checkout_id, customer_id, amount, currency, status, failure, provider_ref) VALUES ($1, $2, $3, $4, $5, 'failed', $6::jsonb, $7)`,
        [payment.paymentId, payment.checkoutId, payment.customerId, payment.amount.amount, payment.amount.currency, JSON.stringify(failure), payment.providerRef],
      );
    },

    async refundExists(tx: Transaction, refundId: string): Promise<boolean> {
      const { rows } = await tx.query(`SELECT 1 FROM ${refunds} WHERE refund_id = $1`, [refundId]);
      return rows.length > 0;
    },

    async insertRefund(tx: Transaction, refund: { refundId: string; paymentId: string; checkoutId: string; amount: Money; reason: string; refundRef: string }): Promise<void> {
      await tx.query(`INSERT INTO ${refunds} (refund_id, payment_id, checkout_id, amount, currency, reason, refund_ref) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        refund.refundId,
        refund.paymentId,
        refund.checkoutId,
        refund.amount.amount,
        refund.amount.currency,
        refund.reason,
        refund.refundRef,
      ]);
    },

    async ofCheckout(sql: Sql, checkoutId: string): Promise<PaymentRow[]> {
      const { rows } = await sql.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${payments} WHERE checkout_id = $1 ORDER BY created_at`, [checkoutId]);
      return rows;
    },

    async refundsOfCheckout(sql: Sql, checkoutId: string): Promise<Array<Record<string, unknown> & { amount: string; currency: string }>> {
      const { rows } = await sql.query(
        `SELECT r.refund_id AS "refundId", r.payment_id AS "paymentId", r.amount::text AS amount, r.currency, r.reason, r.refund_ref AS "refundRef", r.created_at AS "createdAt"
         FROM ${refunds} r JOIN ${payments} p ON p.payment_id = r.payment_id WHERE p.checkout_id = $1 ORDER BY r.created_at`,
        [checkoutId],
      );
      return rows as Array<Record<string, unknown> & { amount: string; currency: string }>;
    },
  };
}

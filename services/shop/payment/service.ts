/**
 * shop/payment — takes and refunds payments for the checkout saga, from one queue
 * (`payment-service-queue`): `process.payment` → PaymentSucceeded or PaymentFailed,
 * `refund.payment` → RefundProcessed. Both are deduplicated on the ids the saga assigns
 * (payment id, refund id), so a redelivered command never charges or refunds twice.
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/payment.js';
import type { Sql } from '../../../src/durable/index.js';
import { defineService, notFound, sendsOf } from '../../../src/service-kit/index.js';
import { normalise } from '../_shared/money.js';
import { uuid } from '../_shared/schemas.js';
import { TestModeProvider, type PaymentProvider } from './provider.js';

interface PaymentRow {
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

const toPayment = (row: PaymentRow) => ({
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

export function paymentService(provider: PaymentProvider = new TestModeProvider()) {
  return defineService({
    service: client.paymentService,
    description: 'Takes and refunds payments for the checkout saga (test-mode provider: the payment-method token decides the outcome).',
    sends: sendsOf(client),
    migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
    setup(kit) {
      const { app, store } = kit;
      const payments = kit.db.table('payments');
      const refunds = kit.db.table('refunds');
      const byId = async (sql: Sql, paymentId: string) => {
        const { rows } = await sql.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${payments} WHERE payment_id = $1`, [paymentId]);
        return rows[0];
      };

      const handlers: client.PaymentHandlers = {
        onProcessPayment: kit.handle(client.paymentServiceQueueReceive, async (delivery, context, tx) => {
          const command = delivery.payload;
          if (await byId(tx, command.paymentId)) return;
          const amount = normalise(command.amount);
          const result = await provider.charge({ idempotencyKey: command.paymentId, amount, paymentMethodToken: command.paymentMethodToken });
          const publisher = client.createPaymentPublisher(kit.publisherIn(tx));
          if (result.ok) {
            await tx.query(
              `INSERT INTO ${payments} (payment_id, checkout_id, customer_id, amount, currency, status, method, provider_ref) VALUES ($1, $2, $3, $4, $5, 'succeeded', $6::jsonb, $7)`,
              [command.paymentId, command.checkoutId, command.customerId, amount.amount, amount.currency, JSON.stringify(result.method), result.providerRef],
            );
            await publisher.publishPaymentSucceeded(
              { paymentId: command.paymentId, checkoutId: command.checkoutId, amount, method: result.method, paymentRef: result.providerRef },
              { subject: command.paymentId },
            );
          } else {
            const failure = { reason: result.reason, message: result.message, retryable: result.retryable };
            await tx.query(
              `INSERT INTO ${payments} (payment_id, checkout_id, customer_id, amount, currency, status, failure, provider_ref) VALUES ($1, $2, $3, $4, $5, 'failed', $6::jsonb, $7)`,
              [command.paymentId, command.checkoutId, command.customerId, amount.amount, amount.currency, JSON.stringify(failure), result.providerRef],
            );
            await publisher.publishPaymentFailed({ paymentId: command.paymentId, checkoutId: command.checkoutId, amount, ...failure, paymentRef: result.providerRef }, { subject: command.paymentId });
            context.log.info({ paymentId: command.paymentId, reason: result.reason }, 'payment declined');
          }
        }),
        onRefundPayment: kit.handle(client.paymentServiceQueueReceive, async (delivery, context, tx) => {
          const command = delivery.payload;
          const { rows: done } = await tx.query(`SELECT 1 FROM ${refunds} WHERE refund_id = $1`, [command.refundId]);
          if (done.length > 0) return;
          const payment = await byId(tx, command.paymentId);
          // The refund overtook its payment (both are commands from the saga): retry until the payment is there.
          if (!payment) throw new Error(`refund ${command.refundId} names payment ${command.paymentId}, which has not been processed yet`);
          if (payment.status !== 'succeeded') {
            context.log.info({ paymentId: command.paymentId, refundId: command.refundId }, 'refund of a payment that was never taken: nothing to give back');
            return;
          }
          const amount = normalise(command.amount);
          const { refundRef } = await provider.refund({ idempotencyKey: command.refundId, providerRef: payment.provider_ref!, amount });
          await tx.query(`INSERT INTO ${refunds} (refund_id, payment_id, checkout_id, amount, currency, reason, refund_ref) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
            command.refundId,
            command.paymentId,
            command.checkoutId,
            amount.amount,
            amount.currency,
            command.reason,
            refundRef,
          ]);
          await client.createPaymentPublisher(kit.publisherIn(tx)).publishRefundProcessed(
            {
              refundId: command.refundId,
              paymentId: command.paymentId,
              checkoutId: command.checkoutId,
              amount,
              reason: command.reason,
              refundRef,
              ...(payment.provider_ref ? { paymentRef: payment.provider_ref } : {}),
            },
            { subject: command.paymentId },
          );
        }),
      };

      const tags = ['payments'];
      app.get('/api/payments/:paymentId', { schema: { tags, summary: 'A payment', params: { type: 'object', required: ['paymentId'], properties: { paymentId: uuid } } } }, async (request) => {
        const row = await byId(store, request.params.paymentId);
        if (!row) throw notFound(`no payment ${request.params.paymentId}`);
        return toPayment(row);
      });
      app.get(
        '/api/payments',
        { schema: { tags, summary: 'Payments and refunds of a checkout', querystring: { type: 'object', required: ['checkoutId'], additionalProperties: false, properties: { checkoutId: uuid } } } },
        async (request) => {
          const { rows } = await store.query<PaymentRow>(`SELECT ${COLUMNS} FROM ${payments} WHERE checkout_id = $1 ORDER BY created_at`, [request.query.checkoutId]);
          const { rows: refundRows } = await store.query(
            `SELECT r.refund_id AS "refundId", r.payment_id AS "paymentId", r.amount::text AS amount, r.currency, r.reason, r.refund_ref AS "refundRef", r.created_at AS "createdAt"
             FROM ${refunds} r JOIN ${payments} p ON p.payment_id = r.payment_id WHERE p.checkout_id = $1 ORDER BY r.created_at`,
            [request.query.checkoutId],
          );
          const refundsOut = (refundRows as Array<Record<string, unknown> & { amount: string; currency: string }>).map(({ amount, currency, ...rest }) => ({
            ...rest,
            amount: normalise({ amount, currency }),
          }));
          return { payments: rows.map(toPayment), refunds: refundsOut };
        },
      );

      return { subscribe: (bus) => client.subscribePayment(bus, handlers) };
    },
  });
}

export const payment = paymentService();

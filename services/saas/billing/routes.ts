/**
 * saas/billing's HTTP API: charge a plan's invoice to a card under /api/tenants/{tenantId}/payments
 * (a declined card is recorded too: 201 with `status: failed`), retry a failed invoice, read the
 * tenant's payments. Each attempt commits with its event (PaymentSucceeded or PaymentFailed)
 * through the outbox, tagged with the tenant.
 */
import { randomUUID } from 'node:crypto';
import * as client from '../../../generated/clients/saas/billing.js';
import type { Plan } from '../../../generated/types/saas.js';
import { badRequest, conflict, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { email, plan, tenantParams, uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { invoiceNumber, monthlyPeriod, nextAttemptAt, PLAN_PRICES, retryable } from './domain.js';
import { luhnValid, type CardProcessor } from './provider.js';
import type { BillingRepository, Payment } from './repository.js';

const tags = ['payments'];

const chargeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['cardNumber', 'billingEmail'],
  properties: {
    paymentId: { ...uuid, description: 'chosen by the caller to make a retried request safe; generated otherwise' },
    invoiceId: { type: 'string', pattern: '^INV-[0-9]{4}-[0-9]{6}$', description: 'retry this failed invoice (its plan, amount and period) instead of opening a new one' },
    plan: { ...plan, description: 'the plan of a new invoice (required without invoiceId)' },
    periodStart: { type: 'string', format: 'date', description: 'first day of the month billed (default: today)' },
    billingEmail: email,
    cardNumber: { type: 'string', pattern: '^[0-9]{12,19}$', description: 'test card number; 4000000000000002 is always declined (see provider.ts)' },
  },
} as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: BillingRepository, processor: CardProcessor): void {
  const { app, store } = kit;

  app.post('/api/tenants/:tenantId/payments', { schema: { tags, summary: 'Charge an invoice to a card (PaymentSucceeded or PaymentFailed)', params: tenantParams, body: chargeBody } }, async (request, reply) => {
    const { tenantId } = request.params;
    const body = request.body;
    if (!luhnValid(body.cardNumber)) throw badRequest('cardNumber is not a card number (Luhn check failed)');
    if (!body.invoiceId && !body.plan) throw badRequest('give plan (a new invoice) or invoiceId (retry a failed one)');
    const paymentId = body.paymentId ?? randomUUID();
    const outcome = await store.transaction(async (tx) => {
      const earlier = await repo.byId(tx, paymentId);
      if (earlier) {
        if (earlier.tenantId !== tenantId) throw conflict(`payment ${paymentId} belongs to another tenant`);
        return { payment: earlier, created: false };
      }
      let invoice: { invoiceId: string; plan: Plan; amount: Payment['amount']; period: Payment['period']; attempt: number };
      if (body.invoiceId) {
        const attempts = await repo.attempts(tx, tenantId, body.invoiceId);
        const first = attempts[0];
        if (!first) throw notFound(`tenant ${tenantId} has no invoice ${body.invoiceId}`);
        if (attempts.some((a) => a.status === 'succeeded')) throw conflict(`invoice ${body.invoiceId} is paid already`);
        invoice = { invoiceId: first.invoiceId, plan: first.plan, amount: first.amount, period: first.period, attempt: attempts.length + 1 };
        if (invoice.attempt > 10) throw conflict(`invoice ${body.invoiceId} has had 10 attempts; it is past due`);
      } else {
        const today = new Date().toISOString().slice(0, 10);
        const period = monthlyPeriod(body.periodStart ?? today);
        invoice = {
          invoiceId: invoiceNumber(Number(period.from.slice(0, 4)), await repo.nextInvoiceCounter(tx)),
          plan: body.plan!,
          amount: { amount: PLAN_PRICES[body.plan!], currency: 'EUR' },
          period,
          attempt: 1,
        };
      }
      // The test processor answers at once; a real one would be called before the transaction, keyed by paymentId.
      const result = await processor.charge({ idempotencyKey: paymentId, cardNumber: body.cardNumber, amount: invoice.amount });
      const events = client.createBillingPublisher(kit.publisherIn(tx));
      const common = { paymentId, tenantId, ...invoice, billingEmail: body.billingEmail, method: result.method };
      if (result.ok) {
        await repo.insert(tx, { ...common, status: 'succeeded' });
        await events.publishPaymentSucceeded(
          { paymentId, invoiceId: invoice.invoiceId, plan: invoice.plan, amount: invoice.amount, period: invoice.period, method: result.method, billingEmail: body.billingEmail },
          { subject: paymentId, tenantId },
        );
      } else {
        const next = retryable(result.code) ? nextAttemptAt(invoice.attempt, new Date()) : null;
        await repo.insert(tx, { ...common, status: 'failed', failure: { code: result.code, message: result.message, nextAttemptAt: next } });
        await events.publishPaymentFailed(
          {
            paymentId,
            invoiceId: invoice.invoiceId,
            plan: invoice.plan,
            amount: invoice.amount,
            method: result.method,
            failureCode: result.code,
            failureMessage: result.message,
            attempt: invoice.attempt,
            nextAttemptAt: next,
            billingEmail: body.billingEmail,
          },
          { subject: paymentId, tenantId },
        );
        request.log.info({ paymentId, invoiceId: invoice.invoiceId, code: result.code }, 'payment declined');
      }
      return { payment: (await repo.byId(tx, paymentId))!, created: true };
    });
    return reply.code(outcome.created ? 201 : 200).send(outcome.payment);
  });

  app.get(
    '/api/tenants/:tenantId/payments',
    {
      schema: {
        tags,
        summary: "The tenant's payment attempts, oldest first",
        params: tenantParams,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
      },
    },
    async (request) => repo.list(store, request.params.tenantId, request.query.limit ?? 100),
  );

  app.get(
    '/api/tenants/:tenantId/payments/:paymentId',
    { schema: { tags, summary: 'A payment attempt', params: { type: 'object', required: ['tenantId', 'paymentId'], additionalProperties: false, properties: { tenantId: uuid, paymentId: uuid } } } },
    async (request) => {
      const payment = await repo.get(store, request.params.tenantId, request.params.paymentId);
      if (!payment) throw notFound(`tenant ${request.params.tenantId} has no payment ${request.params.paymentId}`);
      return payment;
    },
  );
}

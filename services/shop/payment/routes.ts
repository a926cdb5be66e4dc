/** shop/payment's HTTP API: read a payment, or a checkout's payments and refunds. */
import { notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { normalise } from '../_shared/money.js';
import { uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { toPayment, type PaymentRepository } from './repository.js';

const tags = ['payments'];

export function registerRoutes(kit: ServiceKit<Config>, repo: PaymentRepository): void {
  const { app, store } = kit;
  app.get('/api/payments/:paymentId', { schema: { tags, summary: 'A payment', params: { type: 'object', required: ['paymentId'], properties: { paymentId: uuid } } } }, async (request) => {
    const row = await repo.byId(store, request.params.paymentId);
    if (!row) throw notFound(`no payment ${request.params.paymentId}`);
    return toPayment(row);
  });
  app.get(
    '/api/payments',
    { schema: { tags, summary: 'Payments and refunds of a checkout', querystring: { type: 'object', required: ['checkoutId'], additionalProperties: false, properties: { checkoutId: uuid } } } },
    async (request) => {
      const rows = await repo.ofCheckout(store, request.query.checkoutId);
      const refundsOut = (await repo.refundsOfCheckout(store, request.query.checkoutId)).map(({ amount, currency, ...rest }) => ({
        ...rest,
        amount: normalise({ amount, currency }),
      }));
      return { payments: rows.map(toPayment), refunds: refundsOut };
    },
  );
}

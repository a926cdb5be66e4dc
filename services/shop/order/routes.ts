/** shop/order's HTTP API: read orders (and refused checkouts), record a shipment. */
import * as client from '../../../generated/clients/shop/order.js';
import { conflict, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { normalise } from '../_shared/money.js';
import { uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { toOrder, type OrderRepository } from './repository.js';

const tags = ['orders'];
const orderParams = { type: 'object', required: ['orderId'], additionalProperties: false, properties: { orderId: { type: 'integer', minimum: 1 } } } as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: OrderRepository): void {
  const { app, store } = kit;

  app.get('/api/orders/:orderId', { schema: { tags, summary: 'An order', params: orderParams } }, async (request) => {
    const row = await repo.byColumn(store, 'id', request.params.orderId);
    if (!row) throw notFound(`no order ${request.params.orderId}`);
    const refundsOut = (await repo.refundsOf(store, row.id)).map(({ amount, currency, ...rest }) => ({ ...rest, amount: normalise({ amount, currency }) }));
    return { ...toOrder(row), refunds: refundsOut };
  });

  app.get(
    '/api/orders',
    {
      schema: {
        tags,
        summary: 'Orders of a checkout or a customer (and refused checkouts)',
        querystring: { type: 'object', additionalProperties: false, minProperties: 1, properties: { checkoutId: uuid, customerId: uuid } },
      },
    },
    async (request) => {
      const { checkoutId, customerId } = request.query;
      const rows = await repo.list(store, checkoutId, customerId);
      const refused = checkoutId ? await repo.rejectionsOf(store, checkoutId) : [];
      return { orders: rows.map(toOrder), rejections: refused };
    },
  );

  app.post(
    '/api/orders/:orderId/ship',
    {
      schema: {
        tags,
        summary: 'Record that the parcel left with a carrier (publishes OrderShipped)',
        params: orderParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['carrier', 'trackingNumber'],
          properties: {
            carrier: { type: 'string', enum: ['royal_mail', 'dpd', 'dhl', 'ups', 'fedex', 'evri', 'other'] },
            trackingNumber: { type: 'string', pattern: '^[A-Za-z0-9]{6,40}$' },
            trackingUrl: { type: 'string', format: 'uri' },
            estimatedDelivery: { type: 'string', format: 'date' },
          },
        },
      },
    },
    async (request) =>
      store.transaction(async (tx) => {
        const row = await repo.byColumn(tx, 'id', request.params.orderId, true);
        if (!row) throw notFound(`no order ${request.params.orderId}`);
        if (row.status === 'shipped') return toOrder(row);
        if (row.status !== 'paid') throw conflict(`order ${row.id} is ${row.status}`);
        const shipment = request.body;
        await repo.markShipped(tx, row.id, shipment);
        await client.createOrderPublisher(kit.publisherIn(tx)).publishOrderShipped({ orderId: row.id, customerId: row.customer_id, contactEmail: row.contact_email, ...shipment }, { subject: String(row.id) });
        return toOrder((await repo.byColumn(tx, 'id', row.id))!);
      }),
  );
}

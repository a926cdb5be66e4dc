/**
 * shop/order — orders. The checkout saga sends `create.order` once the payment is taken; the
 * order service either creates the (already paid) order and publishes OrderCreated and OrderPaid
 * in one outbox transaction, or refuses with OrderFailed. Deduplicated on the checkout id: one
 * checkout, one order, however often the command is delivered. Refunds against an order are
 * recorded from RefundProcessed; `POST /api/orders/{id}/ship` publishes OrderShipped.
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/order.js';
import type { CreateOrder, OrderFailedReason } from '../../../generated/types/shop.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import { conflict, defineService, notFound, sendsOf, type ConfigOf, type EnvSchema } from '../../../src/service-kit/index.js';
import { equal, normalise, sum, times, toUnits } from '../_shared/money.js';
import { uuid } from '../_shared/schemas.js';

const env = {
  type: 'object',
  properties: {
    SHIP_TO_COUNTRIES: {
      type: 'string',
      pattern: '^[A-Z]{2}(,[A-Z]{2})*$',
      default: 'GB,IE,FR,DE,ES,IT,NL,BE,PT,AT,DK,SE',
      description: 'ISO country codes the shop delivers to; an order elsewhere is refused (undeliverable_address)',
    },
  },
  required: ['SHIP_TO_COUNTRIES'],
} as const satisfies EnvSchema;

export type Review = { readonly ok: true } | { readonly ok: false; readonly reason: OrderFailedReason; readonly message: string };

/** Whether the order can be accepted (pure): deliverable, and its sums add up. */
export function reviewOrder(command: CreateOrder, shipTo: ReadonlySet<string>): Review {
  if (!shipTo.has(command.shippingAddress.country)) {
    return { ok: false, reason: 'undeliverable_address', message: `We do not deliver to ${command.shippingAddress.country}.` };
  }
  const currency = command.total.currency;
  for (const line of command.lines) {
    if (line.unitPrice.currency !== currency || !equal(times(line.unitPrice, line.quantity), line.lineTotal)) {
      return { ok: false, reason: 'price_mismatch', message: `Line ${line.sku} does not add up.` };
    }
  }
  if (!equal(sum(command.lines.map((l) => l.lineTotal), currency), command.total)) {
    return { ok: false, reason: 'price_mismatch', message: 'The order total is not the sum of its lines.' };
  }
  return { ok: true };
}

interface OrderRow {
  id: number;
  checkout_id: string;
  customer_id: string;
  cart_id: string;
  reservation_id: string;
  payment_id: string;
  status: string;
  lines: CreateOrder['lines'];
  total_amount: string;
  currency: string;
  recipient_name: string;
  contact_email: string;
  shipping_address: CreateOrder['shippingAddress'];
  shipment: Record<string, unknown> | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const toOrder = (row: OrderRow) => ({
  orderId: row.id,
  checkoutId: row.checkout_id,
  customerId: row.customer_id,
  cartId: row.cart_id,
  reservationId: row.reservation_id,
  paymentId: row.payment_id,
  status: row.status,
  lines: row.lines,
  total: normalise({ amount: row.total_amount, currency: row.currency }),
  recipientName: row.recipient_name,
  contactEmail: row.contact_email,
  shippingAddress: row.shipping_address,
  ...(row.shipment ? { shipment: row.shipment } : {}),
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

const COLUMNS = `id, checkout_id, customer_id, cart_id, reservation_id, payment_id, status, lines, total_amount::text AS total_amount, currency,
  recipient_name, contact_email, shipping_address, shipment, created_at, updated_at`;

export const order = defineService<ConfigOf<typeof env>>({
  service: client.orderService,
  description: 'Orders: created from the checkout saga’s create.order command, one per checkout.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const { app, store, config } = kit;
    const orders = kit.db.table('orders');
    const rejections = kit.db.table('rejections');
    const refunds = kit.db.table('refunds');
    const shipTo = new Set(config.SHIP_TO_COUNTRIES.split(','));
    const events = (tx: Transaction) => client.createOrderPublisher(kit.publisherIn(tx));
    const byColumn = async (sql: Sql, column: 'id' | 'checkout_id', value: unknown, lock = false) => {
      const { rows } = await sql.query<OrderRow>(`SELECT ${COLUMNS} FROM ${orders} WHERE ${column} = $1${lock ? ' FOR UPDATE' : ''}`, [value]);
      return rows[0];
    };

    const handlers: client.OrderHandlers = {
      onCreateOrder: kit.handle(client.orderServiceQueueReceive, async (delivery, context, tx) => {
        const command = delivery.payload;
        // One checkout, one order: concurrent deliveries of the command wait here for each other.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('shop.order.create'), hashtext($1))`, [command.checkoutId]);
        if (await byColumn(tx, 'checkout_id', command.checkoutId)) return;
        const { rows: refused } = await tx.query(`SELECT 1 FROM ${rejections} WHERE checkout_id = $1`, [command.checkoutId]);
        if (refused.length > 0) return;
        const review = reviewOrder(command, shipTo);
        if (!review.ok) {
          await tx.query(`INSERT INTO ${rejections} (checkout_id, reason, message) VALUES ($1, $2, $3)`, [command.checkoutId, review.reason, review.message]);
          await events(tx).publishOrderFailed({ checkoutId: command.checkoutId, reason: review.reason, message: review.message }, { subject: command.checkoutId });
          context.log.info({ checkoutId: command.checkoutId, reason: review.reason }, 'order refused');
          return;
        }
        const total = normalise(command.total);
        const { rows } = await tx.query<{ id: number }>(
          `INSERT INTO ${orders} (checkout_id, customer_id, cart_id, reservation_id, payment_id, status, lines, total_amount, currency, recipient_name, contact_email, shipping_address)
           VALUES ($1, $2, $3, $4, $5, 'paid', $6::jsonb, $7, $8, $9, $10, $11::jsonb) RETURNING id`,
          [
            command.checkoutId,
            command.customerId,
            command.cartId,
            command.reservationId,
            command.paymentId,
            JSON.stringify(command.lines),
            total.amount,
            total.currency,
            command.recipientName,
            command.contactEmail,
            JSON.stringify(command.shippingAddress),
          ],
        );
        const orderId = rows[0]!.id;
        const publisher = events(tx);
        await publisher.publishOrderCreated(
          {
            orderId,
            checkoutId: command.checkoutId,
            customerId: command.customerId,
            cartId: command.cartId,
            reservationId: command.reservationId,
            paymentId: command.paymentId,
            lines: command.lines,
            total,
            recipientName: command.recipientName,
            contactEmail: command.contactEmail,
            shippingAddress: command.shippingAddress,
          },
          { subject: String(orderId) },
        );
        await publisher.publishOrderPaid({ orderId, checkoutId: command.checkoutId, paymentId: command.paymentId, amount: total }, { subject: String(orderId) });
        context.log.info({ orderId, checkoutId: command.checkoutId }, 'order created');
      }),
      onRefundProcessed: kit.handle(client.orderServiceQueueReceive, async (delivery, context, tx) => {
        const refund = delivery.payload;
        // A checkout's compensation refunds a payment before any order exists: nothing to record.
        if (refund.orderId === undefined) return;
        const row = await byColumn(tx, 'id', refund.orderId, true);
        if (!row) {
          context.log.warn({ orderId: refund.orderId, refundId: refund.refundId }, 'refund for an order this service does not know');
          return;
        }
        const amount = normalise(refund.amount);
        await tx.query(`INSERT INTO ${refunds} (refund_id, order_id, amount, currency, reason) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (refund_id) DO NOTHING`, [
          refund.refundId,
          row.id,
          amount.amount,
          amount.currency,
          refund.reason,
        ]);
        const { rows } = await tx.query<{ refunded: string }>(`SELECT COALESCE(SUM(amount), 0)::text AS refunded FROM ${refunds} WHERE order_id = $1`, [row.id]);
        if (toUnits(normalise({ amount: rows[0]!.refunded, currency: row.currency }).amount) >= toUnits(normalise({ amount: row.total_amount, currency: row.currency }).amount)) {
          await tx.query(`UPDATE ${orders} SET status = 'refunded', updated_at = now() WHERE id = $1`, [row.id]);
        }
      }),
    };

    const tags = ['orders'];
    const orderParams = { type: 'object', required: ['orderId'], additionalProperties: false, properties: { orderId: { type: 'integer', minimum: 1 } } } as const;

    app.get('/api/orders/:orderId', { schema: { tags, summary: 'An order', params: orderParams } }, async (request) => {
      const row = await byColumn(store, 'id', request.params.orderId);
      if (!row) throw notFound(`no order ${request.params.orderId}`);
      const { rows } = await store.query(`SELECT refund_id AS "refundId", amount::text AS amount, currency, reason, created_at AS "createdAt" FROM ${refunds} WHERE order_id = $1 ORDER BY created_at`, [row.id]);
      const refundsOut = (rows as Array<Record<string, unknown> & { amount: string; currency: string }>).map(({ amount, currency, ...rest }) => ({ ...rest, amount: normalise({ amount, currency }) }));
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
        const { rows } = await store.query<OrderRow>(
          `SELECT ${COLUMNS} FROM ${orders} WHERE ($1::uuid IS NULL OR checkout_id = $1) AND ($2::uuid IS NULL OR customer_id = $2) ORDER BY id`,
          [checkoutId ?? null, customerId ?? null],
        );
        const { rows: refused } = checkoutId
          ? await store.query(`SELECT checkout_id AS "checkoutId", reason, message, created_at AS "createdAt" FROM ${rejections} WHERE checkout_id = $1`, [checkoutId])
          : { rows: [] };
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
          const row = await byColumn(tx, 'id', request.params.orderId, true);
          if (!row) throw notFound(`no order ${request.params.orderId}`);
          if (row.status === 'shipped') return toOrder(row);
          if (row.status !== 'paid') throw conflict(`order ${row.id} is ${row.status}`);
          const shipment = request.body;
          await tx.query(`UPDATE ${orders} SET status = 'shipped', shipment = $2::jsonb, updated_at = now() WHERE id = $1`, [row.id, JSON.stringify(shipment)]);
          await events(tx).publishOrderShipped({ orderId: row.id, customerId: row.customer_id, contactEmail: row.contact_email, ...shipment }, { subject: String(row.id) });
          return toOrder((await byColumn(tx, 'id', row.id))!);
        }),
    );

    return { subscribe: (bus) => client.subscribeOrder(bus, handlers) };
  },
});

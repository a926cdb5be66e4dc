/** shop/order's persistence: every statement over its orders, rejections and refunds tables (migrations/). */
import type { CreateOrder, Money, OrderFailedReason } from '../../../generated/types/shop.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import { normalise } from '../_shared/money.js';

export interface OrderRow {
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

export const toOrder = (row: OrderRow) => ({
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

export type OrderRepository = ReturnType<typeof orderRepository>;

export function orderRepository(db: ServiceDatabase) {
  const orders = db.table('orders');
  const rejections = db.table('rejections');
  const refunds = db.table('refunds');
  return {
    async byColumn(sql: Sql, column: 'id' | 'checkout_id', value: unknown, lock = false): Promise<OrderRow | undefined> {
      const { rows } = await sql.query<OrderRow>(`SELECT ${COLUMNS} FROM ${orders} WHERE ${column} = $1${lock ? ' FOR UPDATE' : ''}`, [value]);
      return rows[0];
    },

    /** One checkout, one order: concurrent deliveries of the command wait here for each other. */
    async lockCheckout(tx: Transaction, checkoutId: string): Promise<void> {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('shop.order.create'), hashtext($1))`, [checkoutId]);
    },

    async isRejected(tx: Transaction, checkoutId: string): Promise<boolean> {
      const { rows } = await tx.query(`SELECT 1 FROM ${rejections} WHERE checkout_id = $1`, [checkoutId]);
      return rows.length > 0;
    },

    async insertRejection(tx: Transaction, checkoutId: string, reason: OrderFailedReason, message: string): Promise<void> {
      await tx.query(`INSERT INTO ${rejections} (checkout_id, reason, message) VALUES ($1, $2, $3)`, [checkoutId, reason, message]);
    },

    /** Inserts the paid order; returns its id. */
    async insertPaid(tx: Transaction, command: CreateOrder, total: Money): Promise<number> {
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
      return rows[0]!.id;
    },

    async insertRefund(tx: Transaction, refund: { refundId: string; orderId: number; amount: Money; reason: string }): Promise<void> {
      await tx.query(`INSERT INTO ${refunds} (refund_id, order_id, amount, currency, reason) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (refund_id) DO NOTHING`, [
        refund.refundId,
        refund.orderId,
        refund.amount.amount,
        refund.amount.currency,
        refund.reason,
      ]);
    },

    /** The sum refunded against an order, as a decimal string. */
    async refunded(tx: Transaction, orderId: number): Promise<string> {
      const { rows } = await tx.query<{ refunded: string }>(`SELECT COALESCE(SUM(amount), 0)::text AS refunded FROM ${refunds} WHERE order_id = $1`, [orderId]);
      return rows[0]!.refunded;
    },

    async markRefunded(tx: Transaction, orderId: number): Promise<void> {
      await tx.query(`UPDATE ${orders} SET status = 'refunded', updated_at = now() WHERE id = $1`, [orderId]);
    },

    async markShipped(tx: Transaction, orderId: number, shipment: object): Promise<void> {
      await tx.query(`UPDATE ${orders} SET status = 'shipped', shipment = $2::jsonb, updated_at = now() WHERE id = $1`, [orderId, JSON.stringify(shipment)]);
    },

    async refundsOf(sql: Sql, orderId: number): Promise<Array<Record<string, unknown> & { amount: string; currency: string }>> {
      const { rows } = await sql.query(`SELECT refund_id AS "refundId", amount::text AS amount, currency, reason, created_at AS "createdAt" FROM ${refunds} WHERE order_id = $1 ORDER BY created_at`, [orderId]);
      return rows as Array<Record<string, unknown> & { amount: string; currency: string }>;
    },

    async list(sql: Sql, checkoutId: string | undefined, customerId: string | undefined): Promise<OrderRow[]> {
      const { rows } = await sql.query<OrderRow>(
        `SELECT ${COLUMNS} FROM ${orders} WHERE ($1::uuid IS NULL OR checkout_id = $1) AND ($2::uuid IS NULL OR customer_id = $2) ORDER BY id`,
        [checkoutId ?? null, customerId ?? null],
      );
      return rows;
    },

    async rejectionsOf(sql: Sql, checkoutId: string): Promise<unknown[]> {
      const { rows } = await sql.query(`SELECT checkout_id AS "checkoutId", reason, message, created_at AS "createdAt" FROM ${rejections} WHERE checkout_id = $1`, [checkoutId]);
      return rows;
    },
  };
}

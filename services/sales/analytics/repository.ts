/** sales/analytics's persistence: the facts and the summary over them (./migrations/). */
import type { PurchaseOrderCreated, StockReserved } from '../../../generated/types/sales.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';

export type AnalyticsRepository = ReturnType<typeof analyticsRepository>;

export function analyticsRepository(db: ServiceDatabase) {
  const held = db.table('stock_held');
  const bookings = db.table('bookings');
  return {
    async stockReserved(tx: Transaction, e: StockReserved): Promise<void> {
      await tx.query(`INSERT INTO ${held} (reservation_id, quote_id, sku, units, lines) VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (reservation_id) DO NOTHING`, [
        e.reservation_id,
        e.quote_id,
        e.lines.map((l) => l.sku),
        e.lines.reduce((n, l) => n + l.quantity, 0),
        JSON.stringify(e.lines),
      ]);
    },

    async booked(tx: Transaction, e: PurchaseOrderCreated): Promise<void> {
      await tx.query(`INSERT INTO ${bookings} (po_id, po_number, customer_id, currency, amount) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (po_id) DO NOTHING`, [
        e.po_id,
        e.po_number,
        e.customer_id,
        e.total.currency,
        e.total.amount,
      ]);
    },

    async summary(sql: Sql) {
      const stock = await sql.query<{ reservations: string; units: string | null }>(`SELECT count(*) AS reservations, sum(units) AS units FROM ${held}`);
      const bySku = await sql.query<{ sku: string; units: string }>(
        `SELECT line->>'sku' AS sku, sum((line->>'quantity')::integer) AS units FROM ${held}, jsonb_array_elements(lines) AS line GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20`,
      );
      const revenue = await sql.query<{ currency: string; orders: string; amount: string }>(
        `SELECT currency, count(*) AS orders, to_char(sum(amount), 'FM999999999999990.00') AS amount FROM ${bookings} GROUP BY currency ORDER BY currency`,
      );
      return {
        stock_reserved: { reservations: Number(stock.rows[0]!.reservations), units: Number(stock.rows[0]!.units ?? 0), by_sku: bySku.rows.map((r) => ({ sku: r.sku, units: Number(r.units) })) },
        revenue_booked: revenue.rows.map((r) => ({ currency: r.currency, purchase_orders: Number(r.orders), amount: r.amount })),
      };
    },
  };
}

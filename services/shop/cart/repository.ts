/** shop/cart's persistence: every statement over its tables (migrations/), rows mapped to carts. */
import type { LineItem, Money } from '../../../generated/types/shop.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import { normalise, sum, times } from '../_shared/money.js';

export interface Cart {
  id: string;
  customerId: string;
  contactEmail?: string;
  status: 'open' | 'ordered' | 'expired';
  orderId?: number;
  lines: LineItem[];
  subtotal: Money;
  lastActivityAt: string;
  updatedAt: string;
}

interface CartRow {
  id: string;
  customer_id: string;
  contact_email: string | null;
  currency: string;
  status: Cart['status'];
  order_id: number | null;
  last_activity_at: Date | string;
  updated_at: Date | string;
}

interface LineRow {
  sku: string;
  name: string;
  quantity: number;
  unit_amount: string;
}

/** A line as priced from the product service. */
export interface PricedLine {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitAmount: string;
  readonly pricedAt: string;
}

export type CartRepository = ReturnType<typeof cartRepository>;

export function cartRepository(db: ServiceDatabase) {
  const carts = db.table('carts');
  const lines = db.table('cart_lines');
  return {
    async load(sql: Sql, cartId: string, lock = false): Promise<Cart | undefined> {
      const { rows } = await sql.query<CartRow>(`SELECT * FROM ${carts} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [cartId]);
      const row = rows[0];
      if (!row) return undefined;
      const { rows: lineRows } = await sql.query<LineRow>(`SELECT sku, name, quantity, unit_amount::text AS unit_amount FROM ${lines} WHERE cart_id = $1 ORDER BY added_at, sku`, [cartId]);
      const items: LineItem[] = lineRows.map((l) => {
        const unitPrice = normalise({ amount: l.unit_amount, currency: row.currency });
        return { sku: l.sku, name: l.name, quantity: l.quantity, unitPrice, lineTotal: times(unitPrice, l.quantity) };
      });
      return {
        id: row.id,
        customerId: row.customer_id,
        ...(row.contact_email !== null ? { contactEmail: row.contact_email } : {}),
        status: row.status,
        ...(row.order_id !== null ? { orderId: row.order_id } : {}),
        lines: items,
        subtotal: sum(items.map((i) => i.lineTotal), row.currency),
        lastActivityAt: new Date(row.last_activity_at).toISOString(),
        updatedAt: new Date(row.updated_at).toISOString(),
      };
    },

    async insert(tx: Transaction, cart: { id: string; customerId: string; contactEmail: string | undefined; currency: string }): Promise<void> {
      await tx.query(`INSERT INTO ${carts} (id, customer_id, contact_email, currency, status) VALUES ($1, $2, $3, $4, 'open')`, [cart.id, cart.customerId, cart.contactEmail ?? null, cart.currency]);
    },

    async currency(tx: Transaction, cartId: string): Promise<string> {
      const { rows } = await tx.query<{ currency: string }>(`SELECT currency FROM ${carts} WHERE id = $1`, [cartId]);
      return rows[0]!.currency;
    },

    touch: (tx: Transaction, cartId: string) => tx.query(`UPDATE ${carts} SET last_activity_at = now(), updated_at = now() WHERE id = $1`, [cartId]),

    async setLine(tx: Transaction, cartId: string, line: PricedLine): Promise<void> {
      await tx.query(
        `INSERT INTO ${lines} (cart_id, sku, name, quantity, unit_amount, priced_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (cart_id, sku) DO UPDATE SET name = EXCLUDED.name, quantity = EXCLUDED.quantity, unit_amount = EXCLUDED.unit_amount, priced_at = EXCLUDED.priced_at`,
        [cartId, line.sku, line.name, line.quantity, line.unitAmount, line.pricedAt],
      );
    },

    removeLine: (tx: Transaction, cartId: string, sku: string) => tx.query(`DELETE FROM ${lines} WHERE cart_id = $1 AND sku = $2`, [cartId, sku]),

    removeLines: (tx: Transaction, cartId: string) => tx.query(`DELETE FROM ${lines} WHERE cart_id = $1`, [cartId]),

    /** Reprices the lines of open carts in that currency not priced after `pricedAt`; returns how many. */
    async repriceOpenLines(tx: Transaction, sku: string, price: Money, pricedAt: string): Promise<number> {
      const { rowCount } = await tx.query(
        `UPDATE ${lines} AS l SET unit_amount = $2, priced_at = $4
         FROM ${carts} AS c
         WHERE l.cart_id = c.id AND c.status = 'open' AND l.sku = $1 AND c.currency = $3 AND l.priced_at <= $4`,
        [sku, price.amount, price.currency, pricedAt],
      );
      return rowCount;
    },

    async removeFromOpenCarts(tx: Transaction, sku: string): Promise<number> {
      const { rowCount } = await tx.query(`DELETE FROM ${lines} AS l USING ${carts} AS c WHERE l.cart_id = c.id AND c.status = 'open' AND l.sku = $1`, [sku]);
      return rowCount;
    },

    markOrdered: (tx: Transaction, cartId: string, orderId: number) => tx.query(`UPDATE ${carts} SET status = 'ordered', order_id = $2, updated_at = now() WHERE id = $1`, [cartId, orderId]),

    markExpired: (tx: Transaction, cartId: string) => tx.query(`UPDATE ${carts} SET status = 'expired', updated_at = now() WHERE id = $1`, [cartId]),

    /** Up to 100 open carts idle longer than `ttlMs`, longest idle first. */
    async idleOpenCarts(sql: Sql, ttlMs: number): Promise<string[]> {
      const { rows } = await sql.query<{ id: string }>(
        `SELECT id FROM ${carts} WHERE status = 'open' AND last_activity_at < now() - $1 * interval '1 millisecond' ORDER BY last_activity_at LIMIT 100`,
        [ttlMs],
      );
      return rows.map((r) => r.id);
    },
  };
}

/** shop/inventory's persistence: every statement over its stock and reservations tables (migrations/). */
import type { StockLine, StockReleaseReason } from '../../../generated/types/shop.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';

export interface ReservationRow {
  id: string;
  checkout_id: string;
  customer_id: string;
  status: 'reserved' | 'released' | 'confirmed';
  lines: StockLine[];
  expires_at: Date | string;
  order_id: number | null;
  release_reason: string | null;
}

export interface StockRow {
  sku: string;
  warehouse_id: string;
  on_hand: number;
  reserved: number;
  low_threshold: number;
  reorder_quantity: number | null;
  low_alerted: boolean;
}

export interface StockSetting {
  readonly sku: string;
  readonly warehouseId: string;
  readonly onHand: number;
  readonly lowStockThreshold: number | undefined;
  readonly reorderQuantity: number | undefined;
}

export type InventoryRepository = ReturnType<typeof inventoryRepository>;

export function inventoryRepository(db: ServiceDatabase) {
  const stock = db.table('stock');
  const reservations = db.table('reservations');
  return {
    async reservationBy(sql: Sql, column: 'id' | 'checkout_id', value: string, lock = false): Promise<ReservationRow | undefined> {
      const { rows } = await sql.query<ReservationRow>(`SELECT * FROM ${reservations} WHERE ${column} = $1${lock ? ' FOR UPDATE' : ''}`, [value]);
      return rows[0];
    },

    /** Serialises reservations of one checkout: a retried call waits and then finds the first. */
    async lockCheckout(tx: Transaction, checkoutId: string): Promise<void> {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('shop.inventory.reserve'), hashtext($1))`, [checkoutId]);
    },

    /** Locks the stock rows of `lines` (in sku order) and returns them by sku. */
    async lockStock(tx: Transaction, lines: readonly StockLine[]): Promise<Map<string, StockRow>> {
      const { rows } = await tx.query<StockRow>(`SELECT * FROM ${stock} WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE`, [lines.map((l) => l.sku)]);
      return new Map(rows.map((row) => [row.sku, row]));
    },

    async stockOf(sql: Sql, skus: readonly string[]): Promise<StockRow[]> {
      const { rows } = await sql.query<StockRow>(`SELECT * FROM ${stock} WHERE sku = ANY($1::text[]) ORDER BY sku`, [skus]);
      return rows;
    },

    async stockRow(sql: Sql, sku: string, lock = false): Promise<StockRow | undefined> {
      const { rows } = await sql.query<StockRow>(`SELECT * FROM ${stock} WHERE sku = $1${lock ? ' FOR UPDATE' : ''}`, [sku]);
      return rows[0];
    },

    async setLowAlerted(tx: Transaction, sku: string, alerted: boolean): Promise<void> {
      await tx.query(`UPDATE ${stock} SET low_alerted = $2 WHERE sku = $1`, [sku, alerted]);
    },

    async addReserved(tx: Transaction, lines: readonly StockLine[], sign: 1 | -1): Promise<void> {
      for (const line of lines) await tx.query(`UPDATE ${stock} SET reserved = reserved + $2, updated_at = now() WHERE sku = $1`, [line.sku, sign * line.quantity]);
    },

    /** Takes sold quantities off the shelf; `fromReserved` also takes them off the reserved count. */
    async takeSold(tx: Transaction, lines: readonly StockLine[], fromReserved: boolean): Promise<void> {
      for (const line of lines) {
        await tx.query(
          fromReserved
            ? `UPDATE ${stock} SET on_hand = on_hand - $2, reserved = reserved - $2, updated_at = now() WHERE sku = $1`
            : `UPDATE ${stock} SET on_hand = GREATEST(on_hand - $2, reserved), updated_at = now() WHERE sku = $1`,
          [line.sku, line.quantity],
        );
      }
    },

    async upsertStock(tx: Transaction, setting: StockSetting): Promise<void> {
      await tx.query(
        `INSERT INTO ${stock} (sku, warehouse_id, on_hand, low_threshold, reorder_quantity) VALUES ($1, $2, $3, COALESCE($4, 5), $5)
         ON CONFLICT (sku) DO UPDATE SET on_hand = EXCLUDED.on_hand, low_threshold = COALESCE($4, ${stock}.low_threshold),
           reorder_quantity = COALESCE($5, ${stock}.reorder_quantity), updated_at = now()`,
        [setting.sku, setting.warehouseId, setting.onHand, setting.lowStockThreshold ?? null, setting.reorderQuantity ?? null],
      );
    },

    async insertReservation(tx: Transaction, r: { id: string; checkoutId: string; customerId: string; lines: readonly StockLine[]; expiresAt: string }): Promise<void> {
      await tx.query(`INSERT INTO ${reservations} (id, checkout_id, customer_id, status, lines, expires_at) VALUES ($1, $2, $3, 'reserved', $4::jsonb, $5)`, [
        r.id,
        r.checkoutId,
        r.customerId,
        JSON.stringify(r.lines),
        r.expiresAt,
      ]);
    },

    async markReleased(tx: Transaction, id: string, reason: StockReleaseReason): Promise<void> {
      await tx.query(`UPDATE ${reservations} SET status = 'released', release_reason = $2, updated_at = now() WHERE id = $1`, [id, reason]);
    },

    async markConfirmed(tx: Transaction, id: string, orderId: number): Promise<void> {
      await tx.query(`UPDATE ${reservations} SET status = 'confirmed', order_id = $2, updated_at = now() WHERE id = $1`, [id, orderId]);
    },

    /** Up to 100 held reservations past their expiry, oldest first. */
    async expiredReservations(sql: Sql): Promise<string[]> {
      const { rows } = await sql.query<{ id: string }>(`SELECT id FROM ${reservations} WHERE status = 'reserved' AND expires_at < now() ORDER BY expires_at LIMIT 100`);
      return rows.map((r) => r.id);
    },
  };
}

/** sales/inventory's persistence: stock and reservations (./migrations/). */
import type { Shortfall } from '../../../generated/types/sales.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { Need } from './domain.js';

export interface StockRow {
  sku: string;
  warehouse: string;
  on_hand: number;
  reserved: number;
}

export interface ReservationRow {
  id: string;
  quote_id: string;
  status: 'reserved' | 'released' | 'expired' | 'sold' | 'failed';
  lines: Array<Need & { warehouse: string }>;
  shortfall: Shortfall[] | null;
  expires_at: Date | string;
  release_reason: string | null;
}

export type InventoryRepository = ReturnType<typeof inventoryRepository>;

export function inventoryRepository(db: ServiceDatabase) {
  const stock = db.table('stock');
  const reservations = db.table('reservations');
  return {
    async lockStock(tx: Transaction, skus: readonly string[]): Promise<Map<string, StockRow>> {
      const { rows } = await tx.query<StockRow>(`SELECT * FROM ${stock} WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE`, [skus]);
      return new Map(rows.map((row) => [row.sku, row]));
    },

    async stockOf(sql: Sql, sku: string): Promise<StockRow | undefined> {
      const { rows } = await sql.query<StockRow>(`SELECT * FROM ${stock} WHERE sku = $1`, [sku]);
      return rows[0];
    },

    async setOnHand(tx: Transaction, sku: string, warehouse: string, onHand: number): Promise<void> {
      await tx.query(
        `INSERT INTO ${stock} (sku, warehouse, on_hand) VALUES ($1, $2, $3) ON CONFLICT (sku) DO UPDATE SET on_hand = EXCLUDED.on_hand, warehouse = EXCLUDED.warehouse, updated_at = now()`,
        [sku, warehouse, onHand],
      );
    },

    /** Moves quantities in or out of `reserved`; `sold` also takes them off the shelf. */
    async adjust(tx: Transaction, lines: readonly Need[], change: 'reserve' | 'unreserve' | 'sell'): Promise<void> {
      const set = { reserve: 'reserved = reserved + $2', unreserve: 'reserved = reserved - $2', sell: 'reserved = reserved - $2, on_hand = on_hand - $2' }[change];
      for (const line of lines) await tx.query(`UPDATE ${stock} SET ${set}, updated_at = now() WHERE sku = $1`, [line.sku, line.quantity]);
    },

    async reservationOf(sql: Sql, quoteId: string, lock = false): Promise<ReservationRow | undefined> {
      const { rows } = await sql.query<ReservationRow>(`SELECT * FROM ${reservations} WHERE quote_id = $1${lock ? ' FOR UPDATE' : ''}`, [quoteId]);
      return rows[0];
    },

    async insert(tx: Transaction, r: { id: string; quoteId: string; status: 'reserved' | 'failed'; lines: readonly (Need & { warehouse?: string })[]; shortfall?: readonly Shortfall[]; expiresAt: Date }): Promise<void> {
      await tx.query(`INSERT INTO ${reservations} (id, quote_id, status, lines, shortfall, expires_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)`, [
        r.id,
        r.quoteId,
        r.status,
        JSON.stringify(r.lines),
        r.shortfall ? JSON.stringify(r.shortfall) : null,
        r.expiresAt.toISOString(),
      ]);
    },

    async close(tx: Transaction, id: string, status: 'released' | 'expired' | 'sold', reason?: string): Promise<void> {
      await tx.query(`UPDATE ${reservations} SET status = $2, release_reason = $3, updated_at = now() WHERE id = $1`, [id, status, reason ?? null]);
    },

    /** Up to 100 held reservations past their expiry, oldest first. */
    async expired(sql: Sql): Promise<string[]> {
      const { rows } = await sql.query<{ quote_id: string }>(`SELECT quote_id FROM ${reservations} WHERE status = 'reserved' AND expires_at < now() ORDER BY expires_at LIMIT 100`);
      return rows.map((r) => r.quote_id);
    },
  };
}

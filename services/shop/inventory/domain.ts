/**
 * shop/inventory's rules and the steps its routes, handlers and jobs share: the reservation as
 * the API shows it, folding lines, releasing a reservation and the low-stock alert.
 */
import * as client from '../../../generated/clients/shop/inventory.js';
import type { StockLine, StockReleaseReason } from '../../../generated/types/shop.js';
import type { Transaction } from '../../../src/durable/index.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import type { InventoryRepository, ReservationRow, StockRow } from './repository.js';

export interface Reservation {
  reservationId: string;
  checkoutId: string;
  customerId: string;
  status: 'reserved' | 'released' | 'confirmed';
  lines: StockLine[];
  expiresAt: string;
  orderId?: number;
  releaseReason?: string;
}

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

export const toReservation = (row: ReservationRow): Reservation => ({
  reservationId: row.id,
  checkoutId: row.checkout_id,
  customerId: row.customer_id,
  status: row.status,
  lines: row.lines,
  expiresAt: new Date(row.expires_at).toISOString(),
  ...(row.order_id !== null ? { orderId: row.order_id } : {}),
  ...(row.release_reason !== null ? { releaseReason: row.release_reason } : {}),
});

export const toStock = (row: StockRow) => ({
  sku: row.sku,
  warehouseId: row.warehouse_id,
  onHand: row.on_hand,
  reserved: row.reserved,
  available: row.on_hand - row.reserved,
  lowStockThreshold: row.low_threshold,
  ...(row.reorder_quantity !== null ? { reorderQuantity: row.reorder_quantity } : {}),
});

/** Lines of one sku folded together, sorted by sku (the order rows are locked in, so two reservations never deadlock). */
export function mergeLines(lines: readonly StockLine[]): StockLine[] {
  const bySku = new Map<string, number>();
  for (const line of lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  return [...bySku].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([s, quantity]) => ({ sku: s, quantity }));
}

export type Stockroom = ReturnType<typeof stockroom>;

/** The steps that change stock and publish what changed, inside the caller's transaction. */
export function stockroom(kit: ServiceKit<Config>, repo: InventoryRepository) {
  const events = (tx: Transaction) => client.createInventoryPublisher(kit.publisherIn(tx));

  /** Publishes LowStockAlert once when available stock dips under the threshold; re-arms when it recovers. */
  const checkLowStock = async (tx: Transaction, skus: readonly string[]) => {
    for (const row of await repo.stockOf(tx, skus)) {
      const available = row.on_hand - row.reserved;
      const low = available < row.low_threshold;
      if (low && !row.low_alerted) {
        await repo.setLowAlerted(tx, row.sku, true);
        await events(tx).publishLowStockAlert(
          { sku: row.sku, warehouseId: row.warehouse_id, currentQuantity: available, threshold: row.low_threshold, ...(row.reorder_quantity !== null ? { reorderQuantity: row.reorder_quantity } : {}) },
          { subject: row.sku },
        );
      } else if (!low && row.low_alerted) {
        await repo.setLowAlerted(tx, row.sku, false);
      }
    }
  };

  /** Gives a reservation's quantities back. No-op unless it is still held. */
  const release = async (tx: Transaction, row: ReservationRow, reason: StockReleaseReason): Promise<boolean> => {
    if (row.status !== 'reserved') return false;
    const lines = row.lines;
    await repo.lockStock(tx, lines);
    await repo.addReserved(tx, lines, -1);
    await repo.markReleased(tx, row.id, reason);
    await events(tx).publishStockReleased({ reservationId: row.id, checkoutId: row.checkout_id, lines, reason }, { subject: row.checkout_id });
    await checkLowStock(tx, lines.map((l) => l.sku));
    return true;
  };

  return { events, checkLowStock, release };
}

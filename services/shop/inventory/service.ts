/**
 * shop/inventory — stock levels and reservations.
 *
 * Reserving is synchronous (`POST /api/inventory/reserve`, called by checkout while the
 * customer waits) and idempotent on the checkout id; each reservation is still published as
 * StockReserved. The rest of the checkout arrives as messages on `inventory-service-queue`:
 * OrderCreated turns the reservation into a sale (StockConfirmed), the saga's `release.stock`
 * gives it back (StockReleased). Reservations not confirmed in time expire on their own.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/inventory.js';
import type { StockLine, StockReleaseReason } from '../../../generated/types/shop.js';
import { durationMs } from '../../../src/service-kit/index.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import { conflict, defineService, notFound, sendsOf, type ConfigOf, type EnvSchema } from '../../../src/service-kit/index.js';
import { sku, uuid } from '../_shared/schemas.js';

const env = {
  type: 'object',
  properties: {
    RESERVATION_TTL: { type: 'string', pattern: '^[0-9]+(ms|s|m|h|d)$', default: '15m', description: 'how long an unconfirmed reservation holds stock' },
    WAREHOUSE_ID: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{1,3}$', default: 'LON-1' },
    EXPIRY_SWEEP_MS: { type: 'integer', minimum: 100, maximum: 3600000, default: 30000 },
  },
  required: ['RESERVATION_TTL', 'WAREHOUSE_ID', 'EXPIRY_SWEEP_MS'],
} as const satisfies EnvSchema;

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

interface ReservationRow {
  id: string;
  checkout_id: string;
  customer_id: string;
  status: Reservation['status'];
  lines: StockLine[];
  expires_at: Date | string;
  order_id: number | null;
  release_reason: string | null;
}

interface StockRow {
  sku: string;
  warehouse_id: string;
  on_hand: number;
  reserved: number;
  low_threshold: number;
  reorder_quantity: number | null;
  low_alerted: boolean;
}

const toReservation = (row: ReservationRow): Reservation => ({
  reservationId: row.id,
  checkoutId: row.checkout_id,
  customerId: row.customer_id,
  status: row.status,
  lines: row.lines,
  expiresAt: new Date(row.expires_at).toISOString(),
  ...(row.order_id !== null ? { orderId: row.order_id } : {}),
  ...(row.release_reason !== null ? { releaseReason: row.release_reason } : {}),
});

const toStock = (row: StockRow) => ({
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

const reserveBody = {
  type: 'object',
  additionalProperties: false,
  required: ['checkoutId', 'customerId', 'lines'],
  properties: {
    checkoutId: uuid,
    customerId: uuid,
    lines: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: { type: 'object', additionalProperties: false, required: ['sku', 'quantity'], properties: { sku, quantity: { type: 'integer', minimum: 1, maximum: 9999 } } },
    },
  },
} as const;

const stockBody = {
  type: 'object',
  additionalProperties: false,
  required: ['onHand'],
  properties: {
    onHand: { type: 'integer', minimum: 0, maximum: 10000000 },
    lowStockThreshold: { type: 'integer', minimum: 1, maximum: 1000000 },
    reorderQuantity: { type: 'integer', minimum: 1, maximum: 100000 },
  },
} as const;

export const inventory = defineService<ConfigOf<typeof env>>({
  service: client.inventoryService,
  description: 'Stock levels and reservations: reserve over HTTP, confirm and release from the checkout events.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const { app, store, log, config } = kit;
    const stock = kit.db.table('stock');
    const reservations = kit.db.table('reservations');
    const ttlMs = durationMs(config.RESERVATION_TTL)!;
    const events = (tx: Transaction) => client.createInventoryPublisher(kit.publisherIn(tx));

    const reservationBy = async (sql: Sql, column: 'id' | 'checkout_id', value: string, lock = false) => {
      const { rows } = await sql.query<ReservationRow>(`SELECT * FROM ${reservations} WHERE ${column} = $1${lock ? ' FOR UPDATE' : ''}`, [value]);
      return rows[0];
    };

    /** Locks the stock rows of `lines` (in sku order) and returns them by sku. */
    const lockStock = async (tx: Transaction, lines: readonly StockLine[]) => {
      const { rows } = await tx.query<StockRow>(`SELECT * FROM ${stock} WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE`, [lines.map((l) => l.sku)]);
      return new Map(rows.map((row) => [row.sku, row]));
    };

    /** Publishes LowStockAlert once when available stock dips under the threshold; re-arms when it recovers. */
    const checkLowStock = async (tx: Transaction, skus: readonly string[]) => {
      const { rows } = await tx.query<StockRow>(`SELECT * FROM ${stock} WHERE sku = ANY($1::text[]) ORDER BY sku`, [skus]);
      for (const row of rows) {
        const available = row.on_hand - row.reserved;
        const low = available < row.low_threshold;
        if (low && !row.low_alerted) {
          await tx.query(`UPDATE ${stock} SET low_alerted = true WHERE sku = $1`, [row.sku]);
          await events(tx).publishLowStockAlert(
            { sku: row.sku, warehouseId: row.warehouse_id, currentQuantity: available, threshold: row.low_threshold, ...(row.reorder_quantity !== null ? { reorderQuantity: row.reorder_quantity } : {}) },
            { subject: row.sku },
          );
        } else if (!low && row.low_alerted) {
          await tx.query(`UPDATE ${stock} SET low_alerted = false WHERE sku = $1`, [row.sku]);
        }
      }
    };

    /** Gives a reservation's quantities back. No-op unless it is still held. */
    const release = async (tx: Transaction, row: ReservationRow, reason: StockReleaseReason): Promise<boolean> => {
      if (row.status !== 'reserved') return false;
      const lines = row.lines;
      await lockStock(tx, lines);
      for (const line of lines) await tx.query(`UPDATE ${stock} SET reserved = reserved - $2, updated_at = now() WHERE sku = $1`, [line.sku, line.quantity]);
      await tx.query(`UPDATE ${reservations} SET status = 'released', release_reason = $2, updated_at = now() WHERE id = $1`, [row.id, reason]);
      await events(tx).publishStockReleased({ reservationId: row.id, checkoutId: row.checkout_id, lines, reason }, { subject: row.checkout_id });
      await checkLowStock(tx, lines.map((l) => l.sku));
      return true;
    };

    const tags = ['inventory'];

    app.post(
      '/api/inventory/reserve',
      {
        schema: {
          tags,
          summary: 'Reserve stock for a checkout (idempotent on checkoutId)',
          description: '201 with the reservation; 200 when this checkout reserved before; 409 with the shortages when stock is short.',
          body: reserveBody,
        },
      },
      async (request, reply) => {
        const body = request.body;
        const lines = mergeLines(body.lines);
        const outcome = await store.transaction(async (tx) => {
          // Serialises reservations of one checkout: a retried call waits and then finds the first.
          await tx.query(`SELECT pg_advisory_xact_lock(hashtext('shop.inventory.reserve'), hashtext($1))`, [body.checkoutId]);
          const earlier = await reservationBy(tx, 'checkout_id', body.checkoutId);
          if (earlier) return { kind: 'earlier' as const, reservation: toReservation(earlier) };
          const held = await lockStock(tx, lines);
          const shortages: Shortage[] = [];
          for (const line of lines) {
            const row = held.get(line.sku);
            const available = row ? row.on_hand - row.reserved : 0;
            if (available < line.quantity) shortages.push({ sku: line.sku, requested: line.quantity, available });
          }
          if (shortages.length > 0) return { kind: 'short' as const, shortages };
          for (const line of lines) await tx.query(`UPDATE ${stock} SET reserved = reserved + $2, updated_at = now() WHERE sku = $1`, [line.sku, line.quantity]);
          const id = randomUUID();
          const expiresAt = new Date(Date.now() + ttlMs).toISOString();
          await tx.query(`INSERT INTO ${reservations} (id, checkout_id, customer_id, status, lines, expires_at) VALUES ($1, $2, $3, 'reserved', $4::jsonb, $5)`, [
            id,
            body.checkoutId,
            body.customerId,
            JSON.stringify(lines),
            expiresAt,
          ]);
          await events(tx).publishStockReserved(
            { reservationId: id, checkoutId: body.checkoutId, customerId: body.customerId, warehouseId: config.WAREHOUSE_ID, lines, expiresAt },
            { subject: body.checkoutId },
          );
          await checkLowStock(tx, lines.map((l) => l.sku));
          return { kind: 'reserved' as const, reservation: toReservation((await reservationBy(tx, 'id', id))!) };
        });
        if (outcome.kind === 'short') {
          throw conflict(`not enough stock: ${outcome.shortages.map((s) => `${s.sku} (${s.available} of ${s.requested})`).join(', ')}`, { shortages: outcome.shortages });
        }
        return reply.code(outcome.kind === 'reserved' ? 201 : 200).send(outcome.reservation);
      },
    );

    app.get('/api/inventory/reservations/:reservationId', { schema: { tags, summary: 'A reservation', params: { type: 'object', required: ['reservationId'], properties: { reservationId: uuid } } } }, async (request) => {
      const row = await reservationBy(store, 'id', request.params.reservationId);
      if (!row) throw notFound(`no reservation ${request.params.reservationId}`);
      return toReservation(row);
    });

    app.get('/api/inventory/reservations', { schema: { tags, summary: "A checkout's reservation", querystring: { type: 'object', required: ['checkoutId'], properties: { checkoutId: uuid } } } }, async (request) => {
      const row = await reservationBy(store, 'checkout_id', request.query.checkoutId);
      return row ? [toReservation(row)] : [];
    });

    app.put('/api/inventory/:sku', { schema: { tags, summary: 'Set the stock on hand of a sku', params: { type: 'object', required: ['sku'], properties: { sku } }, body: stockBody } }, async (request) =>
      store.transaction(async (tx) => {
        const { onHand, lowStockThreshold, reorderQuantity } = request.body;
        const { rows } = await tx.query<StockRow>(`SELECT * FROM ${stock} WHERE sku = $1 FOR UPDATE`, [request.params.sku]);
        const reserved = rows[0]?.reserved ?? 0;
        if (onHand < reserved) throw conflict(`${reserved} units of ${request.params.sku} are reserved: on hand cannot go below that`);
        await tx.query(
          `INSERT INTO ${stock} (sku, warehouse_id, on_hand, low_threshold, reorder_quantity) VALUES ($1, $2, $3, COALESCE($4, 5), $5)
           ON CONFLICT (sku) DO UPDATE SET on_hand = EXCLUDED.on_hand, low_threshold = COALESCE($4, ${stock}.low_threshold),
             reorder_quantity = COALESCE($5, ${stock}.reorder_quantity), updated_at = now()`,
          [request.params.sku, config.WAREHOUSE_ID, onHand, lowStockThreshold ?? null, reorderQuantity ?? null],
        );
        await checkLowStock(tx, [request.params.sku]);
        const { rows: after } = await tx.query<StockRow>(`SELECT * FROM ${stock} WHERE sku = $1`, [request.params.sku]);
        return toStock(after[0]!);
      }),
    );

    app.get('/api/inventory/:sku', { schema: { tags, summary: 'Stock of a sku', params: { type: 'object', required: ['sku'], properties: { sku } } } }, async (request) => {
      const { rows } = await store.query<StockRow>(`SELECT * FROM ${stock} WHERE sku = $1`, [request.params.sku]);
      if (!rows[0]) throw notFound(`no stock record for ${request.params.sku}`);
      return toStock(rows[0]);
    });

    const handlers: client.InventoryHandlers = {
      onOrderCreated: kit.handle(client.inventoryServiceQueueReceive, async (delivery, context, tx) => {
        const order = delivery.payload;
        const row = await reservationBy(tx, 'id', order.reservationId, true);
        if (!row) throw new Error(`order ${order.orderId} names reservation ${order.reservationId}, which inventory does not know`);
        if (row.status === 'confirmed') return;
        if (row.status === 'released') {
          // The saga gave up (timeout) while the order was being created: the stock went back and
          // may be sold again. Confirm anyway — the order exists — and leave it to people.
          context.log.error({ orderId: order.orderId, reservationId: row.id, releaseReason: row.release_reason }, 'order created for a released reservation: taking the stock again; check for oversell');
          await lockStock(tx, row.lines);
          for (const line of row.lines) await tx.query(`UPDATE ${stock} SET on_hand = GREATEST(on_hand - $2, reserved), updated_at = now() WHERE sku = $1`, [line.sku, line.quantity]);
        } else {
          await lockStock(tx, row.lines);
          for (const line of row.lines) await tx.query(`UPDATE ${stock} SET on_hand = on_hand - $2, reserved = reserved - $2, updated_at = now() WHERE sku = $1`, [line.sku, line.quantity]);
        }
        await tx.query(`UPDATE ${reservations} SET status = 'confirmed', order_id = $2, updated_at = now() WHERE id = $1`, [row.id, order.orderId]);
        await events(tx).publishStockConfirmed({ reservationId: row.id, checkoutId: row.checkout_id, orderId: order.orderId, lines: row.lines }, { subject: row.checkout_id });
      }),
      onReleaseStock: kit.handle(client.inventoryServiceQueueReceive, async (delivery, context, tx) => {
        const command = delivery.payload;
        const row = command.reservationId
          ? await reservationBy(tx, 'id', command.reservationId, true)
          : await reservationBy(tx, 'checkout_id', command.checkoutId, true);
        if (!row) {
          context.log.info({ checkoutId: command.checkoutId, reservationId: command.reservationId }, 'release.stock: nothing reserved for this checkout');
          return;
        }
        if (row.status === 'confirmed') {
          context.log.warn({ reservationId: row.id, reason: command.reason }, 'release.stock for a reservation already sold: ignored');
          return;
        }
        await release(tx, row, command.reason);
      }),
    };

    // Reservations nobody confirmed within the TTL give their stock back.
    kit.every(config.EXPIRY_SWEEP_MS, 'reservation expiry sweep', async () => {
      const { rows } = await store.query<{ id: string }>(`SELECT id FROM ${reservations} WHERE status = 'reserved' AND expires_at < now() ORDER BY expires_at LIMIT 100`);
      for (const { id } of rows) {
        await store.transaction(async (tx) => {
          const row = await reservationBy(tx, 'id', id, true);
          if (row && row.status === 'reserved' && new Date(row.expires_at).getTime() < Date.now()) await release(tx, row, 'reservation_expired');
        });
      }
      if (rows.length > 0) log.info({ expired: rows.length }, 'expired reservations released');
    });

    return { subscribe: (bus) => client.subscribeInventory(bus, handlers) };
  },
});

/** shop/inventory's HTTP API: reserve stock for a checkout, read reservations, set and read stock levels. */
import { randomUUID } from 'node:crypto';
import { conflict, durationMs, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { sku, uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { mergeLines, toReservation, toStock, type Shortage, type Stockroom } from './domain.js';
import type { InventoryRepository } from './repository.js';

const tags = ['inventory'];

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

export function registerRoutes(kit: ServiceKit<Config>, repo: InventoryRepository, steps: Stockroom): void {
  const { app, store, config } = kit;
  const ttlMs = durationMs(config.RESERVATION_TTL)!;

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
        await repo.lockCheckout(tx, body.checkoutId);
        const earlier = await repo.reservationBy(tx, 'checkout_id', body.checkoutId);
        if (earlier) return { kind: 'earlier' as const, reservation: toReservation(earlier) };
        const held = await repo.lockStock(tx, lines);
        const shortages: Shortage[] = [];
        for (const line of lines) {
          const row = held.get(line.sku);
          const available = row ? row.on_hand - row.reserved : 0;
          if (available < line.quantity) shortages.push({ sku: line.sku, requested: line.quantity, available });
        }
        if (shortages.length > 0) return { kind: 'short' as const, shortages };
        await repo.addReserved(tx, lines, 1);
        const id = randomUUID();
        const expiresAt = new Date(Date.now() + ttlMs).toISOString();
        await repo.insertReservation(tx, { id, checkoutId: body.checkoutId, customerId: body.customerId, lines, expiresAt });
        await steps.events(tx).publishStockReserved(
          { reservationId: id, checkoutId: body.checkoutId, customerId: body.customerId, warehouseId: config.WAREHOUSE_ID, lines, expiresAt },
          { subject: body.checkoutId },
        );
        await steps.checkLowStock(tx, lines.map((l) => l.sku));
        return { kind: 'reserved' as const, reservation: toReservation((await repo.reservationBy(tx, 'id', id))!) };
      });
      if (outcome.kind === 'short') {
        throw conflict(`not enough stock: ${outcome.shortages.map((s) => `${s.sku} (${s.available} of ${s.requested})`).join(', ')}`, { shortages: outcome.shortages });
      }
      return reply.code(outcome.kind === 'reserved' ? 201 : 200).send(outcome.reservation);
    },
  );

  app.get('/api/inventory/reservations/:reservationId', { schema: { tags, summary: 'A reservation', params: { type: 'object', required: ['reservationId'], properties: { reservationId: uuid } } } }, async (request) => {
    const row = await repo.reservationBy(store, 'id', request.params.reservationId);
    if (!row) throw notFound(`no reservation ${request.params.reservationId}`);
    return toReservation(row);
  });

  app.get('/api/inventory/reservations', { schema: { tags, summary: "A checkout's reservation", querystring: { type: 'object', required: ['checkoutId'], properties: { checkoutId: uuid } } } }, async (request) => {
    const row = await repo.reservationBy(store, 'checkout_id', request.query.checkoutId);
    return row ? [toReservation(row)] : [];
  });

  app.put('/api/inventory/:sku', { schema: { tags, summary: 'Set the stock on hand of a sku', params: { type: 'object', required: ['sku'], properties: { sku } }, body: stockBody } }, async (request) =>
    store.transaction(async (tx) => {
      const { onHand, lowStockThreshold, reorderQuantity } = request.body;
      const reserved = (await repo.stockRow(tx, request.params.sku, true))?.reserved ?? 0;
      if (onHand < reserved) throw conflict(`${reserved} units of ${request.params.sku} are reserved: on hand cannot go below that`);
      await repo.upsertStock(tx, { sku: request.params.sku, warehouseId: config.WAREHOUSE_ID, onHand, lowStockThreshold, reorderQuantity });
      await steps.checkLowStock(tx, [request.params.sku]);
      return toStock((await repo.stockRow(tx, request.params.sku))!);
    }),
  );

  app.get('/api/inventory/:sku', { schema: { tags, summary: 'Stock of a sku', params: { type: 'object', required: ['sku'], properties: { sku } } } }, async (request) => {
    const row = await repo.stockRow(store, request.params.sku);
    if (!row) throw notFound(`no stock record for ${request.params.sku}`);
    return toStock(row);
  });
}

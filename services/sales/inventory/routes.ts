/** sales/inventory's HTTP API: set and read stock; read a quote's reservation. */
import { conflict, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { sku, uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import type { InventoryRepository, ReservationRow, StockRow } from './repository.js';

const tags = ['inventory'];

const stockView = (row: StockRow) => ({ sku: row.sku, warehouse: row.warehouse, on_hand: row.on_hand, reserved: row.reserved, available: row.on_hand - row.reserved });
const reservationView = (row: ReservationRow) => ({
  reservation_id: row.id,
  quote_id: row.quote_id,
  status: row.status,
  lines: row.lines,
  expires_at: new Date(row.expires_at).toISOString(),
  ...(row.shortfall ? { shortfall: row.shortfall } : {}),
  ...(row.release_reason ? { release_reason: row.release_reason } : {}),
});

export function registerRoutes(kit: ServiceKit<Config>, repo: InventoryRepository): void {
  const { app, store, config } = kit;
  const skuParams = { type: 'object', required: ['sku'], properties: { sku } } as const;

  app.put(
    '/api/stock/:sku',
    { schema: { tags, summary: 'Set the stock on hand of a sku', params: skuParams, body: { type: 'object', additionalProperties: false, required: ['on_hand'], properties: { on_hand: { type: 'integer', minimum: 0, maximum: 10000000 } } } } },
    async (request) =>
      store.transaction(async (tx) => {
        const held = (await repo.lockStock(tx, [request.params.sku])).get(request.params.sku);
        if (held && request.body.on_hand < held.reserved) throw conflict(`${held.reserved} units of ${held.sku} are reserved: on hand cannot go below that`);
        await repo.setOnHand(tx, request.params.sku, held?.warehouse ?? config.WAREHOUSE, request.body.on_hand);
        return stockView((await repo.stockOf(tx, request.params.sku))!);
      }),
  );

  app.get('/api/stock/:sku', { schema: { tags, summary: 'Stock of a sku', params: skuParams } }, async (request) => {
    const row = await repo.stockOf(store, request.params.sku);
    if (!row) throw notFound(`no stock record for ${request.params.sku}`);
    return stockView(row);
  });

  app.get('/api/reservations', { schema: { tags, summary: "A quote's reservation (empty when none yet)", querystring: { type: 'object', additionalProperties: false, required: ['quote_id'], properties: { quote_id: uuid } } } }, async (request) => {
    const row = await repo.reservationOf(store, request.query.quote_id);
    return row ? [reservationView(row)] : [];
  });
}

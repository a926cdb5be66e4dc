/** sales/inventory onQuoteCreated: holds the quoted quantities (StockReserved) or reports what is short (StockReservationFailed). */
import * as client from '../../../../generated/clients/sales/inventory.js';
import { durationMs, nameBasedUuid, type ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { check, expiresAt, needs } from '../domain.js';
import type { InventoryRepository } from '../repository.js';

export function onQuoteCreated(kit: ServiceKit<Config>, repo: InventoryRepository): client.InventoryHandlers['onQuoteCreated'] {
  const maxHoldMs = durationMs(kit.config.RESERVATION_TTL)!;
  return kit.handle(client.inventoryQueueReceive, async ({ payload, envelope }, _context, tx) => {
    if (await repo.reservationOf(tx, payload.quote_id)) return;
    const wanted = needs(payload.lines);
    const held = await repo.lockStock(tx, wanted.map((n) => n.sku));
    const outcome = check(wanted, new Map([...held].map(([sku, row]) => [sku, row.on_hand - row.reserved])));
    const events = client.createInventoryPublisher(kit.publisherIn(tx));
    const id = nameBasedUuid('sales/inventory', payload.quote_id);
    const until = expiresAt(payload.valid_until, Date.now(), maxHoldMs);
    if (!outcome.ok) {
      await repo.insert(tx, { id, quoteId: payload.quote_id, status: 'failed', lines: wanted, shortfall: outcome.shortfall, expiresAt: until });
      await events.publishStockReservationFailed({ quote_id: payload.quote_id, reason: outcome.reason, shortfall: outcome.shortfall }, { subject: payload.quote_id, causedBy: envelope });
      return;
    }
    const lines = wanted.map((n) => ({ ...n, warehouse: held.get(n.sku)!.warehouse }));
    await repo.adjust(tx, wanted, 'reserve');
    await repo.insert(tx, { id, quoteId: payload.quote_id, status: 'reserved', lines, expiresAt: until });
    await events.publishStockReserved({ reservation_id: id, quote_id: payload.quote_id, lines, expires_at: until.toISOString() }, { subject: payload.quote_id, causedBy: envelope });
  });
}

/** sales/inventory onPurchaseOrderCreated: the quote's reservation becomes a sale (the stock leaves the shelf). */
import * as client from '../../../../generated/clients/sales/inventory.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { InventoryRepository } from '../repository.js';

export function onPurchaseOrderCreated(kit: ServiceKit<Config>, repo: InventoryRepository): client.InventoryHandlers['onPurchaseOrderCreated'] {
  return kit.handle(client.inventoryQueueReceive, async ({ payload }, context, tx) => {
    const reservation = await repo.reservationOf(tx, payload.quote_id, true);
    if (reservation?.status !== 'reserved') {
      // Expired or never held: fulfilment must find the stock; say so loudly rather than oversell silently.
      return context.log.warn({ quoteId: payload.quote_id, poNumber: payload.po_number, status: reservation?.status ?? 'none' }, 'PO for a quote whose stock is not held');
    }
    await repo.lockStock(tx, reservation.lines.map((l) => l.sku));
    await repo.adjust(tx, reservation.lines, 'sell');
    await repo.close(tx, reservation.id, 'sold', payload.po_number);
  });
}

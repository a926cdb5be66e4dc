/** sales/inventory onApprovalRejected: a rejected quote gives its stock back. */
import * as client from '../../../../generated/clients/sales/inventory.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { InventoryRepository } from '../repository.js';

export function onApprovalRejected(kit: ServiceKit<Config>, repo: InventoryRepository): client.InventoryHandlers['onApprovalRejected'] {
  return kit.handle(client.inventoryQueueReceive, async ({ payload }, context, tx) => {
    const reservation = await repo.reservationOf(tx, payload.quote_id, true);
    if (reservation?.status !== 'reserved') return context.log.info({ quoteId: payload.quote_id, status: reservation?.status ?? 'none' }, 'quote rejected: no stock held for it');
    await repo.lockStock(tx, reservation.lines.map((l) => l.sku));
    await repo.adjust(tx, reservation.lines, 'unreserve');
    await repo.close(tx, reservation.id, 'released', 'approval_rejected');
  });
}

/** shop/inventory's message handlers (inventory-service-queue): an order confirms its reservation, the saga releases one. */
import * as client from '../../../generated/clients/shop/inventory.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import type { Stockroom } from './domain.js';
import type { InventoryRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: InventoryRepository, steps: Stockroom): client.InventoryHandlers {
  return {
    onOrderCreated: kit.handle(client.inventoryServiceQueueReceive, async (delivery, context, tx) => {
      const order = delivery.payload;
      const row = await repo.reservationBy(tx, 'id', order.reservationId, true);
      if (!row) throw new Error(`order ${order.orderId} names reservation ${order.reservationId}, which inventory does not know`);
      if (row.status === 'confirmed') return;
      if (row.status === 'released') {
        // The saga gave up (timeout) while the order was being created: the stock went back and
        // may be sold again. Confirm anyway — the order exists — and leave it to people.
        context.log.error({ orderId: order.orderId, reservationId: row.id, releaseReason: row.release_reason }, 'order created for a released reservation: taking the stock again; check for oversell');
        await repo.lockStock(tx, row.lines);
        await repo.takeSold(tx, row.lines, false);
      } else {
        await repo.lockStock(tx, row.lines);
        await repo.takeSold(tx, row.lines, true);
      }
      await repo.markConfirmed(tx, row.id, order.orderId);
      await steps.events(tx).publishStockConfirmed({ reservationId: row.id, checkoutId: row.checkout_id, orderId: order.orderId, lines: row.lines }, { subject: row.checkout_id });
    }),
    onReleaseStock: kit.handle(client.inventoryServiceQueueReceive, async (delivery, context, tx) => {
      const command = delivery.payload;
      const row = command.reservationId
        ? await repo.reservationBy(tx, 'id', command.reservationId, true)
        : await repo.reservationBy(tx, 'checkout_id', command.checkoutId, true);
      if (!row) {
        context.log.info({ checkoutId: command.checkoutId, reservationId: command.reservationId }, 'release.stock: nothing reserved for this checkout');
        return;
      }
      if (row.status === 'confirmed') {
        context.log.warn({ reservationId: row.id, reason: command.reason }, 'release.stock for a reservation already sold: ignored');
        return;
      }
      await steps.release(tx, row, command.reason);
    }),
  };
}

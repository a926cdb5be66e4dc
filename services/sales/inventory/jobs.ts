/** sales/inventory's timer: reservations past their expiry give their stock back. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import type { InventoryRepository } from './repository.js';

export function scheduleJobs(kit: ServiceKit<Config>, repo: InventoryRepository): void {
  const { store, log, config } = kit;
  kit.every(config.EXPIRY_SWEEP_MS, 'reservation expiry sweep', async () => {
    const due = await repo.expired(store);
    for (const quoteId of due) {
      await store.transaction(async (tx) => {
        const row = await repo.reservationOf(tx, quoteId, true);
        if (row?.status !== 'reserved' || new Date(row.expires_at).getTime() >= Date.now()) return;
        await repo.lockStock(tx, row.lines.map((l) => l.sku));
        await repo.adjust(tx, row.lines, 'unreserve');
        await repo.close(tx, row.id, 'expired', 'reservation_expired');
      });
    }
    if (due.length > 0) log.info({ expired: due.length }, 'expired reservations released');
  });
}

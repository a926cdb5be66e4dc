/** shop/inventory's timers: reservations nobody confirmed within RESERVATION_TTL give their stock back. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import type { Stockroom } from './domain.js';
import type { InventoryRepository } from './repository.js';

export function scheduleJobs(kit: ServiceKit<Config>, repo: InventoryRepository, steps: Stockroom): void {
  const { store, log, config } = kit;
  kit.every(config.EXPIRY_SWEEP_MS, 'reservation expiry sweep', async () => {
    const expired = await repo.expiredReservations(store);
    for (const id of expired) {
      await store.transaction(async (tx) => {
        const row = await repo.reservationBy(tx, 'id', id, true);
        if (row && row.status === 'reserved' && new Date(row.expires_at).getTime() < Date.now()) await steps.release(tx, row, 'reservation_expired');
      });
    }
    if (expired.length > 0) log.info({ expired: expired.length }, 'expired reservations released');
  });
}

/** shop/cart's timers: carts idle longer than CART_TTL expire (CartExpired feeds the abandoned-cart email). */
import * as client from '../../../generated/clients/shop/cart.js';
import { durationMs, type ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import type { CartRepository } from './repository.js';

export function scheduleJobs(kit: ServiceKit<Config>, repo: CartRepository): void {
  const { store, log, config } = kit;
  const ttlMs = durationMs(config.CART_TTL)!;
  kit.every(config.EXPIRY_SWEEP_MS, 'cart expiry sweep', async () => {
    const idle = await repo.idleOpenCarts(store, ttlMs);
    for (const id of idle) {
      await store.transaction(async (tx) => {
        const current = await repo.load(tx, id, true);
        if (!current || current.status !== 'open' || Date.parse(current.lastActivityAt) > Date.now() - ttlMs) return;
        await repo.markExpired(tx, id);
        await client.createCartPublisher(kit.publisherIn(tx)).publishCartExpired(
          {
            cartId: id,
            customerId: current.customerId,
            ...(current.contactEmail ? { contactEmail: current.contactEmail } : {}),
            lines: current.lines,
            subtotal: current.subtotal,
            lastActivityAt: current.lastActivityAt,
          },
          { subject: id },
        );
      });
    }
    if (idle.length > 0) log.info({ expired: idle.length }, 'idle carts expired');
  });
}

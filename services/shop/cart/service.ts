/**
 * shop/cart — shopping carts. Adding a line reads the product's current price synchronously
 * (`GET /api/products/sku/{sku}` on the product service, as the seed keeps it); afterwards open
 * carts follow the catalog from events on `cart-service-queue`: ProductPriceChanged reprices
 * lines, ProductDeactivated removes them, OrderCreated empties the ordered cart (CartCleared).
 * Carts idle for CART_TTL (7 days) expire (CartExpired, for the abandoned-cart email).
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/cart.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { scheduleJobs } from './jobs.js';
import { cartRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const cart = defineService<Config>({
  service: client.cartService,
  description: 'Shopping carts: prices read from product when a line is added, then kept in step with the catalog by events.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = cartRepository(kit.db);
    registerRoutes(kit, repo);
    scheduleJobs(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeCart(bus, received) };
  },
});

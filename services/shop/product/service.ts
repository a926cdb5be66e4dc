/**
 * shop/product — the catalog. Reads are synchronous HTTP (the seed: the front end and the cart
 * need the current price now); every change is published through the outbox: ProductCreated,
 * ProductUpdated, ProductPriceChanged (open carts follow it) and ProductDeactivated.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/product.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { productRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const product = defineService<Config>({
  service: client.productService,
  description: 'The product catalog: product queries over HTTP, every change published as an event.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    registerRoutes(kit, productRepository(kit.db));
  },
});

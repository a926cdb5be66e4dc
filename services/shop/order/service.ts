/**
 * shop/order — orders. The checkout saga sends `create.order` once the payment is taken; the
 * order service either creates the (already paid) order and publishes OrderCreated and OrderPaid
 * in one outbox transaction, or refuses with OrderFailed. Deduplicated on the checkout id: one
 * checkout, one order, however often the command is delivered. Refunds against an order are
 * recorded from RefundProcessed; `POST /api/orders/{id}/ship` publishes OrderShipped.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/order.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { orderRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const order = defineService<Config>({
  service: client.orderService,
  description: 'Orders: created from the checkout saga’s create.order command, one per checkout.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = orderRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeOrder(bus, received) };
  },
});

/**
 * shop/checkout — the checkout orchestrator. `POST /api/checkout` reads the cart (cart service),
 * starts the saga (./saga.ts; CheckoutStarted), reserves the stock synchronously (inventory, as
 * the seed keeps it) and feeds the answer to the saga, which then drives payment and order by
 * commands and reacts to their events on `checkout-service-queue`. `GET /api/checkout/{id}` shows
 * where a checkout is. State, timeouts and every message the saga sends live in the checkout's
 * database (outbox), so a crash loses nothing and a restarted process picks the timeouts up.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files"); the saga's own
 * tables are the kit's (kit.sagas), so the service has no repository or migrations of its own.
 */
import * as client from '../../../generated/clients/shop/checkout.js';
import type { Duration, SagaEngine } from '../../../src/durable/index.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { registerRoutes } from './routes.js';
import { checkoutSaga } from './saga.js';

export const checkout = defineService<Config>({
  service: client.checkoutService,
  description: 'The checkout saga: reserve stock, take payment, create the order; compensate on failure.',
  sends: sendsOf(client),
  env,
  setup(kit) {
    // The schema admits only `<n>(ms|s|m|h|d)`, the saga's Duration.
    const engine: SagaEngine = kit.sagas([checkoutSaga(kit.config.CHECKOUT_STEP_TIMEOUT as Duration)]);
    registerRoutes(kit, engine);
    const received = handlers(engine);
    return { subscribe: (bus) => client.subscribeCheckout(bus, received) };
  },
});

/** shop/checkout's message handlers (checkout-service-queue): every event it receives advances the saga. */
import type * as client from '../../../generated/clients/shop/checkout.js';
import type { SagaEngine } from '../../../src/durable/index.js';

export function handlers(engine: SagaEngine): client.CheckoutHandlers {
  const onEvent = engine.handler();
  return { onOrderCreated: onEvent, onOrderFailed: onEvent, onPaymentFailed: onEvent, onPaymentSucceeded: onEvent };
}

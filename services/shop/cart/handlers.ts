/** shop/cart's message handlers (cart-service-queue): open carts follow the catalog and the orders. */
import * as client from '../../../generated/clients/shop/cart.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { normalise } from '../_shared/money.js';
import type { Config } from './config.js';
import type { CartRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: CartRepository): client.CartHandlers {
  return {
    onProductPriceChanged: kit.handle(client.cartServiceQueueReceive, async (delivery, context, tx) => {
      const { sku: changed, newPrice } = delivery.payload;
      const carts = await repo.repriceOpenLines(tx, changed, normalise(newPrice), delivery.envelope.time);
      context.log.info({ sku: changed, carts }, 'open carts repriced');
    }),
    onProductDeactivated: kit.handle(client.cartServiceQueueReceive, async (delivery, context, tx) => {
      const carts = await repo.removeFromOpenCarts(tx, delivery.payload.sku);
      context.log.info({ sku: delivery.payload.sku, carts }, 'deactivated product removed from open carts');
    }),
    onOrderCreated: kit.handle(client.cartServiceQueueReceive, async (delivery, context, tx) => {
      const order = delivery.payload;
      const current = await repo.load(tx, order.cartId, true);
      if (!current) {
        context.log.warn({ cartId: order.cartId, orderId: order.orderId }, 'order names a cart this service does not know');
        return;
      }
      if (current.status === 'ordered') return;
      await repo.removeLines(tx, current.id);
      await repo.markOrdered(tx, current.id, order.orderId);
      await client.createCartPublisher(kit.publisherIn(tx)).publishCartCleared(
        { cartId: current.id, customerId: current.customerId, reason: 'checkout_completed', orderId: order.orderId, checkoutId: order.checkoutId },
        { subject: current.id },
      );
    }),
  };
}

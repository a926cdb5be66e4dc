/**
 * The typed round trip through real generated code: the shop contracts compiled by
 * `eventplane generate` (generated/clients, generated/topology.json) running on the runtime
 * against a broker set up from the generated topology, as least-privilege service users.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cartService, subscribeCart, type CartHandlers } from '../../../generated/clients/shop/cart.js';
import { createOrderPublisher, orderService, publishOrderCreatedSend } from '../../../generated/clients/shop/order.js';
import topologyJson from '../../../generated/topology.json' with { type: 'json' };
import type { Delivery } from '../../../src/runtime/contract.js';
import { InvalidPayloadError } from '../../../src/runtime/errors.js';
import type { TopologyDocument } from '../../../src/topology/types.js';
import type { OrderCreated } from '../../../generated/types/shop.js';
import { applyTestTopology } from '../../support/broker.js';
import { createAmqpBus, type AmqpBus } from '../../../src/runtime/amqp-bus.js';
import { quietLogger, signal } from './support.js';

/** The generated topology, shop system only. */
function shopOnly(topology: TopologyDocument): TopologyDocument {
  const shop = <T extends { vhost: string }>(items: readonly T[]) => items.filter((i) => i.vhost === 'shop');
  return {
    ...topology,
    vhosts: topology.vhosts.filter((v) => v.name === 'shop'),
    exchanges: shop(topology.exchanges),
    queues: shop(topology.queues),
    bindings: shop(topology.bindings),
    policies: shop(topology.policies),
    users: shop(topology.users),
    permissions: shop(topology.permissions),
    topicPermissions: shop(topology.topicPermissions),
  };
}

const order: OrderCreated = {
  orderId: 100234,
  checkoutId: '3f2b8c1e-7d4a-4e6b-9c2f-1a8e5d7b3c90',
  customerId: 'c7e2a9f4-1b3d-4a6c-8e5f-9d2b7a4c1e83',
  cartId: '8a1d4f2c-6b3e-4c7a-9e5d-2f1b8c4a7d60',
  reservationId: '5b9e1c7a-3f2d-4b8e-a6c4-7e1d9f3b5a20',
  paymentId: 'e4a7c2b9-8d1f-4e3a-b5c6-3a9f7e2d1b48',
  lines: [{ sku: 'PROD-123', name: 'Trail running shoe', quantity: 1, unitPrice: { amount: '79.99', currency: 'GBP' }, lineTotal: { amount: '79.99', currency: 'GBP' } }],
  total: { amount: '79.99', currency: 'GBP' },
  recipientName: 'Sam Taylor',
  contactEmail: 'sam.taylor@example.com',
  shippingAddress: { line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' },
};

let env: Awaited<ReturnType<typeof applyTestTopology>>;
const buses: AmqpBus[] = [];

beforeAll(async () => {
  env = await applyTestTopology(shopOnly(topologyJson as TopologyDocument), 'rt-generated');
});
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()));
});

async function busFor(service: typeof orderService) {
  const bus = await createAmqpBus({ urls: [env.serviceUrl(service.id)], service, logger: quietLogger(), sends: service === orderService ? [publishOrderCreatedSend] : [] });
  buses.push(bus);
  return bus;
}

describe('a generated client on the runtime', () => {
  it('publishes with the generated publisher and dispatches to the generated handler interface', async () => {
    const orders = createOrderPublisher(await busFor(orderService));
    const received = signal<Delivery<'OrderCreated', OrderCreated>>();
    const handlers: CartHandlers = {
      onOrderCreated: async (delivery) => received.resolve(delivery),
      onProductDeactivated: async () => {},
      onProductPriceChanged: async () => {},
    };
    const [subscription] = await subscribeCart(await busFor(cartService), handlers);
    expect(subscription!.queue).toBe('cart-service-queue');

    const { messageId } = await orders.publishOrderCreated(order, { correlationId: order.checkoutId, subject: String(order.orderId) });
    const delivery = await received.promise;
    expect(delivery.payload).toEqual(order);
    expect(delivery.payload.total.amount).toBe('79.99'); // typed: T.OrderCreated
    expect(delivery.envelope).toMatchObject({ messageId, type: 'shop.OrderCreated', source: 'shop/order', correlationId: order.checkoutId, subject: '100234', userId: env.applied.users['shop/order']!.username });

    const invalid = await orders.publishOrderCreated({ ...order, contactEmail: 'not an email' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(InvalidPayloadError);
    expect((invalid as InvalidPayloadError).fields.map((f) => f.field)).toContain('contactEmail');
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../src/runtime/contract.js';
import {
  AccessRefusedError,
  InvalidPayloadError,
  MissingTopologyError,
  QueueFullError,
  UnroutableError,
} from '../../../src/runtime/errors.js';
import {
  billingOrders,
  billingService,
  orderPublisher,
  orderSends,
  orderService,
  publishOrderCreated,
  type BillingOrdersDelivery,
  type OrderCreated,
} from '../../fixtures/runtime/shop-contract.js';
import { orderCreated, shopBroker, signal } from './support.js';

let broker: Awaited<ReturnType<typeof shopBroker>>;

beforeAll(async () => {
  broker = await shopBroker('rt-publish');
});
afterEach(async () => {
  await broker.closeBuses();
});
afterAll(async () => {
  await broker?.close();
});

describe('publishing and receiving on a real broker', () => {
  it('round-trips a typed event with its envelope, as least-privilege service users', async () => {
    const orders = await broker.bus(orderService, { sends: orderSends });
    const billing = await broker.bus(billingService);
    const received = signal<BillingOrdersDelivery>();
    const subscription = await billing.subscribe(billingOrders, async (delivery) => {
      received.resolve(delivery);
    });
    const payload = orderCreated({ note: 'gift wrap' });
    const receipt = await orderPublisher(orders).orderCreated(payload, { subject: payload.orderId, tenantId: 'tenant-7', correlationId: 'checkout-1' });

    const delivery = await received.promise;
    expect(delivery.name).toBe('OrderCreated');
    if (delivery.name !== 'OrderCreated') throw new Error('unreachable');
    const typed: OrderCreated = delivery.payload; // narrowed by the message name
    expect(typed).toEqual(payload);
    expect(delivery.attempt).toBe(1);
    expect(delivery.envelope).toMatchObject({
      messageId: receipt.messageId,
      type: 'shop.OrderCreated',
      source: 'shop/order',
      dataVersion: '1.2.0',
      correlationId: 'checkout-1',
      tenantId: 'tenant-7',
      subject: payload.orderId,
      userId: broker.applied.users['shop/order']!.username,
      exchange: 'shop.events',
      routingKey: 'shop.order.created',
    });
    expect(Date.now() - Date.parse(delivery.envelope.time)).toBeLessThan(60_000);
    await subscription.cancel();

    const published = await orders.metrics.getSingleMetricAsString('eventplane_publish_confirmed_total');
    expect(published).toContain('eventplane_publish_confirmed_total{type="shop.OrderCreated"} 1');
    await expect.poll(() => billing.metrics.getSingleMetricAsString('eventplane_handled_total')).toContain(
      'eventplane_handled_total{queue="billing.orders",type="shop.OrderCreated"} 1',
    );
    expect(billing.health()).toMatchObject({ ok: true, connection: 'connected', consumers: [] });
  });

  it('writes the envelope on AMQP properties and ce-* headers, persistent, with the connection user', async () => {
    const orders = await broker.bus(orderService);
    const payload = orderCreated();
    const { messageId } = await orders.publish(publishOrderCreated, payload, { subject: payload.orderId });
    const [message] = await broker.drain('billing.orders');
    expect(message).toBeDefined();
    const { properties } = message!;
    expect(properties).toMatchObject({
      messageId,
      type: 'shop.OrderCreated',
      appId: 'shop/order',
      contentType: 'application/json',
      correlationId: messageId, // a new chain starts with its own id
      userId: broker.applied.users['shop/order']!.username,
      deliveryMode: 2,
    });
    expect(Math.abs(properties.timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(properties.headers).toMatchObject({
      'ce-dataversion': '1.2.0',
      'ce-subject': payload.orderId,
    });
    // Attributes AMQP carries as properties are not repeated as headers.
    for (const duplicate of ['ce-id', 'ce-type', 'ce-source', 'ce-correlationid', 'ce-specversion']) {
      expect(properties.headers).not.toHaveProperty(duplicate);
    }
    expect(properties.headers!['ce-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(JSON.parse(message!.content.toString())).toEqual(payload);
  });

  it('refuses an invalid payload before publishing, naming the fields', async () => {
    const orders = await broker.bus(orderService);
    const bad = { ...orderCreated(), currency: 'XYZ', lines: [{ sku: 'A', quantity: 0, price: 1 }], extra: true } as unknown as OrderCreated;
    const error = await orders.publish(publishOrderCreated, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPayloadError);
    const fields = (error as InvalidPayloadError).fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['currency', 'lines/0/quantity', 'extra']));
    expect((error as Error).message).toMatch(/shop\.OrderCreated payload is invalid: .*currency must be one of "EUR", "GBP", "USD"/);
    // Nothing reached the queue: only the valid message published after it is there.
    const { messageId } = await orders.publish(publishOrderCreated, orderCreated());
    const messages = await broker.drain('billing.orders');
    expect(messages.map((m) => m.properties.messageId)).toEqual([messageId]);
  });

  it('rejects an unroutable publish with UnroutableError', async () => {
    const orders = await broker.bus(orderService);
    const error = await orderPublisher(orders)
      .orderShipped({ orderId: 'o-1', trackingNumber: 'T-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnroutableError);
    expect((error as UnroutableError).destination).toMatchObject({ exchange: 'shop.events', routingKey: 'shop.order.shipped' });
    expect((error as UnroutableError).replyCode).toBe(312);
    // The channel survives: the next publish is confirmed.
    await expect(orders.publish(publishOrderCreated, orderCreated())).resolves.toHaveProperty('messageId');
    await broker.drain('billing.orders');
  });

  it('rejects publishing to a full reject-publish queue with QueueFullError', async () => {
    const orders = await broker.bus(orderService);
    const publisher = orderPublisher(orders);
    const outcomes: unknown[] = [];
    for (let i = 0; i < 20 && !outcomes.some((o) => o instanceof QueueFullError); i++) {
      outcomes.push(await publisher.orderArchived({ orderId: `o-${i}` }).catch((e: unknown) => e));
    }
    const full = outcomes.find((o) => o instanceof QueueFullError) as QueueFullError | undefined;
    expect(full, `outcomes: ${outcomes.map(String).join(', ')}`).toBeInstanceOf(QueueFullError);
    expect(full!.destination.routingKey).toBe('shop.order.archived');
    expect(await broker.queueDepth('audit.archive')).toBeLessThanOrEqual(3);
    await broker.drain('audit.archive');
    await expect(publisher.orderArchived({ orderId: 'after-drain' })).resolves.toHaveProperty('messageId');
    await broker.drain('audit.archive');
  });

  it('copies correlation, tenant and causation into publishes made inside a handler', async () => {
    const orders = await broker.bus(orderService);
    const billing = await broker.bus(billingService);
    const got = signal<Envelope>();
    const subscription = await billing.subscribe(billingOrders, async (delivery) => {
      if (delivery.name === 'OrderCreated') {
        // No causedBy: inherited from the delivery being handled (AsyncLocalStorage).
        await orderPublisher(orders).orderCancelled({ orderId: delivery.payload.orderId, reason: 'test' });
      } else got.resolve(delivery.envelope);
    });
    const first = await orderPublisher(orders).orderCreated(orderCreated(), { correlationId: 'corr-9', tenantId: 't-9' });
    const second = await got.promise;
    expect(second).toMatchObject({ correlationId: 'corr-9', tenantId: 't-9', causationId: first.messageId });
    await subscription.cancel();

    // Outside a handler, causedBy does the same explicitly.
    const explicit = await orders.publish(publishOrderCreated, orderCreated(), { causedBy: second });
    const [message] = await broker.drain('billing.orders');
    expect(message!.properties.messageId).toBe(explicit.messageId);
    expect(message!.properties.correlationId).toBe('corr-9');
    expect(message!.properties.headers).toMatchObject({ 'ce-causationid': second.messageId, 'ce-tenantid': 't-9' });
  });

  it('survives a channel error: a publish the broker refuses fails alone, the bus keeps working', async () => {
    const orders = await broker.bus(orderService);
    // shop-order may only write its own routing keys on shop.events (topic permission).
    const forbidden = { ...publishOrderCreated, routingKey: 'shop.payment.succeeded' };
    const error = await orders.publish(forbidden, orderCreated()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessRefusedError);
    expect((error as Error).message).toMatch(/ACCESS_REFUSED - access to topic 'shop.payment.succeeded' in exchange 'shop.events'/);
    await expect(orders.publish(publishOrderCreated, orderCreated())).resolves.toHaveProperty('messageId');
    expect(orders.health()).toMatchObject({ ok: true, connection: 'connected' });
    await broker.drain('billing.orders');
  });

  it('names its connection after the service and negotiates heartbeats', async () => {
    await broker.bus(orderService, { heartbeatSeconds: 7 });
    const [connection] = await broker.connectionsOf(1);
    expect(connection!.client_properties).toMatchObject({ connection_name: 'shop/order' });
    expect((connection as unknown as { timeout: number }).timeout).toBe(7);
    expect(connection!.user).toBe(broker.applied.users['shop/order']!.username);
  });

  it('fails at start-up naming the objects the broker lacks (it never declares them)', async () => {
    const missingSend = { ...publishOrderCreated, exchange: 'shop.nowhere' };
    const error = await broker.bus(orderService, { sends: [missingSend] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingTopologyError);
    expect((error as Error).message).toContain('exchange "shop.nowhere" (publish shop.OrderCreated)');

    const billing = await broker.bus(billingService);
    const missingQueue = { ...billingOrders, queue: 'billing.gone', retry: { ...billingOrders.retry, queues: ['billing.gone.retry.1'] } };
    const subscribeError = await billing.subscribe(missingQueue, async () => {}).catch((e: unknown) => e);
    expect(subscribeError).toBeInstanceOf(MissingTopologyError);
    expect((subscribeError as MissingTopologyError).missing.map((m) => m.name)).toEqual(['billing.gone', 'billing.gone.retry.1']);
    expect(billing.health().ok).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { simulateRouting } from '../../../src/check/routing/simulate.js';
import { buildModel, buildTopology } from './support/model-builder.js';

const rules = (report: ReturnType<typeof simulateRouting>) => report.findings.map((f) => `${f.rule} ${f.subject}`).sort();

describe('routing simulation', () => {
  const shop = buildModel('shop', {
    order: {
      sends: {
        orderCreated: { address: 'shop.order.created', exchange: 'shop.events', messages: { OrderCreated: '1.0.0' } },
        orderCancelled: { address: 'shop.order.cancelled', exchange: 'shop.events', messages: { OrderCancelled: '1.0.0' } },
      },
    },
    billing: { receives: { onOrderCreated: { channel: 'order#orderCreated', messages: ['OrderCreated'], queue: 'billing.orders' } } },
    mail: {
      sends: { sendEmail: { address: 'send.email', exchange: 'shop.commands', exchangeType: 'direct', messages: { SendEmail: '1.0.0' } } },
      receives: { onSendEmail: { channel: 'mail#sendEmail', messages: ['SendEmail'], queue: 'mail.send-email' } },
    },
  });

  it('lists, for every send, the queues that receive it', () => {
    const report = simulateRouting(shop, buildTopology(shop));
    expect(report.routes.map((r) => [r.send, r.queues.map((q) => q.queue)])).toEqual([
      ['shop/mail#publishSendEmail', ['mail.send-email']],
      ['shop/order#publishOrderCancelled', []],
      ['shop/order#publishOrderCreated', ['billing.orders']],
    ]);
  });

  it('flags a send nobody receives', () => {
    const report = simulateRouting(shop, buildTopology(shop));
    expect(rules(report)).toEqual(['unroutable-send shop/order#publishOrderCancelled']);
    expect(report.findings[0]!.location).toEqual(shop.systems[0]!.operations.find((o) => o.id === 'shop/order#publishOrderCancelled')!.location);
  });

  it('uses topic wildcard semantics and flags the messages a queue has no handler for', () => {
    const topology = buildTopology(shop, [{ vhost: 'shop', source: 'shop.events', destination: 'billing.orders', routingKey: 'shop.order.*' }]);
    const report = simulateRouting(shop, topology);
    const cancelled = report.routes.find((r) => r.send === 'shop/order#publishOrderCancelled')!;
    expect(cancelled.queues).toEqual([{ queue: 'billing.orders', service: 'shop/billing', bindingKeys: ['shop.order.*'] }]);
    expect(rules(report)).toEqual(['shadowed-binding shop/billing.orders', 'unexpected-delivery shop/billing.orders']);
    expect(report.findings.find((f) => f.rule === 'shadowed-binding')!.message).toContain('shop.order.created on shop.events is shadowed by shop.order.*');
  });

  it('uses exact equality on direct exchanges', () => {
    const topology = buildTopology(shop, [{ vhost: 'shop', source: 'shop.commands', destination: 'mail.send-email', routingKey: 'send.*' }]);
    const report = simulateRouting(shop, topology);
    expect(report.routes.find((r) => r.send === 'shop/mail#publishSendEmail')!.queues[0]!.bindingKeys).toEqual(['send.email']);
  });

  it('flags queues nobody sends to and consumers of a version nobody produces', () => {
    const model = buildModel('shop', {
      order: {
        sends: {
          orderCreated: { address: 'shop.order.created', exchange: 'shop.events', messages: { OrderCreated: '1.3.0' }, sent: false },
          orderCreatedV2: { address: 'shop.order.created.v2', exchange: 'shop.events', messages: { OrderCreatedV2: '2.0.0' } },
        },
      },
      billing: { receives: { onOrderCreated: { channel: 'order#orderCreated', messages: ['OrderCreated'], queue: 'billing.orders' } } },
      audit: { receives: { onOrderCreatedV2: { channel: 'order#orderCreatedV2', messages: ['OrderCreatedV2'] } } },
    });
    const report = simulateRouting(model, buildTopology(model));
    expect(rules(report)).toEqual(['unfed-queue shop/billing.orders', 'unproduced-message shop/billing#onOrderCreated']);
    const unproduced = report.findings.find((f) => f.rule === 'unproduced-message')!;
    expect(unproduced.message).toContain('consumes shop/OrderCreated 1.3.0 but no service sends it (OrderCreatedV2 2.0.0 is sent instead');
  });

  it('flags two queues of one service whose patterns overlap', () => {
    const model = buildModel('shop', {
      order: { sends: { orderCreated: { address: 'shop.order.created', exchange: 'shop.events', messages: { OrderCreated: '1.0.0' } } } },
      audit: {
        receives: {
          onOrders: { channel: 'order#orderCreated', messages: ['OrderCreated'], queue: 'audit.orders' },
          onCreated: { channel: 'order#orderCreated', messages: ['OrderCreated'], queue: 'audit.created' },
        },
      },
    });
    const topology = buildTopology(model, [
      { vhost: 'shop', source: 'shop.events', destination: 'audit.orders', routingKey: 'shop.order.#' },
      { vhost: 'shop', source: 'shop.events', destination: 'audit.created', routingKey: '*.*.created' },
    ]);
    const report = simulateRouting(model, topology);
    expect(rules(report)).toContain('duplicate-delivery shop/order#publishOrderCreated');
    expect(rules(report)).toContain('overlapping-bindings shop/audit.created');
  });

  it('follows exchange-to-exchange bindings', () => {
    const model = buildModel('shop', {
      order: { sends: { orderCreated: { address: 'shop.order.created', exchange: 'shop.events', messages: { OrderCreated: '1.0.0' } } } },
      audit: { receives: { onCreated: { channel: 'order#orderCreated', messages: ['OrderCreated'], queue: 'audit.all' } } },
    });
    const topology = buildTopology(model);
    const rerouted = {
      ...topology,
      exchanges: [...topology.exchanges, { vhost: 'shop', name: 'shop.audit', type: 'fanout' as const, durable: true as const, autoDelete: false as const, internal: false as const, role: 'events' as const }],
      bindings: [
        { vhost: 'shop', source: 'shop.events', destination: 'shop.audit', destinationType: 'exchange' as const, routingKey: '#', arguments: {} },
        { vhost: 'shop', source: 'shop.audit', destination: 'audit.all', destinationType: 'queue' as const, routingKey: '', arguments: {} },
      ],
    };
    const report = simulateRouting(model, rerouted);
    expect(report.routes[0]!.queues.map((q) => q.queue)).toEqual(['audit.all']);
  });
});

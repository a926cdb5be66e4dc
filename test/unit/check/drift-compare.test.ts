import { describe, expect, it } from 'vitest';
import { compareDefinitions, type BrokerDefinitions } from '../../../src/check/drift/compare-definitions.js';
import type { TopologyDocument } from '../../../src/topology/types.js';

const topology: TopologyDocument = {
  formatVersion: 1,
  vhosts: [{ name: 'shop', system: 'shop' }],
  exchanges: [{ vhost: 'shop', name: 'shop.events', type: 'topic', durable: true, autoDelete: false, internal: false, role: 'events' }],
  queues: [
    {
      vhost: 'shop',
      name: 'billing.orders',
      type: 'quorum',
      durable: true,
      autoDelete: false,
      arguments: { 'x-queue-type': 'quorum' },
      role: 'consumer',
      service: 'shop/billing',
      operations: ['shop/billing#onOrderCreated'],
      alerts: {},
    },
  ],
  bindings: [{ vhost: 'shop', source: 'shop.events', destination: 'billing.orders', destinationType: 'queue', routingKey: 'shop.order.created', arguments: {} }],
  policies: [{ vhost: 'shop', name: 'ep.billing.orders', pattern: '^billing\\.orders$', applyTo: 'queues', priority: 10, definition: { 'delivery-limit': 10 } }],
  users: [{ name: 'shop-billing', service: 'shop/billing', vhost: 'shop', tags: [] }],
  permissions: [{ user: 'shop-billing', vhost: 'shop', configure: '^$', write: '^billing\\.retry$', read: '^billing\\.orders$' }],
  topicPermissions: [{ user: 'shop-billing', vhost: 'shop', exchange: 'shop.events', write: '^$', read: '.*' }],
};

/** BrokerDefinitions with every list present and writable, for tests that edit it. */
type Live = { -readonly [K in keyof BrokerDefinitions]-?: Array<NonNullable<BrokerDefinitions[K]>[number]> };

/** What a broker that matches the topology (applied under namespace `t-`) exports. */
function liveMatching(): Live {
  return {
    vhosts: [{ name: '/' }, { name: 't-shop' }],
    users: [
      { name: 'admin', tags: ['administrator'] },
      { name: 't-shop-billing', tags: [] },
    ],
    permissions: [
      { user: 'admin', vhost: 't-shop', configure: '.*', write: '.*', read: '.*' },
      { user: 't-shop-billing', vhost: 't-shop', configure: '^$', write: '^billing\\.retry$', read: '^billing\\.orders$' },
    ],
    topic_permissions: [{ user: 't-shop-billing', vhost: 't-shop', exchange: 'shop.events', write: '^$', read: '.*' }],
    policies: [{ vhost: 't-shop', name: 'ep.billing.orders', pattern: '^billing\\.orders$', 'apply-to': 'queues', priority: 10, definition: { 'delivery-limit': 10 } }],
    exchanges: [
      { vhost: 't-shop', name: 'shop.events', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} },
      { vhost: 't-shop', name: 'amq.topic', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} },
    ],
    queues: [
      { vhost: 't-shop', name: 'billing.orders', durable: true, auto_delete: false, arguments: { 'x-queue-type': 'quorum' } },
      { vhost: 'other', name: 'unrelated', durable: true, auto_delete: false, arguments: {} },
    ],
    bindings: [
      { vhost: 't-shop', source: 'shop.events', destination: 'billing.orders', destination_type: 'queue', routing_key: 'shop.order.created', arguments: {} },
    ],
  };
}

const check = (live: BrokerDefinitions) =>
  compareDefinitions(topology, live, { namespace: 't-', ignoreUsers: ['admin'] })
    .map((f) => `${f.rule} ${f.subject}`)
    .sort();

describe('compareDefinitions', () => {
  it('finds no drift when the broker matches, ignoring amq.* exchanges, other vhosts and the admin', () => {
    expect(check(liveMatching())).toEqual([]);
  });

  it('reports missing, extra and different objects', () => {
    const live = liveMatching();
    live.queues = [];
    live.bindings = [];
    live.exchanges.push({ vhost: 't-shop', name: 'rogue', type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} });
    live.policies = [{ ...live.policies[0]!, definition: { 'delivery-limit': 3 } }];
    live.permissions = [live.permissions[0]!, { ...live.permissions[1]!, write: '.*' }];
    live.topic_permissions = [];
    expect(check(live)).toEqual([
      'drift-different permission t-shop/t-shop-billing',
      'drift-different policy t-shop/ep.billing.orders',
      'drift-extra exchange t-shop/rogue',
      'drift-missing binding t-shop/shop.events → queue billing.orders [shop.order.created]',
      'drift-missing queue t-shop/billing.orders',
      'drift-missing topic-permission t-shop/t-shop-billing on shop.events',
    ]);
  });

  it('says what differs, without the rest of the object', () => {
    const live = liveMatching();
    live.queues = [{ vhost: 't-shop', name: 'billing.orders', durable: true, auto_delete: false, arguments: { 'x-queue-type': 'classic' } }];
    const [finding] = compareDefinitions(topology, live, { namespace: 't-', ignoreUsers: ['admin'] });
    expect(finding).toMatchObject({
      rule: 'drift-different',
      severity: 'error',
      expected: { arguments: { 'x-queue-type': 'quorum' } },
      actual: { arguments: { 'x-queue-type': 'classic' } },
    });
    expect(finding!.message).toContain('arguments: expected {"x-queue-type":"quorum"}, found {"x-queue-type":"classic"}');
  });

  it('reports a user with permissions in the vhost that the topology does not declare, but not the admin', () => {
    const live = liveMatching();
    live.users.push({ name: 'intruder', tags: '' });
    live.permissions.push({ user: 'intruder', vhost: 't-shop', configure: '.*', write: '.*', read: '.*' });
    expect(check(live)).toEqual(['drift-extra permission t-shop/intruder', 'drift-extra user intruder']);
  });

  it('reports a missing vhost once instead of every object in it', () => {
    const live = liveMatching();
    live.vhosts = [{ name: '/' }];
    expect(check(live)).toEqual(['drift-missing vhost t-shop']);
  });

  it('points drifted objects at the contract line through the locator', () => {
    const live = liveMatching();
    live.queues = [];
    const located = compareDefinitions(topology, live, {
      namespace: 't-',
      ignoreUsers: ['admin'],
      locate: (hint) => (hint.queue === 'billing.orders' ? { file: 'asyncapi/shop/billing.yaml', line: 12, column: 3 } : undefined),
    });
    expect(located.find((f) => f.subject === 'queue t-shop/billing.orders')!.location).toEqual({ file: 'asyncapi/shop/billing.yaml', line: 12, column: 3 });
  });
});

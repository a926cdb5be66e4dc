/** The topology document built from test/fixtures/specs/valid, object by object (docs/CONTRACTS.md). */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { emitAll, loadContracts } from '../../../src/compiler/index.js';
import { buildTopology, oneOf } from '../../../src/compiler/emit/topology.js';
import type { TopologyDocument } from '../../../src/topology/types.js';
import { fixtures } from './support.js';

let topology: TopologyDocument;
let files: Map<string, string>;

beforeAll(async () => {
  const { model } = await loadContracts('.', { cwd: join(fixtures, 'valid') });
  topology = buildTopology(model!);
  files = await emitAll(model!);
}, 120_000);

const queue = (name: string) => topology.queues.find((q) => q.name === name);
const policy = (name: string) => topology.policies.find((p) => p.name === name)?.definition;

describe('topology', () => {
  it('is the document generated/topology.json holds, with a vhost per system', () => {
    expect(JSON.parse(files.get('topology.json')!)).toEqual(topology);
    expect(topology.formatVersion).toBe(1);
    expect(topology.vhosts).toEqual([{ name: 'shop', system: 'shop' }]);
  });

  it('declares the channels\' exchanges and, per consuming service, a retry exchange and a DLX', () => {
    expect(topology.exchanges.map((e) => [e.name, e.type, e.role, e.service ?? null])).toEqual([
      ['email.dlx', 'direct', 'dead-letter', 'shop/email'],
      ['email.retry', 'direct', 'retry', 'shop/email'],
      ['order.dlx', 'direct', 'dead-letter', 'shop/order'],
      ['order.retry', 'direct', 'retry', 'shop/order'],
      ['payment.dlx', 'direct', 'dead-letter', 'shop/payment'],
      ['payment.retry', 'direct', 'retry', 'shop/payment'],
      ['shop.commands', 'direct', 'commands', null],
      ['shop.events', 'topic', 'events', null],
    ]);
    expect(topology.exchanges.every((e) => e.durable && !e.autoDelete && !e.internal && e.vhost === 'shop')).toBe(true);
  });

  it('makes one quorum queue per x-queue group with only x-queue-type as argument', () => {
    expect(queue('order.payments')).toMatchObject({
      type: 'quorum',
      arguments: { 'x-queue-type': 'quorum' },
      role: 'consumer',
      service: 'shop/order',
      operations: ['shop/order#onPaymentFailed', 'shop/order#onPaymentSucceeded'],
      retryQueues: ['order.payments.retry.1', 'order.payments.retry.2', 'order.payments.retry.3'],
      deadLetterQueue: 'order.payments.dlq',
      alerts: { depth: 1000, requireConsumer: true },
    });
    expect(topology.queues.filter((q) => q.role === 'consumer').map((q) => q.name)).toEqual(['email.send', 'order.payments', 'payment.shop.order.created']);
  });

  it('binds each received channel by its address, and the retry ladder and DLQ by queue name', () => {
    const bindings = topology.bindings.filter((b) => b.destination.startsWith('order.payments')).map((b) => `${b.source} -[${b.routingKey}]-> ${b.destination}`);
    expect(bindings).toEqual([
      'order.dlx -[order.payments]-> order.payments.dlq',
      'order.retry -[order.payments]-> order.payments',
      'order.retry -[order.payments.retry.1]-> order.payments.retry.1',
      'order.retry -[order.payments.retry.2]-> order.payments.retry.2',
      'order.retry -[order.payments.retry.3]-> order.payments.retry.3',
      'shop.events -[shop.payment.failed]-> order.payments',
      'shop.events -[shop.payment.succeeded]-> order.payments',
    ]);
    expect(topology.bindings.find((b) => b.destination === 'email.send' && b.source === 'shop.commands')?.routingKey).toBe('send.email');
  });

  it('puts dead-lettering and limits in one merged policy per queue', () => {
    expect(topology.policies.find((p) => p.name === 'ep.order.payments')).toEqual({
      vhost: 'shop',
      name: 'ep.order.payments',
      pattern: '^order\\.payments$',
      applyTo: 'queues',
      priority: 10,
      definition: {
        'dead-letter-exchange': 'order.dlx',
        'dead-letter-routing-key': 'order.payments',
        'dead-letter-strategy': 'at-least-once',
        'delivery-limit': 10,
        'max-length': 100_000,
        overflow: 'reject-publish',
      },
    });
    expect(policy('ep.order.payments.retry.2')).toEqual({
      'dead-letter-exchange': 'order.retry',
      'dead-letter-routing-key': 'order.payments',
      'dead-letter-strategy': 'at-least-once',
      'max-length': 100_000,
      'message-ttl': 10954,
      overflow: 'reject-publish',
    });
    expect(queue('order.payments.retry.2')).toMatchObject({ role: 'retry', delayMs: 10954, returnsTo: 'order.payments', parentQueue: 'order.payments' });
    expect(policy('ep.email.send')).toMatchObject({ 'message-ttl': 3_600_000 });
    expect(policy('ep.payment.orders.dead')).toEqual({ 'delivery-limit': 1_000_000, 'max-length': 1_000_000, overflow: 'reject-publish' });
    expect(queue('payment.orders.dead')).toMatchObject({ role: 'dead-letter', parentQueue: 'payment.shop.order.created', alerts: { deadLetterWarn: 5, deadLetterPage: 50 } });
    expect(topology.policies).toHaveLength(topology.queues.length);
  });

  it('gives each service one user with least-privilege permissions', () => {
    expect(topology.users.map((u) => u.name)).toEqual(['shop-email', 'shop-order', 'shop-payment']);
    expect(topology.permissions.find((p) => p.user === 'shop-order')).toEqual({
      user: 'shop-order',
      vhost: 'shop',
      configure: '^$',
      write: '^(?:order\\.dlx|order\\.retry|shop\\.commands|shop\\.events)$',
      read: '^order\\.payments$',
    });
    expect(topology.permissions.find((p) => p.user === 'shop-email')).toMatchObject({ write: '^(?:email\\.dlx|email\\.retry)$', read: '^email\\.send$' });
    expect(topology.topicPermissions).toEqual([
      { user: 'shop-order', vhost: 'shop', exchange: 'shop.events', write: '^shop\\.order\\.created$', read: '^$' },
      { user: 'shop-payment', vhost: 'shop', exchange: 'shop.events', write: '^(?:shop\\.payment\\.failed|shop\\.payment\\.succeeded)$', read: '^$' },
    ]);
  });

  it('anchors and escapes every pattern', () => {
    expect(oneOf([])).toBe('^$');
    expect(oneOf(['a.b'])).toBe('^a\\.b$');
    expect(new RegExp(oneOf(['a.b', 'c+d'])).test('a.b')).toBe(true);
    expect(new RegExp(oneOf(['a.b', 'c+d'])).test('axb')).toBe(false);
    expect(new RegExp(oneOf(['a.b', 'c+d'])).test('c+d')).toBe(true);
  });

  it('renders RabbitMQ definitions per system', () => {
    const definitions = JSON.parse(files.get('rabbitmq/shop.definitions.json')!);
    expect(definitions.queues).toHaveLength(topology.queues.length);
    expect(definitions.policies[0]).toHaveProperty('apply-to', 'queues');
  });
});

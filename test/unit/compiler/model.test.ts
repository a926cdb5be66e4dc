/** The contract model built from test/fixtures/specs/valid: links, defaults, schemas, locations. */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContracts, type ContractModel } from '../../../src/compiler/index.js';
import type { SystemModel } from '../../../src/compiler/model.js';
import { fixtures } from './support.js';

const dir = join(fixtures, 'valid');
let model: ContractModel;
let shop: SystemModel;

beforeAll(async () => {
  const result = await loadContracts('.', { cwd: dir });
  expect(result.diagnostics).toEqual([]);
  model = result.model!;
  shop = model.systems[0]!;
}, 120_000);

const op = (id: string) => shop.operations.find((o) => o.id === id)!;

describe('contract model', () => {
  it('has one system per directory and one service per document, sorted by id', () => {
    expect(model.specDir).toBe('.');
    expect(model.systems.map((s) => [s.name, s.vhost])).toEqual([['shop', 'shop']]);
    expect(shop.services.map((s) => s.id)).toEqual(['shop/email', 'shop/order', 'shop/payment']);
    const order = shop.services.find((s) => s.name === 'order')!;
    expect(order).toMatchObject({ owner: 'team-orders', version: '1.2.0', brokerUser: 'shop-order', file: 'shop/order.yaml', description: 'Takes orders.' });
    expect(order.sends).toEqual(['shop/order#publishOrderCreated', 'shop/order#requestEmail']);
    expect(order.receives).toEqual(['shop/order#onPaymentFailed', 'shop/order#onPaymentSucceeded']);
  });

  it('traces a receive through the consumer\'s $ref to the producer\'s channel', () => {
    expect(op('shop/order#onPaymentSucceeded')).toMatchObject({ action: 'receive', channel: 'shop/payment#paymentSucceeded', messages: ['shop/PaymentSucceeded'] });
    expect(op('shop/email#sendEmail')).toMatchObject({ channel: 'shop/order#sendEmail', messages: ['shop/SendEmail'] });
    const channel = shop.channels.find((c) => c.id === 'shop/payment#paymentSucceeded')!;
    expect(channel).toMatchObject({ owner: 'shop/payment', address: 'shop.payment.succeeded', exchange: 'shop.events', exchangeType: 'topic' });
    expect(channel.location).toEqual({ file: 'shop/payment.yaml', line: 7, column: 3 });
  });

  it('applies defaults and the contract\'s x-queue, x-retry and x-dead-letter', () => {
    const paid = op('shop/order#onPaymentSucceeded');
    expect(paid.queue).toMatchObject({ name: 'order.payments', type: 'quorum', deliveryLimit: 10, prefetch: 50 });
    expect(paid.retry).toMatchObject({ retries: 3, initialDelayMs: 2000, maxDelayMs: 60_000, delaysMs: [2000, 10954, 60_000] });
    expect(op('shop/order#onPaymentFailed').queue?.name).toBe('order.payments');
    const created = op('shop/payment#onOrderCreated');
    expect(created.queue?.name).toBe('payment.shop.order.created');
    expect(created.deadLetter).toEqual({ queue: 'payment.orders.dead', maxLength: 1_000_000, warnAt: 5, pageAt: 50 });
    expect(created.retry?.delaysMs).toEqual([1000, 4162, 17321, 72084, 300_000]);
    expect(op('shop/email#sendEmail').queue).toMatchObject({ name: 'email.send', messageTtlMs: 3_600_000, prefetch: 5, concurrency: 2 });
    expect(op('shop/email#sendEmail').retry?.delaysMs).toEqual([]);
    expect(op('shop/order#publishOrderCreated').queue).toBeUndefined();
  });

  it('makes payload schemas self-contained, naming the components they came from', () => {
    const created = shop.messages.find((m) => m.name === 'OrderCreated')!;
    expect(created).toMatchObject({ id: 'shop/OrderCreated', type: 'shop.OrderCreated', version: '1.1.0', channel: 'shop/order#orderCreated', owner: 'shop/order' });
    expect(JSON.stringify(created.payload)).not.toContain('$ref');
    expect((created.payload as { properties: { total: unknown } }).properties.total).toMatchObject({ 'x-ep-name': 'Money', required: ['amount', 'currency'] });
    expect(created.examples[0]).toMatchObject({ name: 'two-lines' });
    const email = shop.messages.find((m) => m.name === 'SendEmail')!;
    expect(email.headers).toMatchObject({ type: 'object', properties: { 'x-priority': { enum: ['low', 'high'] } } });
    expect(shop.messages.find((m) => m.name === 'PaymentSucceeded')!.version).toBe('1.0.0');
  });

  it('takes the envelope from the shared trait', () => {
    expect(model.envelope.location?.file).toBe('_shared/envelope.yaml');
    expect(model.envelope.headers).toMatchObject({ required: ['ce-time', 'ce-dataversion'] });
  });

  it('lists exchanges with the channels routed through them', () => {
    expect(shop.exchanges).toEqual([
      { vhost: 'shop', name: 'shop.commands', type: 'direct', durable: true, autoDelete: false, channels: ['shop/order#sendEmail'] },
      {
        vhost: 'shop',
        name: 'shop.events',
        type: 'topic',
        durable: true,
        autoDelete: false,
        channels: ['shop/order#orderCreated', 'shop/payment#paymentFailed', 'shop/payment#paymentSucceeded'],
      },
    ]);
  });

  it('keeps recursive schemas as local $defs', async () => {
    const foreign = await loadContracts('.', { cwd: join(fixtures, 'foreign') });
    const created = foreign.model!.systems[0]!.messages.find((m) => m.name === 'ListingCreated')!;
    const payload = created.payload as { properties: { category: unknown }; $defs: Record<string, { properties: { children: unknown } }> };
    expect(payload.properties.category).toEqual({ $ref: '#/$defs/Category' });
    expect(payload.$defs.Category!.properties.children).toEqual({ type: 'array', items: { $ref: '#/$defs/Category' } });
    expect(JSON.stringify(payload)).not.toMatch(/"\$ref":"(?!#)/);
  }, 120_000);
});

import amqp from 'amqplib';
/**
 * Hostile input at a consumer, on a real broker: whatever lands in the queue — random bytes,
 * wrong content types and encodings, missing or forged envelope headers, foreign versions,
 * oversize bodies — is dead-lettered with its reason in `x-ep-reason`, never handed to the
 * handler, and the consumer keeps consuming. Forged eventplane headers on a message that did not
 * come through the consumer's own retry exchange are not trusted.
 *
 * Every hostile message carries `x-case` so its dead letter can be matched to it.
 */
import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BILLING_RETRY_DELAYS_MS, billingOrders, billingService, orderPublisher, orderService } from '../../fixtures/runtime/shop-contract.js';
import { orderCreated, shopBroker, signal, until } from '../runtime/support.js';
import { random } from './spec-fuzzer.js';

let broker: Awaited<ReturnType<typeof shopBroker>>;
beforeAll(async () => {
  broker = await shopBroker('hostile');
});
afterEach(async () => {
  await broker.closeBuses();
  await broker.drain('billing.orders.dlq');
});
afterAll(async () => {
  await broker?.close();
});

interface HostileCase {
  readonly name: string;
  readonly body: Buffer;
  readonly properties: Record<string, unknown>;
  /** Reasons the dead letter may carry (random bytes can fail in more than one way). */
  readonly reasons: readonly string[];
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const envelope = (headers: Record<string, unknown> = {}) => ({
  messageId: randomUUID(),
  type: 'shop.OrderCreated',
  contentType: 'application/json',
  persistent: true,
  headers: { 'ce-specversion': '1.0', 'ce-dataversion': '1.2.0', ...headers },
});
const MiB = 1024 * 1024;

function hostileCases(): HostileCase[] {
  const rng = random(20260302);
  const cases: HostileCase[] = [];
  const contentTypes = [undefined, 'application/json', 'text/plain', 'application/octet-stream', 'application/xml', 'APPLICATION/JSON', 'application/json-seq', ''];
  for (let i = 0; i < 120; i++) {
    const length = 1 + Math.floor(rng() * 2048);
    const body = Buffer.from(Array.from({ length }, () => Math.floor(rng() * 256)));
    const contentType = contentTypes[Math.floor(rng() * contentTypes.length)];
    const properties = envelope();
    cases.push({
      name: `random-bytes-${i}`,
      body,
      properties: { ...properties, ...(contentType === undefined ? { contentType: undefined } : { contentType }) },
      reasons: ['undecodable', 'unsupported-content-type', 'invalid-payload'],
    });
  }
  const valid = json(orderCreated());
  for (const contentType of ['text/plain', 'application/xml', 'application/octet-stream', 'text/json', 'application/x-www-form-urlencoded']) {
    cases.push({ name: `content-type ${contentType}`, body: valid, properties: { ...envelope(), contentType }, reasons: ['unsupported-content-type'] });
  }
  for (const contentEncoding of ['gzip', 'deflate', 'br', 'base64']) {
    cases.push({ name: `content-encoding ${contentEncoding}`, body: valid, properties: { ...envelope(), contentEncoding }, reasons: ['unsupported-content-type'] });
  }
  cases.push(
    { name: 'no message id', body: valid, properties: { ...envelope(), messageId: undefined }, reasons: ['invalid-envelope'] },
    { name: 'no type', body: valid, properties: { ...envelope(), type: undefined }, reasons: ['invalid-envelope'] },
    { name: 'no properties at all', body: valid, properties: {}, reasons: ['invalid-envelope'] },
    { name: 'unknown type', body: valid, properties: { ...envelope(), type: 'crm.LeadCaptured' }, reasons: ['unknown-type'] },
    { name: 'type of another queue', body: valid, properties: { ...envelope(), type: 'shop.OrderArchived' }, reasons: ['unknown-type'] },
    { name: 'forged major version', body: valid, properties: envelope({ 'ce-dataversion': '9.0.0' }), reasons: ['version-mismatch'] },
    { name: 'version that is not semver', body: valid, properties: envelope({ 'ce-dataversion': 'latest' }), reasons: ['version-mismatch'] },
    { name: 'empty body', body: Buffer.alloc(0), properties: envelope(), reasons: ['undecodable'] },
    { name: 'JSON null', body: Buffer.from('null'), properties: envelope(), reasons: ['invalid-payload'] },
    { name: 'JSON array', body: json([orderCreated()]), properties: envelope(), reasons: ['invalid-payload'] },
    { name: 'payload of another message', body: json({ orderId: randomUUID(), reason: 'x' }), properties: envelope(), reasons: ['invalid-payload'] },
    { name: 'wrong field types', body: json({ ...orderCreated(), total: 'lots', lines: 'none' }), properties: envelope(), reasons: ['invalid-payload'] },
    { name: 'prototype pollution', body: Buffer.from(`{"__proto__":{"polluted":true},${JSON.stringify(orderCreated()).slice(1)}`), properties: envelope(), reasons: ['invalid-payload'] },
    { name: 'deeply nested JSON', body: Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), properties: envelope(), reasons: ['undecodable', 'invalid-payload'] },
    { name: 'UTF-16 body', body: Buffer.from(JSON.stringify(orderCreated()), 'utf16le'), properties: envelope(), reasons: ['undecodable'] },
    { name: 'header of the wrong type', body: json({ ...orderCreated(), total: -1 }), properties: envelope({ 'ce-subject': { nested: [1, 2] }, 'ce-time': 12, traceparent: Buffer.alloc(64, 0xff) }), reasons: ['invalid-payload'] },
    // Oversize: a body the schema would even accept (OrderCreated.note has no length limit).
    { name: 'oversize valid body', body: json(orderCreated({ note: 'x'.repeat(20 * MiB) })), properties: envelope(), reasons: ['too-large'] },
    { name: 'oversize garbage', body: Buffer.alloc(24 * MiB, 0x41), properties: envelope(), reasons: ['too-large'] },
  );
  return cases;
}

const header = (message: { properties: { headers?: Record<string, unknown> } }, name: string) => {
  const value = message.properties.headers?.[name];
  return Buffer.isBuffer(value) ? value.toString('utf8') : value;
};

/** A confirm channel as shop-order, the contract sender of shop.order.*: hostile bytes from the legitimate user. */
async function senderChannel(): Promise<{ channel: ConfirmChannel; userId: string }> {
  const connection = await amqp.connect(broker.serviceUrl('shop/order'));
  connection.on('error', () => {});
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => {});
  return { channel, userId: broker.applied.users['shop/order']!.username };
}

describe('hostile input at a consumer on a real broker', () => {
  it('dead-letters every hostile message with its reason and keeps consuming', { timeout: 240_000 }, async () => {
    const billing = await broker.bus(billingService);
    const orders = await broker.bus(orderService);
    const handled: string[] = [];
    let wanted = signal();
    const subscription = await billing.subscribe(billingOrders, async (delivery) => {
      handled.push(delivery.envelope.messageId);
      wanted.resolve();
    });
    const { channel: admin, userId: senderUser } = await senderChannel();
    const publish = (body: Buffer, properties: Record<string, unknown>) =>
      new Promise<void>((resolve, reject) => admin.publish('shop.events', 'shop.order.created', body, { userId: senderUser, ...properties }, (error) => (error ? reject(error) : resolve())));

    const cases = hostileCases();
    for (const hostile of cases) {
      const properties = hostile.properties as { headers?: Record<string, unknown> };
      await publish(hostile.body, { ...hostile.properties, headers: { ...properties.headers, 'x-case': hostile.name } });
    }
    // The consumer is still alive: a valid order after all of that is handled.
    const { messageId } = await orderPublisher(orders).orderCreated(orderCreated());
    await wanted.promise;
    expect(handled).toEqual([messageId]);
    expect(billing.health().consumers).toEqual([expect.objectContaining({ queue: 'billing.orders', state: 'consuming' })]);

    await until(async () => (await broker.queueDepth('billing.orders.dlq')) >= cases.length, `${cases.length} dead letters`, 60_000);
    const dead = await broker.drain('billing.orders.dlq');
    expect(dead).toHaveLength(cases.length);
    const byCase = new Map(dead.map((message) => [String(header(message, 'x-case')), message]));
    const wrong: string[] = [];
    for (const hostile of cases) {
      const letter = byCase.get(hostile.name);
      const reason = letter && String(header(letter, 'x-ep-reason'));
      if (!letter) wrong.push(`${hostile.name}: no dead letter`);
      else if (!hostile.reasons.includes(reason!)) wrong.push(`${hostile.name}: reason ${reason}, expected ${hostile.reasons.join(' or ')}`);
      else if (!String(header(letter, 'x-ep-error') ?? '').trim()) wrong.push(`${hostile.name}: no x-ep-error detail`);
      else if (letter.content.length !== hostile.body.length) wrong.push(`${hostile.name}: the body changed on the way to the dead-letter queue`);
    }
    expect(wrong).toEqual([]);

    // And it goes on consuming normally.
    wanted = signal();
    const again = await orderPublisher(orders).orderCreated(orderCreated());
    await wanted.promise;
    expect(handled).toEqual([messageId, again.messageId]);
    await subscription.cancel();
  });

  it('does not trust forged eventplane headers on a message that did not come through its retry exchange', { timeout: 120_000 }, async () => {
    const billing = await broker.bus(billingService);
    const seen: Array<{ attempt: number; exchange: string; routingKey: string; userId: string | undefined }> = [];
    const subscription = await billing.subscribe(billingOrders, async (delivery) => {
      seen.push({ attempt: delivery.attempt, exchange: delivery.envelope.exchange, routingKey: delivery.envelope.routingKey, userId: delivery.envelope.userId });
      throw new Error('handler refuses, so the message takes the retry ladder');
    });
    const { channel: admin, userId: senderUser } = await senderChannel();
    const forged = {
      ...envelope(),
      headers: {
        'ce-specversion': '1.0',
        'ce-dataversion': '1.2.0',
        'x-case': 'forged',
        'x-ep-attempts': 99,
        'x-ep-original-exchange': 'amq.direct',
        'x-ep-original-routing-key': 'somewhere.else',
        'x-ep-original-user-id': 'shop-payment',
        'x-ep-first-failure-at': '1970-01-01T00:00:00.000Z',
      },
    };
    await new Promise<void>((resolve, reject) =>
      admin.publish('shop.events', 'shop.order.created', json(orderCreated()), { userId: senderUser, ...forged }, (error) => (error ? reject(error) : resolve())),
    );
    await until(async () => (await broker.queueDepth('billing.orders.dlq')) === 1, 'the dead letter after the retry ladder', 60_000);
    await subscription.cancel();
    const attempts = BILLING_RETRY_DELAYS_MS.length + 1;
    // Every attempt saw the real origin and the real attempt number.
    expect(seen).toEqual(Array.from({ length: attempts }, (_, i) => ({ attempt: i + 1, exchange: 'shop.events', routingKey: 'shop.order.created', userId: senderUser })));
    const [letter] = await broker.drain('billing.orders.dlq');
    expect(header(letter!, 'x-case')).toBe('forged');
    expect(header(letter!, 'x-ep-reason')).toBe('handler-failed');
    expect(header(letter!, 'x-ep-attempts')).toBe(attempts);
    expect(header(letter!, 'x-ep-original-exchange')).toBe('shop.events');
    expect(header(letter!, 'x-ep-original-routing-key')).toBe('shop.order.created');
    expect(header(letter!, 'x-ep-original-user-id')).toBe(senderUser); // the broker-verified sender, not the forged header
    expect(Date.parse(String(header(letter!, 'x-ep-first-failure-at')))).toBeGreaterThan(Date.now() - 120_000);
  });
});

/**
 * Least privilege, enforced by the broker itself: generated/topology.json (every system, every
 * service user) applied to a real 3-node cluster, then every service user tries what it must not
 * do — publish another service's event, read another service's queue or its own dead letters,
 * publish under another user's id, declare or delete objects, use the management API — and each
 * attempt is refused,
 * next to a positive control showing the same user can do its own job (so a refusal is not just
 * a broken setup). The guest user does not exist.
 *
 * Service users connect to the three nodes in turn: the permissions hold cluster-wide.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementApiError, ManagementClient } from '../../../src/broker/management-client.js';
import { applyTopology, type AppliedTopology } from '../../../src/local-cluster/apply-topology.js';
import { startLocalCluster, type LocalCluster } from '../../../src/local-cluster/local-cluster.js';
import type { TopologyDocument, TopologyUser } from '../../../src/topology/types.js';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { emailSendEmailReceive, emailService } from '../../../generated/clients/saas/email.js';
import { createNotificationsPublisher, notificationsService } from '../../../generated/clients/saas/notifications.js';
import type { SendEmail } from '../../../generated/types/saas.js';
import { cartService, cartServiceQueueReceive } from '../../../generated/clients/shop/cart.js';
import { checkoutService, createCheckoutPublisher } from '../../../generated/clients/shop/checkout.js';
import { createOrderPublisher, orderService } from '../../../generated/clients/shop/order.js';
import { paymentService, paymentServiceQueueReceive } from '../../../generated/clients/shop/payment.js';
import type { OrderCreated, ProcessPayment } from '../../../generated/types/shop.js';
import { listDeadLetters, replayDeadLetters } from '../../../src/runtime/dlq.js';
import { createAmqpBus, type AmqpBus } from '../../../src/runtime/amqp-bus.js';
import type { ServiceDescriptor } from '../../../src/runtime/contract.js';
import { until } from '../runtime/support.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const topology = JSON.parse(readFileSync(join(ROOT, 'generated/topology.json'), 'utf8')) as TopologyDocument;

let cluster: LocalCluster;
let applied: AppliedTopology;
const connections: ChannelModel[] = [];

beforeAll(async () => {
  cluster = await startLocalCluster({ nodes: 3 });
  applied = await applyTopology(cluster.management(), topology);
}, 240_000);

const buses: AmqpBus[] = [];

afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.close()));
  await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
  await cluster?.destroy();
}, 120_000);

async function connect(user: TopologyUser, node: number): Promise<ChannelModel> {
  const credentials = applied.users[user.service]!;
  const connection = await amqp.connect(cluster.amqpUrl({ username: credentials.username, password: credentials.password, vhost: credentials.vhost, node }));
  connection.on('error', () => undefined);
  connections.push(connection);
  return connection;
}

type Outcome = { ok: true } | { ok: false; code: number | undefined; message: string };

/** Runs `work` on a fresh channel; a broker refusal closes the channel with a code. */
async function attempt(connection: ChannelModel, work: (channel: ConfirmChannel) => Promise<unknown>): Promise<Outcome> {
  const channel = await connection.createConfirmChannel();
  let closedWith: (Error & { code?: number }) | undefined;
  channel.on('error', (error: Error & { code?: number }) => (closedWith = error));
  try {
    await work(channel);
    await channel.close();
    return { ok: true };
  } catch (error) {
    const failure = closedWith ?? (error as Error & { code?: number });
    return { ok: false, code: failure.code, message: failure.message };
  }
}

const publish = (channel: ConfirmChannel, exchange: string, routingKey: string, properties: Record<string, unknown> = {}) =>
  new Promise<void>((resolve, reject) => channel.publish(exchange, routingKey, Buffer.from('{}'), properties, (error) => (error ? reject(error) : resolve())));

/** The concrete routing keys a `^(?:a\.b|c\.d)$` write pattern allows. */
function keysOf(pattern: string): string[] {
  const body = pattern.replace(/^\^(\(\?:)?/, '').replace(/\)?\$$/, '');
  return body.split('|').map((key) => key.replace(/\\(.)/g, '$1'));
}

const users = topology.users;
const nodeFor = (index: number) => index % 3;

/** A service's bus under its own least-privilege user, spread over the three nodes. */
async function serviceBus(service: ServiceDescriptor): Promise<AmqpBus> {
  const credentials = applied.users[service.id]!;
  const created = await createAmqpBus({
    urls: cluster.amqpUrls({ username: credentials.username, password: credentials.password, vhost: credentials.vhost }),
    service,
    logger: pino({ level: 'silent' }),
    metrics: new Registry(),
  });
  buses.push(created);
  return created;
}

/** The administrator (an operator: its publishes are judged as replays of their original sender). */
async function adminConnection(vhost: string): Promise<ChannelModel> {
  const connection = await amqp.connect(cluster.amqpUrl({ vhost }));
  connection.on('error', () => undefined);
  connections.push(connection);
  return connection;
}

/** Every letter of `queue` as `messageId → "reason: error"`, taken off the queue. */
async function takeLetters(connection: ChannelModel, queue: string): Promise<Record<string, string>> {
  const reader = await connection.createChannel();
  const letters: Record<string, string> = {};
  for (let letter = await reader.get(queue); letter; letter = await reader.get(queue)) {
    const headers = letter.properties.headers ?? {};
    letters[String(letter.properties.messageId)] = `${String(headers['x-ep-reason'])}: ${String(headers['x-ep-error'])}`;
    reader.ack(letter);
  }
  await reader.close();
  return letters;
}

describe('least privilege on a real 3-node cluster (generated/topology.json)', () => {
  it('has no guest user, and guest cannot connect', async () => {
    const client = cluster.management();
    expect(await client.find('/users/guest')).toBeUndefined();
    const names = (await client.get<Array<{ name: string }>>('/users')).map((user) => user.name);
    expect(names).not.toContain('guest');
    await expect(amqp.connect(cluster.amqpUrl({ username: 'guest', password: 'guest', vhost: 'shop' }))).rejects.toThrow(/ACCESS.REFUSED|403/);
  });

  it('refuses every service publishing another service’s event (exchange and topic permissions)', async () => {
    const refused: string[] = [];
    const problems: string[] = [];
    for (const [index, user] of users.entries()) {
      const connection = await connect(user, nodeFor(index));
      const own = topology.topicPermissions.filter((p) => p.user === user.name);
      // Someone else's event on a topic exchange of the same system.
      const foreign = topology.topicPermissions.find((p) => p.vhost === user.vhost && p.user !== user.name);
      if (!foreign) continue;
      const ownOnExchange = own.find((p) => p.exchange === foreign.exchange);
      const key = keysOf(foreign.write).find((k) => !ownOnExchange || !new RegExp(ownOnExchange.write).test(k));
      if (!key) continue;
      const outcome = await attempt(connection, (channel) => publish(channel, foreign.exchange, key));
      if (outcome.ok || outcome.code !== 403) problems.push(`${user.name} published ${foreign.exchange} ${key}: ${outcome.ok ? 'accepted' : outcome.message}`);
      else refused.push(user.name);
      // Positive control: its own events go through.
      if (own[0]) {
        const mine = await attempt(connection, (channel) => publish(channel, own[0]!.exchange, keysOf(own[0]!.write)[0]!));
        if (!mine.ok) problems.push(`${user.name} could not publish its own ${keysOf(own[0]!.write)[0]}: ${mine.message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(refused.length).toBeGreaterThanOrEqual(users.length - 1);
  }, 240_000);

  it('refuses every service reading another service’s queue, and lets it read its own', async () => {
    const problems: string[] = [];
    let refusals = 0;
    for (const [index, user] of users.entries()) {
      const connection = await connect(user, nodeFor(index + 1));
      const foreign = topology.queues.find((q) => q.vhost === user.vhost && q.service !== user.service && q.role === 'consumer');
      const dlq = topology.queues.find((q) => q.vhost === user.vhost && q.service === user.service && q.role === 'dead-letter');
      for (const queue of [foreign, dlq]) {
        if (!queue) continue;
        const outcome = await attempt(connection, async (channel) => {
          await channel.consume(queue.name, () => undefined);
        });
        if (outcome.ok || outcome.code !== 403) problems.push(`${user.name} consumed ${queue.name}: ${outcome.ok ? 'accepted' : outcome.message}`);
        else refusals++;
      }
      const own = topology.queues.find((q) => q.service === user.service && q.role === 'consumer');
      if (own) {
        const mine = await attempt(connection, async (channel) => {
          const { consumerTag } = await channel.consume(own.name, () => undefined);
          await channel.cancel(consumerTag);
        });
        if (!mine.ok) problems.push(`${user.name} could not consume its own ${own.name}: ${mine.message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(refusals).toBeGreaterThan(users.length);
  }, 240_000);

  it('refuses a message whose user_id names another user, for every service', async () => {
    const problems: string[] = [];
    for (const [index, user] of users.entries()) {
      const connection = await connect(user, nodeFor(index + 2));
      const deadLetterExchange = topology.exchanges.find((e) => e.service === user.service && e.role === 'dead-letter');
      if (!deadLetterExchange) continue;
      // A routing key nothing is bound to: the message goes nowhere, only the check matters.
      const forger = users.find((other) => other.vhost === user.vhost && other.name !== user.name)!;
      const forged = await attempt(connection, (channel) => publish(channel, deadLetterExchange.name, 'nowhere', { userId: forger.name }));
      if (forged.ok || forged.code !== 406 || !/user_id/.test(forged.message)) problems.push(`${user.name} as ${forger.name}: ${forged.ok ? 'accepted' : forged.message}`);
      const honest = await attempt(connection, (channel) => publish(channel, deadLetterExchange.name, 'nowhere', { userId: user.name }));
      if (!honest.ok) problems.push(`${user.name} with its own user_id: ${honest.message}`);
    }
    expect(problems).toEqual([]);
  }, 240_000);

  it('refuses services declaring or deleting objects, and the management API', async () => {
    const problems: string[] = [];
    for (const [index, user] of users.entries()) {
      const connection = await connect(user, nodeFor(index));
      const own = topology.queues.find((q) => q.service === user.service && q.role === 'consumer');
      const tries: Array<[string, (channel: ConfirmChannel) => Promise<unknown>]> = [
        ['declare a queue', (channel) => channel.assertQueue(`rogue.${user.name}`, { durable: true })],
        ['declare an exchange', (channel) => channel.assertExchange(`rogue.${user.name}`, 'topic', { durable: true })],
        // (Purging needs only read permission in RabbitMQ, so a consumer can purge its own queue.)
        ...(own ? ([['delete its queue', (channel) => channel.deleteQueue(own.name)]] as Array<[string, (channel: ConfirmChannel) => Promise<unknown>]>) : []),
      ];
      for (const [what, work] of tries) {
        const outcome = await attempt(connection, work);
        if (outcome.ok || outcome.code !== 403) problems.push(`${user.name} could ${what}: ${outcome.ok ? 'accepted' : outcome.message}`);
      }
      const credentials = applied.users[user.service]!;
      const management = new ManagementClient({ url: cluster.managementUrl(nodeFor(index)), username: credentials.username, password: credentials.password });
      const status = await management.overview().then(
        () => 200,
        (error: unknown) => (error instanceof ManagementApiError ? error.status : 0),
      );
      if (status !== 401) problems.push(`${user.name} on the management API: ${status}`);
    }
    expect(problems).toEqual([]);
  }, 240_000);
  it('dead-letters a command on a direct exchange sent by a service that is not its sender, or through the default exchange (the broker cannot refuse either)', async () => {
    const bus = serviceBus;
    const handled: string[] = [];
    const email = await bus(emailService);
    await email.subscribe(emailSendEmailReceive, async (delivery) => void handled.push(delivery.envelope.messageId));
    const command: SendEmail = { to: [{ email: 'ada@example.com' }], template: 'welcome', locale: 'en', variables: { name: 'Ada' } };
    const { messageId: honest } = await createNotificationsPublisher(await bus(notificationsService)).sendEmail(command);

    // saas-webhooks may write to tasks.exchange (it sends process.webhook there), so the broker
    // takes its send.email; only the consumer's check stands between it and the email service.
    const webhooks = await connect(users.find((user) => user.service === 'saas/webhooks')!, 1);
    const admin = await adminConnection('saas');
    const envelope = (messageId: string, userId: string | undefined, headers: Record<string, unknown> = {}) => ({
      messageId,
      type: 'saas.SendEmail',
      contentType: 'application/json',
      persistent: true,
      userId,
      headers: { 'ce-time': new Date().toISOString(), 'ce-dataversion': '1.0.0', ...headers },
    });
    const send = (connection: ChannelModel, properties: Record<string, unknown>) =>
      attempt(connection, (channel) =>
        new Promise<void>((resolve, reject) => channel.publish('tasks.exchange', 'send.email', Buffer.from(JSON.stringify(command)), properties, (error) => (error ? reject(error) : resolve()))),
      );
    expect(await send(webhooks, envelope('forged-by-webhooks', 'saas-webhooks'))).toEqual({ ok: true });
    expect(await send(webhooks, envelope('no-user-id', undefined))).toEqual({ ok: true });
    // saas-users answers requests through the default exchange (direct reply-to), and so may
    // write to any queue by name there: only replies and operators' replays may arrive that way.
    const replier = await connect(users.find((user) => user.service === 'saas/users')!, 2);
    const direct = await attempt(replier, (channel) =>
      new Promise<void>((resolve, reject) =>
        channel.publish('', 'email.send.email', Buffer.from(JSON.stringify(command)), envelope('through-default-exchange', 'saas-users'), (error) => (error ? reject(error) : resolve())),
      ),
    );
    expect(direct).toEqual({ ok: true });
    // What `eventplane dlq replay` sends: the operator's own user_id, the original sender in a header.
    const operator = decodeURIComponent(new URL(cluster.amqpUrl()).username);
    expect(await send(admin, envelope('replayed-by-operator', operator, { 'x-ep-replayed': new Date().toISOString(), 'x-ep-original-user-id': 'saas-notifications' }))).toEqual({ ok: true });

    const reader = await admin.createChannel();
    await until(async () => (await reader.checkQueue('email.send.email.dlq')).messageCount === 3 && handled.length === 2, 'three dead letters and two handled commands', 30_000);
    expect(handled.sort()).toEqual([honest, 'replayed-by-operator'].sort());
    expect(await takeLetters(admin, 'email.send.email.dlq')).toEqual({
      'forged-by-webhooks': 'forbidden-sender: saas.SendEmail may only be sent by saas-notifications; this one was sent by saas-webhooks',
      'no-user-id': 'forbidden-sender: saas.SendEmail may only be sent by saas-notifications; this one has no user_id',
      'through-default-exchange': "forbidden-sender: saas.SendEmail arrived through the default exchange, which carries only replies and operators' replays (sent by saas-users)",
    });
    expect(email.health().consumers).toEqual([expect.objectContaining({ queue: 'email.send.email', state: 'consuming' })]);
  }, 120_000);

  it('holds one sender rule on topic and direct exchanges: forged events, commands and types are dead-lettered with the reason, replays cannot launder them, consumers keep going', async () => {
    // The positive controls above left their messages in these queues: start from empty ones.
    const admin = await adminConnection('shop');
    const purger = await admin.createChannel();
    for (const queue of ['payment-service-queue', 'cart-service-queue']) for (const name of [queue, `${queue}.dlq`]) await purger.purgeQueue(name);
    await purger.close();
    const payments: string[] = [];
    const orders: string[] = [];
    const payment = await serviceBus(paymentService);
    const cart = await serviceBus(cartService);
    await payment.subscribe(paymentServiceQueueReceive, async (delivery) => void payments.push(delivery.envelope.messageId));
    await cart.subscribe(cartServiceQueueReceive, async (delivery) => void orders.push(delivery.envelope.messageId));
    const pay: ProcessPayment = { checkoutId: randomUUID(), paymentId: randomUUID(), customerId: randomUUID(), amount: { amount: '79.99', currency: 'GBP' }, paymentMethodToken: 'pm_card_visa' };
    const order: OrderCreated = {
      orderId: 100235,
      checkoutId: pay.checkoutId,
      customerId: pay.customerId,
      cartId: randomUUID(),
      reservationId: randomUUID(),
      paymentId: pay.paymentId,
      lines: [{ sku: 'PROD-123', name: 'Trail running shoe', quantity: 1, unitPrice: { amount: '79.99', currency: 'GBP' }, lineTotal: { amount: '79.99', currency: 'GBP' } }],
      total: { amount: '79.99', currency: 'GBP' },
      recipientName: 'Sam Taylor',
      contactEmail: 'sam.taylor@example.com',
      shippingAddress: { line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' },
    };
    const honestPayment = (await createCheckoutPublisher(await serviceBus(checkoutService)).sendProcessPayment(pay)).messageId;
    const honestOrder = (await createOrderPublisher(await serviceBus(orderService)).publishOrderCreated(order)).messageId;

    const shopUser = (service: string) => users.find((user) => user.service === service)!;
    const checkout = await connect(shopUser('shop/checkout'), 0);
    const orderUser = await connect(shopUser('shop/order'), 1);
    const paymentUser = await connect(shopUser('shop/payment'), 2);
    const raw = (connection: ChannelModel, exchange: string, routingKey: string, type: string, messageId: string, userId: string | undefined, body: unknown) =>
      attempt(connection, (channel) =>
        new Promise<void>((resolve, reject) =>
          channel.publish(
            exchange,
            routingKey,
            Buffer.from(JSON.stringify(body)),
            { messageId, type, userId, contentType: 'application/json', persistent: true, headers: { 'ce-time': new Date().toISOString(), 'ce-dataversion': '1.0.0' } },
            (error) => (error ? reject(error) : resolve()),
          ),
        ),
      );
    const ok = { ok: true };
    // (a) A command on the direct exchange from a user that is not its sender: on shop.commands
    // only the checkout may write, so the one other writer is the administrator, whose publish
    // without a recorded original sender is a replay of nobody's message.
    const operator = decodeURIComponent(new URL(cluster.amqpUrl()).username);
    expect(await raw(admin, 'shop.commands', 'process.payment', 'shop.ProcessPayment', 'command-by-admin', operator, pay)).toEqual(ok);
    // (b) An event on the topic exchange published by the administrator (with its user_id and
    // without), and one from its own sender's user without user_id.
    expect(await raw(admin, 'shop.events', 'shop.order.created', 'shop.OrderCreated', 'event-by-admin', operator, order)).toEqual(ok);
    expect(await raw(admin, 'shop.events', 'shop.order.created', 'shop.OrderCreated', 'event-by-admin-without-user-id', undefined, order)).toEqual(ok);
    expect(await raw(orderUser, 'shop.events', 'shop.order.created', 'shop.OrderCreated', 'event-without-user-id', undefined, order)).toEqual(ok);
    // ... another service is refused by the broker itself (topic permissions).
    expect(await raw(paymentUser, 'shop.events', 'shop.order.created', 'shop.OrderCreated', 'event-by-payment', 'shop-payment', order)).toMatchObject({ ok: false, code: 403 });
    // (c) A ProcessPayment sent by its own sender with the routing key of RefundPayment.
    expect(await raw(checkout, 'shop.commands', 'refund.payment', 'shop.ProcessPayment', 'payment-as-refund', 'shop-checkout', pay)).toEqual(ok);

    const adminUrl = cluster.amqpUrl({ vhost: 'shop' });
    /** The letters of `queue` as `messageId → reason` (looked at, not taken). */
    const reasons = async (queue: string) => Object.fromEntries((await listDeadLetters(adminUrl, queue)).letters.map((letter) => [letter.messageId, letter.reason]));
    const settled = async () => Object.keys(await reasons('payment-service-queue.dlq')).length === 2 && Object.keys(await reasons('cart-service-queue.dlq')).length === 3 && payments.length === 1 && orders.length === 1;
    await until(settled, 'five dead letters and the honest command and event handled', 30_000).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify({ payment: await reasons('payment-service-queue.dlq'), cart: await reasons('cart-service-queue.dlq'), payments, orders })}`);
    });
    expect(await reasons('payment-service-queue.dlq')).toEqual({ 'command-by-admin': 'forbidden-sender', 'payment-as-refund': 'type-mismatch' });
    expect(await reasons('cart-service-queue.dlq')).toEqual({ 'event-by-admin': 'forbidden-sender', 'event-by-admin-without-user-id': 'forbidden-sender', 'event-without-user-id': 'forbidden-sender' });

    // An operator replays every letter back: each is judged again by its original sender and
    // routing key, so it is dead-lettered again for the same reason (a replay launders nothing).
    for (const [queue, count] of [['payment-service-queue.dlq', 2], ['cart-service-queue.dlq', 3]] as const) {
      expect((await replayDeadLetters(adminUrl, queue)).replayed).toHaveLength(count);
      await until(async () => {
        const page = await listDeadLetters(adminUrl, queue);
        return page.total === count && page.letters.every((letter) => letter.replays === 1);
      }, `${queue}: every letter back after its replay`, 30_000);
    }
    expect(await takeLetters(admin, 'payment-service-queue.dlq')).toEqual({
      'command-by-admin': `forbidden-sender: shop.ProcessPayment may only be sent by shop-checkout; this one is a replay by ${operator} of a message sent by ${operator}`,
      'payment-as-refund': 'type-mismatch: shop.ProcessPayment is published with routing key process.payment; this one came with refund.payment',
    });
    expect(await takeLetters(admin, 'cart-service-queue.dlq')).toEqual({
      'event-by-admin': `forbidden-sender: shop.OrderCreated may only be sent by shop-order; this one is a replay by ${operator} of a message sent by ${operator}`,
      'event-by-admin-without-user-id': `forbidden-sender: shop.OrderCreated may only be sent by shop-order; this one is a replay by ${operator} of a message sent by an unknown user`,
      'event-without-user-id': `forbidden-sender: shop.OrderCreated may only be sent by shop-order; this one is a replay by ${operator} of a message sent by an unknown user`,
    });
    expect([payments, orders]).toEqual([[honestPayment], [honestOrder]]);
    expect(payment.health().consumers).toEqual([expect.objectContaining({ queue: 'payment-service-queue', state: 'consuming' })]);
    expect(cart.health().consumers).toEqual([expect.objectContaining({ queue: 'cart-service-queue', state: 'consuming' })]);
  }, 180_000);
});

/**
 * Replay is lossless and targeted, on a real broker: every dead letter has its own identity (so
 * id-less letters are never merged), a replay reaches only the queue that failed the message, and
 * a replay killed between confirm and ack still ends with the message handled exactly once.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import amqp, { type ConfirmChannel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../../src/runtime/contract.js';
import { listDeadLetters, replayDeadLetters } from '../../../src/runtime/dlq.js';
import { billingOrders, billingService, orderPublisher, orderService } from '../../fixtures/runtime/shop-contract.js';
import { orderCreated, shopBroker, until } from './support.js';

let broker: Awaited<ReturnType<typeof shopBroker>>;

beforeAll(async () => {
  broker = await shopBroker('rt-replay');
});
afterEach(async () => {
  await broker.closeBuses();
  await broker.drain('billing.orders.dlq');
});
afterAll(async () => {
  await broker?.close();
});

/** Publishes valid orders from shop-order's own user but without a message id: dead-lettered `invalid-envelope`. */
async function idlessLetters(count: number): Promise<void> {
  const sender = broker.applied.users['shop/order']!;
  const connection = await amqp.connect(broker.serviceUrl('shop/order'));
  const channel: ConfirmChannel = await connection.createConfirmChannel();
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) =>
      channel.publish('shop.events', 'shop.order.created', Buffer.from(JSON.stringify(orderCreated())), { type: 'shop.OrderCreated', contentType: 'application/json', userId: sender.username, persistent: true }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }
  await connection.close();
}

async function handledBy(): Promise<Delivery[]> {
  const handled: Delivery[] = [];
  await (await broker.bus(billingService)).subscribe(billingOrders, async (delivery) => void handled.push(delivery));
  return handled;
}

describe('dlq replay', () => {
  it('replays N id-less dead letters, one at a time and all at once, and all N are handled', async () => {
    const handled = await handledBy();
    await idlessLetters(6);
    await until(async () => (await broker.queueDepth('billing.orders.dlq')) === 6, 'six dead letters');
    const page = await listDeadLetters(broker.adminUrl('shop'), 'billing.orders.dlq');
    expect(page.letters.map((l) => l.reason)).toEqual(Array(6).fill('invalid-envelope'));
    const ids = page.letters.map((l) => l.id);
    expect(new Set(ids).size).toBe(6);

    for (const id of ids.slice(0, 3)) {
      const one = await replayDeadLetters(broker.adminUrl('shop'), 'billing.orders.dlq', { id });
      expect(one.replayed.map((t) => t.messageId)).toEqual([id]);
    }
    const rest = await replayDeadLetters(broker.adminUrl('shop'), 'billing.orders.dlq');
    expect(rest.replayed).toHaveLength(3);
    await until(() => handled.length === 6, 'six handled');
    expect(handled.map((d) => d.envelope.messageId).sort()).toEqual([...ids].sort());
    expect(handled.every((d) => d.envelope.userId === broker.applied.users['shop/order']!.username)).toBe(true);
    expect(await broker.queueDepth('billing.orders.dlq')).toBe(0);
  });

  it('reaches only the queue that failed the message, though its routing key feeds three queues', async () => {
    const admin = (await broker.admin()) as ConfirmChannel;
    for (const queue of ['fanout.copy.1', 'fanout.copy.2']) {
      await admin.assertQueue(queue, { durable: true });
      await admin.bindQueue(queue, 'shop.events', 'shop.order.created');
    }
    const failing = await broker.bus(billingService);
    const subscription = await failing.subscribe({ ...billingOrders, retry: { ...billingOrders.retry, retries: 0 } }, async () => {
      throw new Error('down');
    });
    const { messageId } = await orderPublisher(await broker.bus(orderService)).orderCreated(orderCreated());
    await until(async () => (await broker.queueDepth('billing.orders.dlq')) === 1, 'a dead letter');
    await subscription.cancel();
    expect([await broker.queueDepth('fanout.copy.1'), await broker.queueDepth('fanout.copy.2')]).toEqual([1, 1]);

    const dry = await replayDeadLetters(broker.adminUrl('shop'), 'billing.orders.dlq', { dryRun: true });
    expect(dry.replayed.map((t) => [t.messageId, t.queue])).toEqual([[messageId, 'billing.orders']]);
    expect(await broker.queueDepth('billing.orders.dlq')).toBe(1);

    const handled = await handledBy();
    await replayDeadLetters(broker.adminUrl('shop'), 'billing.orders.dlq');
    await until(() => handled.length === 1, 'the replay handled');
    expect(handled[0]!.envelope).toMatchObject({ messageId, exchange: 'shop.events', routingKey: 'shop.order.created' });
    expect([await broker.queueDepth('fanout.copy.1'), await broker.queueDepth('fanout.copy.2')]).toEqual([1, 1]);
    for (const queue of ['fanout.copy.1', 'fanout.copy.2']) await admin.deleteQueue(queue);
  });

  /** Runs a replay of one letter that is killed at `killAt` (see the fixture). */
  async function replayThenDie(killAt: 'ack' | 'after-ack'): Promise<void> {
    const script = fileURLToPath(new URL('../../fixtures/runtime/replay-then-die.ts', import.meta.url));
    const child = fork(script, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, AMQP_URL: broker.adminUrl('shop'), DLQ: 'billing.orders.dlq', KILL_AT: killAt }, stdio: 'inherit' });
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    expect(exit).toBe('SIGKILL');
  }

  it('killed between confirm and ack, the message is handled exactly once, with the letter still in the DLQ or not, and replaying again changes nothing', async () => {
    const handled = await handledBy();
    await idlessLetters(1);
    await until(async () => (await broker.queueDepth('billing.orders.dlq')) === 1, 'a dead letter');
    const [letter] = (await listDeadLetters(broker.adminUrl('shop'), 'billing.orders.dlq')).letters;

    await replayThenDie('ack');
    await until(() => handled.length === 1, 'the replay handled');
    // The replayer died holding the letter unacknowledged: the broker puts it back.
    await until(async () => (await broker.queueDepth('billing.orders.dlq')) === 1, 'the dead letter back in the DLQ');

    const again = await replayDeadLetters(broker.adminUrl('shop'), 'billing.orders.dlq');
    expect(again.replayed.map((t) => t.messageId)).toEqual([letter!.id]);
    // The second copy (if any) is consumed and absorbed by the inbox: still exactly one handling.
    await until(async () => (await broker.queueDepth('billing.orders')) === 0, 'the consumer queue drained');
    expect(handled.map((d) => d.envelope.messageId)).toEqual([letter!.id]);
    expect(await broker.queueDepth('billing.orders.dlq')).toBe(0);
    // The letter is gone now: another replay finds nothing and nothing more is handled.
    expect((await replayDeadLetters(broker.adminUrl('shop'), 'billing.orders.dlq')).replayed).toEqual([]);
    expect(handled).toHaveLength(1);
  });

  it.each(['ack', 'after-ack'] as const)('killed at %s while the consumer is down, both copies wait in its queue and it handles the message once', async (killAt) => {
    const before = await handledBy();
    await idlessLetters(1);
    await until(async () => (await broker.queueDepth('billing.orders.dlq')) === 1, 'a dead letter');
    await broker.closeBuses();
    expect(before).toEqual([]);
    const [letter] = (await listDeadLetters(broker.adminUrl('shop'), 'billing.orders.dlq')).letters;

    await replayThenDie(killAt);
    await until(async () => (await broker.queueDepth('billing.orders')) === 1, 'the confirmed copy in the consumer queue');
    // With KILL_AT=ack the letter comes back; after-ack it may or may not have been removed.
    const left = await broker.queueDepth('billing.orders.dlq');
    if (killAt === 'ack') expect(left).toBe(1);
    const again = await replayDeadLetters(broker.adminUrl('shop'), 'billing.orders.dlq');
    expect(again.replayed.map((t) => t.messageId)).toEqual(left === 1 ? [letter!.id] : []);
    expect(await broker.queueDepth('billing.orders')).toBe(1 + left);
    expect(await broker.queueDepth('billing.orders.dlq')).toBe(0);

    const handled = await handledBy();
    await until(async () => handled.length === 1 && (await broker.queueDepth('billing.orders')) === 0, 'every copy consumed');
    expect(handled.map((d) => d.envelope.messageId)).toEqual([letter!.id]);
    expect((await replayDeadLetters(broker.adminUrl('shop'), 'billing.orders.dlq')).replayed).toEqual([]);
    expect(await broker.queueDepth('billing.orders.dlq')).toBe(0);
    expect(handled).toHaveLength(1);
  });
});

import type { ConfirmChannel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { Delivery } from '../../../src/runtime/contract.js';
import { billingOrders, billingService, orderPublisher, orderService } from '../../fixtures/runtime/shop-contract.js';
import { orderCreated, shopBroker, signal, until } from './support.js';

let broker: Awaited<ReturnType<typeof shopBroker>>;

beforeAll(async () => {
  broker = await shopBroker('rt-dlq');
});
afterEach(async () => {
  await broker.closeBuses();
});
afterAll(async () => {
  await broker?.close();
});

/** Runs `eventplane …` in-process and returns its exit code and output. */
async function eventplane(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('eventplane dlq', () => {
  it('lists and shows dead letters without consuming them, then replays them to the consumer', async () => {
    const url = broker.adminUrl('shop');
    const orders = await broker.bus(orderService);
    const failing = await broker.bus(billingService);
    const failingSubscription = await failing.subscribe({ ...billingOrders, retry: { ...billingOrders.retry, retries: 0 } }, async () => {
      throw new Error('tax service down');
    });
    const first = await orderPublisher(orders).orderCreated(orderCreated());
    const second = await orderPublisher(orders).orderCreated(orderCreated());
    await until(async () => (await broker.queueDepth('billing.orders.dlq')) === 2, 'two dead letters');
    await failingSubscription.cancel();

    const listed = await eventplane('dlq', 'list', 'billing.orders.dlq', '--url', url);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(first.messageId);
    expect(listed.stdout).toContain(second.messageId);
    expect(listed.stdout).toMatch(/handler-failed\s+1\s/);
    expect(listed.stdout).toContain('Error: tax service down');
    expect(listed.stdout).toContain('2 of 2 dead letter(s) in billing.orders.dlq');

    const json = JSON.parse((await eventplane('dlq', 'list', 'billing.orders.dlq', '--url', url, '--json')).stdout) as { total: number; letters: Array<{ messageId: string; origin: unknown }> };
    expect(json.total).toBe(2);
    expect(json.letters[0]).toMatchObject({ messageId: first.messageId, origin: { exchange: 'shop.events', routingKey: 'shop.order.created' } });

    const shown = await eventplane('dlq', 'show', 'billing.orders.dlq', '--url', url, '--id', second.messageId);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/origin\s+shop\.events \/ shop\.order\.created/);
    expect(shown.stdout).toContain('x-ep-reason: handler-failed');
    expect(shown.stdout).toMatch(/stack\n {2}Error: tax service down/);
    expect(shown.stdout).toContain('"customerId": "c-42"');
    expect(await broker.queueDepth('billing.orders.dlq')).toBe(2); // looking consumed nothing

    // The bug is fixed: a healthy consumer, then replay one, then the rest.
    const healthy = await broker.bus(billingService);
    const handled: Delivery[] = [];
    let next = signal();
    await healthy.subscribe(billingOrders, async (delivery) => {
      handled.push(delivery);
      next.resolve();
    });
    const one = await eventplane('dlq', 'replay', 'billing.orders.dlq', '--url', url, '--id', second.messageId);
    expect(one).toMatchObject({ code: 0 });
    expect(one.stdout).toContain('1 replayed, 0 failed, 1 left in billing.orders.dlq');
    await next.promise;
    expect(handled[0]!.envelope).toMatchObject({ messageId: second.messageId, routingKey: 'shop.order.created' });
    expect(handled[0]!.attempt).toBe(1);
    expect(handled[0]!.envelope.headers['x-ep-replayed']).toMatch(/^\d{4}-/);
    expect(handled[0]!.envelope.headers['x-ep-replay-count']).toBe(1);
    expect(handled[0]!.envelope.headers).not.toHaveProperty('x-ep-reason');
    expect(await broker.queueDepth('billing.orders.dlq')).toBe(1);

    next = signal();
    const rest = await eventplane('dlq', 'replay', 'billing.orders.dlq', '--url', url);
    expect(rest.stdout).toContain('1 replayed, 0 failed, 0 left');
    await next.promise;
    expect(handled.map((d) => d.envelope.messageId)).toEqual([second.messageId, first.messageId]);
    expect(await broker.queueDepth('billing.orders.dlq')).toBe(0);
  });

  it('leaves a dead letter in place when its replay cannot be delivered', async () => {
    const url = broker.adminUrl('shop');
    const admin = (await broker.admin()) as ConfirmChannel;
    await new Promise<void>((resolve, reject) =>
      admin.publish(
        'billing.dlx',
        'billing.orders',
        Buffer.from('{}'),
        { messageId: 'orphan-1', type: 'shop.OrderShipped', headers: { 'x-ep-queue': 'shipping.orders', 'x-ep-dead-letter-id': 'dl-orphan', 'x-ep-reason': 'handler-failed' } },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    const result = await eventplane('dlq', 'replay', 'billing.orders.dlq', '--url', url, '--id', 'orphan-1');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('not replayed: dl-orphan: unroutable: no queue shipping.orders (it stays in billing.orders.dlq)');
    expect(await broker.queueDepth('billing.orders.dlq')).toBe(1);
    await broker.drain('billing.orders.dlq');
  });

  it('explains usage and connection problems without a stack trace', async () => {
    const missing = await eventplane('dlq', 'list', 'no.such.dlq', '--url', broker.adminUrl('shop'));
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('queue no.such.dlq does not exist');
    vi.stubEnv('AMQP_URL', '');
    const noUrl = await eventplane('dlq', 'list', 'x');
    vi.unstubAllEnvs();
    expect(noUrl.stderr).toMatch(/no broker: no local cluster is running here \(npm start\); pass --url .* or set AMQP_URL/);
    const refused = await eventplane('dlq', 'list', 'x', '--url', 'amqp://u:secret@127.0.0.1:1/v');
    expect(refused.stderr).toContain('cannot connect to amqp://u:***@127.0.0.1:1/v');
    expect(refused.stderr).not.toContain('secret');
  });
});

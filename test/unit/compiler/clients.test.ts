/**
 * Generated clients: a missing handler or a mistyped payload is a compile error (proved with
 * tsc on the generated code plus handler files), and at runtime subscribe dispatches each
 * delivery to its handler and publish passes the right descriptor.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitAll, loadContracts } from '../../../src/compiler/index.js';
import { writeOutput } from '../../../src/compiler/output.js';
import { fixtures, repoRoot, tempDir, tsc, writeFiles } from './support.js';

let files: Map<string, string>;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const { model, diagnostics } = await loadContracts('.', { cwd: join(fixtures, 'valid') });
  expect(diagnostics).toEqual([]);
  files = await emitAll(model!);
}, 120_000);

afterAll(async () => {
  for (const remove of cleanup) await remove();
});

const goodHandlers = `
import type { Delivery, EventPublisher, EventSubscriber } from './runtime-contract.js';
import { createOrderPublisher, subscribeOrder, type OrderHandlers } from './clients/shop/order.js';
import type { PaymentFailed } from './types/shop.js';

export const handlers: OrderHandlers = {
  async onPaymentSucceeded(delivery) {
    const id: string = delivery.payload.paymentId;
    const order: number = delivery.payload.orderId;
    void id; void order;
  },
  async onPaymentFailed(delivery: Delivery<'PaymentFailed', PaymentFailed>) {
    if (delivery.payload.reason === 'declined') return;
  },
};

export async function wire(bus: EventPublisher & EventSubscriber) {
  const publisher = createOrderPublisher(bus);
  await publisher.publishOrderCreated({ orderId: 1, status: 'new', total: { amount: 1, currency: 'GBP' }, lines: [{ sku: 'a', quantity: 1 }] });
  await publisher.requestEmail({ to: 'a@b.co', template: 'welcome' }, { correlationId: 'c', headers: { 'x-priority': 'high' } });
  return subscribeOrder(bus, handlers);
}
`;

const badHandlers = `
import type { EventPublisher, EventSubscriber } from './runtime-contract.js';
import { createOrderPublisher, subscribeOrder, type OrderHandlers } from './clients/shop/order.js';

// Missing onPaymentFailed.
export const missing: OrderHandlers = {
  async onPaymentSucceeded() {},
};

// A handler for the wrong payload.
export const mistyped: OrderHandlers = {
  async onPaymentSucceeded(delivery) {
    const wrong: boolean = delivery.payload.paymentId;
    void wrong;
  },
  async onPaymentFailed() {},
};

export async function wire(bus: EventPublisher & EventSubscriber) {
  const publisher = createOrderPublisher(bus);
  // A payload missing required fields, and an enum value the contract does not allow.
  await publisher.publishOrderCreated({ orderId: 1, status: 'shipped', total: { amount: 1, currency: 'GBP' }, lines: [] });
  await publisher.publishOrderCreated({ orderId: 1, status: 'new', lines: [] });
  await publisher.requestEmail({ to: 'a@b.co', template: 'welcome' }, { headers: { 'x-priority': 'urgent' } });
  return subscribeOrder(bus, { async onPaymentSucceeded() {} });
}
`;

describe('generated clients', () => {
  it('typecheck on their own, outside the repository, with correct handlers', { timeout: 120_000 }, async () => {
    const dir = await tempDir('clients-good');
    cleanup.push(dir.remove);
    await writeFiles(dir.path, files);
    await writeFiles(dir.path, { 'handlers.ts': goodHandlers });
    const result = await tsc(dir.path);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('make a missing handler and a mistyped payload compile errors', { timeout: 120_000 }, async () => {
    const dir = await tempDir('clients-bad');
    cleanup.push(dir.remove);
    await writeFiles(dir.path, files);
    await writeFiles(dir.path, { 'handlers.ts': badHandlers });
    const result = await tsc(dir.path);
    expect(result.code).not.toBe(0);
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('handlers.ts('));
    const at = (line: number, code: string) => errors.some((e) => e.startsWith(`handlers.ts(${line},`) && e.includes(code));
    expect(at(6, 'TS2741'), result.stdout).toBe(true); // property 'onPaymentFailed' is missing
    expect(at(13, 'TS2322'), result.stdout).toBe(true); // string is not assignable to boolean
    expect(result.stdout).toContain(`'"shipped"' is not assignable to type 'OrderCreatedStatus'`);
    expect(result.stdout).toMatch(/Property ''?total''? is missing/);
    expect(result.stdout).toContain(`'"urgent"' is not assignable`);
    expect(at(25, 'TS2345'), result.stdout).toBe(true); // subscribe without onPaymentFailed
  });

  it('dispatch each delivery to its handler and publish with the send descriptor', { timeout: 120_000 }, async () => {
    // Inside the repository so the validators find ajv at runtime.
    const dir = join(repoRoot, '.eventplane', `test-clients-${process.pid}`);
    await mkdir(dir, { recursive: true });
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await writeOutput(dir, files);
    const client = await import(join(dir, 'clients/shop/order.ts'));
    const calls: string[] = [];
    const subscribed: { queue: string; handler: (d: unknown, c: unknown) => Promise<void> }[] = [];
    const published: { routingKey: string; exchange: string; payload: unknown; message: string }[] = [];
    const bus = {
      async subscribe(receive: { queue: string }, handler: (d: unknown, c: unknown) => Promise<void>) {
        subscribed.push({ queue: receive.queue, handler });
        return { queue: receive.queue, cancel: async () => {} };
      },
      async publish(send: { routingKey: string; exchange: string; message: { name: string; validate: (d: unknown) => boolean } }, payload: unknown) {
        published.push({ routingKey: send.routingKey, exchange: send.exchange, payload, message: send.message.name });
        expect(send.message.validate(payload)).toBe(true);
        return { messageId: 'm1' };
      },
    };
    const subscriptions = await client.subscribeOrder(bus, {
      onPaymentSucceeded: async (d: { payload: unknown }) => void calls.push(`succeeded ${JSON.stringify(d.payload)}`),
      onPaymentFailed: async (d: { payload: unknown }) => void calls.push(`failed ${JSON.stringify(d.payload)}`),
    });
    expect(subscriptions.map((s: { queue: string }) => s.queue)).toEqual(['order.payments']);
    await subscribed[0]!.handler({ name: 'PaymentFailed', payload: { orderId: 1, reason: 'declined' } }, {});
    await subscribed[0]!.handler({ name: 'PaymentSucceeded', payload: { orderId: 2 } }, {});
    expect(calls).toEqual(['failed {"orderId":1,"reason":"declined"}', 'succeeded {"orderId":2}']);
    await expect(subscribed[0]!.handler({ name: 'OrderCreated', payload: {} }, {})).rejects.toThrow('is not received on queue order.payments');

    const publisher = client.createOrderPublisher(bus);
    const payload = { orderId: 1, status: 'new', total: { amount: 1, currency: 'GBP' }, lines: [{ sku: 'a', quantity: 1 }] };
    await expect(publisher.publishOrderCreated(payload)).resolves.toEqual({ messageId: 'm1' });
    expect(published).toEqual([{ routingKey: 'shop.order.created', exchange: 'shop.events', payload, message: 'OrderCreated' }]);
    expect(client.orderPaymentsReceive).toMatchObject({
      queue: 'order.payments',
      retry: { retries: 3, delaysMs: [2000, 10954, 60000], exchange: 'order.retry', queues: ['order.payments.retry.1', 'order.payments.retry.2', 'order.payments.retry.3'] },
      deadLetter: { exchange: 'order.dlx', routingKey: 'order.payments', queue: 'order.payments.dlq' },
    });
  });
});

/**
 * Request/reply over the reply queue the document names (test/fixtures/specs/rpc: checkout asks
 * stock, replies in lab.stock.replies) on a real broker, each side as its least-privilege user
 * from the compiled topology: the request carries the queue as reply_to, the reply travels
 * through it, an error reply too, and only the requester may read the queue.
 */
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAmqpBus, type AmqpBus } from '../../../src/runtime/amqp-bus.js';
import type { Delivery } from '../../../src/runtime/contract.js';
import { RemoteError } from '../../../src/runtime/errors.js';
import { applyTestTopology } from '../../support/broker.js';
import { checkoutService, checkStockSend, labTopology, REPLY_QUEUE, stockCheckStockReceive, stockService, type CheckStock } from '../../support/lab-stock.js';
import { quietLogger } from './support.js';

let env: Awaited<ReturnType<typeof applyTestTopology>>;
let stock: AmqpBus;
let checkout: AmqpBus;
const replyTos: (string | undefined)[] = [];

beforeAll(async () => {
  env = await applyTestTopology(await labTopology(), 'fixedreply');
  stock = await createAmqpBus({ urls: [env.serviceUrl('lab/stock')], service: stockService, logger: quietLogger() });
  await stock.subscribe(stockCheckStockReceive, async (delivery: Delivery) => {
    const { sku } = delivery.payload as CheckStock;
    replyTos.push(delivery.envelope.replyTo);
    if (sku === 'boom') throw new Error('the warehouse is on fire');
    return { sku, available: sku.length };
  });
  checkout = await createAmqpBus({ urls: [env.serviceUrl('lab/checkout')], service: checkoutService, logger: quietLogger() });
});

afterAll(async () => {
  await checkout?.close();
  await stock?.close();
});

describe('request/reply over the reply queue the document names, on a real broker', () => {
  it('round trips through lab.stock.replies: the request names it as reply_to', async () => {
    const replies = await Promise.all(['A-1', 'B-22', 'C-333'].map((sku) => checkout.request(checkStockSend, { sku }, { timeoutMs: 20_000 })));
    expect(replies).toEqual([
      { sku: 'A-1', available: 3 },
      { sku: 'B-22', available: 4 },
      { sku: 'C-333', available: 5 },
    ]);
    expect(new Set(replyTos)).toEqual(new Set([REPLY_QUEUE]));
  });

  it('an error in the replier comes back through the queue as a RemoteError', async () => {
    const error = await checkout.request(checkStockSend, { sku: 'boom' }, { timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toContain('the warehouse is on fire');
  });

  it('permissions allow exactly that path: the replier may not read the reply queue', async () => {
    const connection = await amqp.connect(env.serviceUrl('lab/stock'));
    connection.on('error', () => {});
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      const refused = await channel.consume(REPLY_QUEUE, () => {}).catch((e: Error) => e);
      expect(String(refused)).toMatch(/ACCESS_REFUSED|403/);
    } finally {
      await connection.close().catch(() => {});
    }
  });
});

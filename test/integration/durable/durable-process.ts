/**
 * A service process for the crash tests, killed with SIGKILL by the test at the worst moment.
 * It reports over IPC and then hangs, so the only way out is the kill. Modes (env MODE):
 *
 * - commit:  adds EVENTS OrderCreated events to the outbox and commits; reports `committed`.
 *            No relay runs: the crash comes after the commit and before any publish.
 * - claim:   the same, then starts a relay whose publisher never confirms; reports `publishing`
 *            once the relay has leased the rows and handed the first to the publisher.
 * - pipeline-crash: adds AGGREGATES × EVENTS interleaved events (./interleaved-events.ts),
 *            starts a relay on the real broker (AMQP_URL) whose publisher sends every event but
 *            each third one, which it holds forever; reports `publishing` (with the expected
 *            billing order per aggregate) once the others are confirmed: a relay crash after its
 *            successors went out and before anything was marked.
 * - consume: consumes billing.orders with a transactional inbox handler that records the order
 *            in `handled_orders`; reports `committed` after the handler's transaction commits,
 *            and never returns, so the delivery is never acknowledged.
 *
 * The store comes from DATABASE_URL / PGLITE_DATA_DIR; the broker from AMQP_URL.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { DurableInbox } from '../../../src/durable/inbox.js';
import { openStore, storeOptionsFromEnv } from '../../../src/durable/open-store.js';
import { Outbox } from '../../../src/durable/outbox.js';
import { OutboxRelay } from '../../../src/durable/outbox-relay.js';
import { createAmqpBus } from '../../../src/runtime/amqp-bus.js';
import type { EventPublisher } from '../../../src/runtime/contract.js';
import { billingOrders, billingService, orderService, publishOrderCreated } from '../../fixtures/runtime/shop-contract.js';
import { addInterleaved } from './interleaved-events.js';

const report = (message: Record<string, unknown>) => process.send?.(message);
const hang = () => new Promise<never>(() => setInterval(() => undefined, 60_000));
const quiet = pino({ level: 'silent' });

async function addEvents(count: number): Promise<void> {
  const store = await openStore(storeOptionsFromEnv());
  const outbox = new Outbox(store);
  const orderId = randomUUID();
  const ids = await store.transaction(async (tx) => {
    const added: string[] = [];
    for (let n = 0; n < count; n++) {
      const { messageId } = await outbox.add(tx, {
        send: publishOrderCreated,
        payload: { orderId, customerId: `c-${n}`, total: n, currency: 'EUR', lines: [{ sku: 'SKU-1', quantity: 1, price: n }] },
        aggregateId: orderId,
      });
      added.push(messageId);
    }
    return added;
  });
  report({ event: 'committed', ids });
  if (process.env['MODE'] === 'claim') {
    const stuck: EventPublisher = {
      publish: () => {
        report({ event: 'publishing' });
        return new Promise(() => undefined);
      },
    };
    const relay = new OutboxRelay({ store, publisher: stuck, leaseMs: Number(process.env['LEASE_MS'] ?? 60_000), logger: quiet, registry: new Registry() });
    await relay.start();
  }
}

async function consume(): Promise<void> {
  const store = await openStore(storeOptionsFromEnv());
  await store.exec('CREATE TABLE IF NOT EXISTS handled_orders (message_id text PRIMARY KEY, order_id text NOT NULL)');
  const inbox = new DurableInbox(store);
  const bus = await createAmqpBus({ urls: [process.env['AMQP_URL']!], service: billingService, logger: quiet, metrics: new Registry() });
  const handle = inbox.handle(billingOrders, async (delivery, _context, tx) => {
    await tx.query('INSERT INTO handled_orders (message_id, order_id) VALUES ($1, $2)', [
      delivery.envelope.messageId,
      (delivery.payload as { orderId: string }).orderId,
    ]);
  });
  await bus.subscribe(billingOrders, async (delivery, context) => {
    await handle(delivery, context);
    report({ event: 'committed', id: delivery.envelope.messageId });
    await hang();
  });
  report({ event: 'ready' });
}

async function pipelineCrash(): Promise<void> {
  const store = await openStore(storeOptionsFromEnv());
  const expected = await addInterleaved(store, Number(process.env['AGGREGATES'] ?? 4), Number(process.env['EVENTS'] ?? 6));
  const bus = await createAmqpBus({ urls: [process.env['AMQP_URL']!], service: orderService, logger: quiet, metrics: new Registry() });
  let calls = 0;
  const sent: Promise<unknown>[] = [];
  const holding: EventPublisher = {
    publish: (send, payload, options) => {
      if (++calls % 3 === 0) return new Promise(() => undefined);
      const publish = bus.publish(send, payload, options);
      sent.push(publish);
      return publish;
    },
  };
  const relay = new OutboxRelay({ store, publisher: holding, leaseMs: Number(process.env['LEASE_MS'] ?? 60_000), logger: quiet, registry: new Registry() });
  await relay.start();
  const total = Number(process.env['AGGREGATES'] ?? 4) * Number(process.env['EVENTS'] ?? 6);
  while (calls < total) await new Promise((resolve) => setTimeout(resolve, 20));
  await Promise.allSettled(sent);
  report({ event: 'publishing', ids: [...expected].flatMap(([orderId, ids]) => ids.map((id) => `${orderId} ${id}`)) });
}

const mode = process.env['MODE'];
if (mode === 'consume') await consume();
else if (mode === 'pipeline-crash') await pipelineCrash();
else await addEvents(Number(process.env['EVENTS'] ?? 1));
await hang();

/**
 * The pipelined relay keeps every aggregate's order at the consumer, on real PostgreSQL and
 * PGlite with the real broker: interleaved events of many aggregates, with faults injected from
 * the test side — publishes the broker refused (nacked) while their successors went through, the
 * broker closing the publisher's connection mid-stream, and a relay killed (SIGKILL) after it had
 * sent an aggregate's later events but not the earlier ones. Billing (a durable inbox on its own
 * database) must apply each aggregate's events exactly once, in order; audit, which receives
 * another of the aggregate's events, keeps billing waiting for nothing.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DurableInbox } from '../../../src/durable/inbox.js';
import { openStore } from '../../../src/durable/open-store.js';
import { OutboxRelay } from '../../../src/durable/outbox-relay.js';
import type { DurableStore } from '../../../src/durable/store.js';
import type { EventPublisher } from '../../../src/runtime/contract.js';
import { EP } from '../../../src/runtime/envelope.js';
import { QueueFullError } from '../../../src/runtime/errors.js';
import { auditArchive, auditService, billingOrders, billingService, orderSends, orderService } from '../../fixtures/runtime/shop-contract.js';
import { STORE_KINDS, testDatabase, type TestDatabase } from '../../support/postgres.js';
import { shopBroker, until } from '../runtime/support.js';
import { addInterleaved, type BillingExpectation } from './interleaved-events.js';
import { spawnDurableProcess } from './support.js';

const quiet = pino({ level: 'silent' });
const AGGREGATES = 12;
const EVENTS = 9;
/** The waits are bounded by the events' delivery, not by a speed: generous, for a shared and busy machine. */
const TEST_TIMEOUT_MS = 300_000;

describe.each(STORE_KINDS)('pipelined relay keeps each aggregate in order on %s', { timeout: TEST_TIMEOUT_MS }, (kind) => {
  let broker: Awaited<ReturnType<typeof shopBroker>>;
  const databases: TestDatabase[] = [];
  const stores: DurableStore[] = [];
  const relays: OutboxRelay[] = [];
  /** aggregate id → message ids in the order billing applied them. */
  let applied: Map<string, string[]>;
  let seqs: Map<string, number[]>;

  beforeAll(async () => {
    broker = await shopBroker(`pipelined-${kind}`);
  });
  afterAll(async () => {
    await broker.close();
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await broker.closeBuses();
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await Promise.all(databases.splice(0).map((db) => db.dispose()));
  });

  async function database(label: string): Promise<TestDatabase> {
    const db = await testDatabase(kind, label);
    databases.push(db);
    return db;
  }

  async function open(db: TestDatabase): Promise<DurableStore> {
    const store = await openStore(db.options);
    stores.push(store);
    return store;
  }

  /** Billing with a durable inbox on its own database, and audit draining its small queue. */
  async function consumers(): Promise<void> {
    applied = new Map();
    seqs = new Map();
    const inboxStore = await open(await database(`billing-${kind}`));
    const inbox = new DurableInbox(inboxStore, { gapWaitMs: 120_000 });
    const billing = await broker.bus(billingService, { inbox });
    await billing.subscribe(billingOrders, async (delivery) => {
      const subject = delivery.envelope.subject!;
      applied.set(subject, [...(applied.get(subject) ?? []), delivery.envelope.messageId]);
      seqs.set(subject, [...(seqs.get(subject) ?? []), Number(delivery.envelope.headers[EP.sequence])]);
    });
    const audit = await broker.bus(auditService);
    await audit.subscribe(auditArchive, async () => undefined);
  }

  async function relay(store: DurableStore, publisher: EventPublisher, leaseMs?: number): Promise<OutboxRelay> {
    const started = new OutboxRelay({
      store,
      publisher,
      sends: orderSends,
      logger: quiet,
      registry: new Registry(),
      pollIntervalMs: 100,
      retry: { initialMs: 100, maxMs: 400, factor: 2, jitter: 0 },
      ...(leaseMs !== undefined ? { leaseMs } : {}),
    });
    relays.push(started);
    await started.start();
    return started;
  }

  async function expectInOrder(expected: BillingExpectation): Promise<void> {
    const total = [...expected.values()].reduce((sum, ids) => sum + ids.length, 0);
    const count = () => [...applied.values()].reduce((sum, ids) => sum + ids.length, 0);
    await until(() => count() >= total, `${total} events applied by billing`, 240_000);
    for (const [orderId, ids] of expected) expect(applied.get(orderId), `aggregate ${orderId}`).toEqual(ids);
    for (const [, applied] of seqs) expect(applied).toEqual([...applied].sort((a, b) => a - b));
    expect(count()).toBe(total);
  }

  it('applies events in order when the broker refused some while their successors went through', async () => {
    await consumers();
    const store = await open(await database(`nack-${kind}`));
    const expected = await addInterleaved(store, AGGREGATES, EVENTS);
    const bus = await broker.bus(orderService);
    const refused = new Set<string>();
    let calls = 0;
    // Every fifth publish is refused once, as a nack would: nothing sent, the successors are.
    const nacking: EventPublisher = {
      publish: (send, payload, options) => {
        const id = options!.messageId!;
        if (++calls % 5 === 0 && !refused.has(id)) {
          refused.add(id);
          return Promise.reject(new QueueFullError({ exchange: send.exchange, routingKey: send.routingKey, messageId: id }));
        }
        return bus.publish(send, payload, options);
      },
    };
    await relay(store, nacking);
    await expectInOrder(expected);
    expect(refused.size).toBeGreaterThan(10);
  });

  it('applies events in order when the broker closes the relay’s connection mid-stream', async () => {
    await consumers();
    const store = await open(await database(`conn-${kind}`));
    const expected = await addInterleaved(store, AGGREGATES, EVENTS);
    const bus = await broker.bus(orderService);
    // The management API lists a new connection with a lag: know the relay's before the stream starts.
    let ours: { name: string }[] = [];
    await until(async () => {
      ours = (await broker.management.connections()).filter((c) => c.vhost === broker.vhost && c.user.endsWith('shop-order'));
      return ours.length > 0;
    }, 'the order service’s connection in the management API');
    let calls = 0;
    let closing: Promise<number> | undefined;
    // The 20th publish closes the connection; later ones go out only once it is closed, so the
    // close lands mid-stream with earlier publishes unconfirmed and later ones still to come.
    const cutting: EventPublisher = {
      publish: async (send, payload, options) => {
        if (++calls === 20) {
          closing = Promise.all(ours.map((c) => broker.management.closeConnection(c.name, 'test: broker closes the connection'))).then(() => ours.length);
        }
        if (calls > 20) await closing;
        return bus.publish(send, payload, options);
      },
    };
    await relay(store, cutting);
    await expectInOrder(expected);
    expect(await closing).toBeGreaterThan(0);
  });

  it('applies events in order after a relay was killed having sent later events but not earlier ones', async () => {
    await consumers();
    const producer = await database(`crash-${kind}`);
    const child = spawnDurableProcess({
      MODE: 'pipeline-crash',
      AGGREGATES: String(AGGREGATES),
      EVENTS: String(EVENTS),
      LEASE_MS: '1500',
      AMQP_URL: broker.serviceUrl(orderService.id),
      ...producer.env,
    });
    const { ids } = await child.report('publishing', 240_000);
    await child.crash();
    const expected: BillingExpectation = new Map();
    for (const entry of ids!) {
      const [orderId, id] = entry.split(' ') as [string, string];
      expected.set(orderId, [...(expected.get(orderId) ?? []), id]);
    }
    // Billing has applied only up to each aggregate's first held event; the rest wait for it.
    const store = await open(producer);
    await relay(store, await broker.bus(orderService), 1_500);
    await expectInOrder(expected);
  });
});

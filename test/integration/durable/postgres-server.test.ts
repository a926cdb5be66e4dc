/**
 * What only a server with many connections can show: migrations raced by several instances at
 * start-up, writers of one aggregate serialised by the outbox (so commit order is seq order),
 * concurrent saga transitions resolved by the optimistic version, and the relay's LISTEN
 * connection — woken at commit, and re-established when the server drops it.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/durable/open-store.js';
import { Outbox } from '../../../src/durable/outbox.js';
import { OutboxRelay } from '../../../src/durable/outbox-relay.js';
import { defineSaga } from '../../../src/durable/saga/definition.js';
import { SagaEngine } from '../../../src/durable/saga/engine.js';
import type { DurableStore } from '../../../src/durable/store.js';
import { testDatabase, type TestDatabase } from '../../support/postgres.js';
import { checkoutSaga, commands } from '../../unit/durable/checkout-saga.js';
import { delivery, message, publishNoteAdded, RecordingPublisher, until } from '../../unit/durable/fixtures.js';

describe('durable state on a PostgreSQL server', () => {
  let db: TestDatabase;
  const stores: DurableStore[] = [];

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await db.dispose();
  });

  async function open(): Promise<DurableStore> {
    const store = await openStore(db.options);
    stores.push(store);
    return store;
  }

  it('applies migrations once when several instances start at the same moment', async () => {
    db = await testDatabase('postgres', 'migrate-race');
    const opened = await Promise.all(Array.from({ length: 4 }, () => open()));
    const { rows } = await opened[0]!.query<{ version: number }>('SELECT version FROM eventplane.schema_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual([1, 2, 3, 4]);
  });

  it('serialises writers of one aggregate until commit, so seq order is commit order', async () => {
    db = await testDatabase('postgres', 'outbox-order');
    const store = await open();
    const outbox = new Outbox(store);
    const add = (tx: Parameters<Parameters<DurableStore['transaction']>[0]>[0], aggregateId: string) =>
      outbox.add(tx, { send: publishNoteAdded, payload: { noteId: aggregateId, n: 1 }, aggregateId });

    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstAdded!: () => void;
    const firstHasAdded = new Promise<void>((resolve) => (firstAdded = resolve));
    const first = store.transaction(async (tx) => {
      const receipt = await add(tx, 'X');
      firstAdded();
      await firstMayCommit;
      return receipt;
    });
    await firstHasAdded;

    let secondPid = 0;
    const second = store.transaction(async (tx) => {
      secondPid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      return add(tx, 'X');
    });
    await until(async () => {
      if (secondPid === 0) return false;
      const { rows } = await store.query<{ wait_event_type: string | null }>('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [secondPid]);
      return rows[0]?.wait_event_type === 'Lock';
    }, 'the second writer of X to wait for the first');
    // Another aggregate is not held up.
    await store.transaction((tx) => add(tx, 'Y'));

    releaseFirst();
    const [a, b] = await Promise.all([first, second]);
    const { rows } = await store.query<{ id: string }>(`SELECT id FROM ${store.table('outbox')} WHERE aggregate_id = 'X' ORDER BY seq`);
    expect(rows.map((row) => row.id)).toEqual([a.messageId, b.messageId]);
  });

  it('applies concurrent events on one saga instance one after another (optimistic version)', async () => {
    db = await testDatabase('postgres', 'saga-concurrency');
    const store = await open();
    const schema = { type: 'object', required: ['counterId'], properties: { counterId: { type: 'string' } } };
    const Open = message<{ counterId: string }>('test', 'Open', schema);
    const Tick = message<{ counterId: string }>('test', 'Tick', schema);
    const counter = defineSaga<{ ticks: number }>()({
      name: 'counter',
      events: { Open, Tick },
      states: ['counting'],
      final: [],
      correlateBy: { Open: (e) => e.payload.counterId, Tick: (e) => e.payload.counterId },
    })
      .startsWith('Open', async () => ({ state: 'counting', data: { ticks: 0 } }))
      .during('counting', {
        timeout: false,
        on: {
          Tick: async (saga) => {
            saga.data.ticks += 1;
          },
        },
      })
      .build();
    const sagas = new SagaEngine({ store, sagas: [counter], logger: pino({ level: 'silent' }), registry: new Registry(), maxAttempts: 50 });
    const counterId = randomUUID();
    await sagas.dispatch(delivery(Open, { counterId }));
    await Promise.all(Array.from({ length: 20 }, () => sagas.dispatch(delivery(Tick, { counterId }))));
    expect(await sagas.instance('counter', counterId)).toMatchObject({ data: { ticks: 20 }, version: 21 });
  });

  it('begins a saga once when the same start races itself', async () => {
    db = await testDatabase('postgres', 'saga-begin');
    const store = await open();
    const definition = checkoutSaga();
    const sagas = new SagaEngine({ store, sagas: [definition], logger: pino({ level: 'silent' }), registry: new Registry() });
    const id = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        sagas.begin(definition, id, async (saga) => {
          await saga.publish(commands.reserveStock, { checkoutId: saga.id, lines: [{ sku: 'SKU-1', quantity: 1 }] });
          return { state: 'reservingStock', data: { customerId: 'c', total: 5 } };
        }),
      ),
    );
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'started']);
    const { rows } = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${store.table('outbox')}`);
    expect(rows[0]!.n).toBe(1);
  });

  it('wakes the relay by NOTIFY at commit, and again after the server dropped its LISTEN connection', async () => {
    db = await testDatabase('postgres', 'relay-listen');
    const store = await open();
    const outbox = new Outbox(store);
    const publisher = new RecordingPublisher();
    // A one-hour poll: only a notification can make it publish within the test.
    const relay = new OutboxRelay({ store, publisher, pollIntervalMs: 3_600_000, logger: pino({ level: 'silent' }), registry: new Registry() });
    await relay.start();
    try {
      await until(async () => (await listeners(store)).length === 1, 'the LISTEN connection');
      const add = (n: number) => store.transaction((tx) => outbox.add(tx, { send: publishNoteAdded, payload: { noteId: 'listen', n }, aggregateId: 'listen' }));
      await add(1);
      await publisher.waitFor(1);

      const [old] = await listeners(store);
      await store.query('SELECT pg_terminate_backend($1)', [old]);
      await until(async () => {
        const now = await listeners(store);
        return now.length === 1 && now[0] !== old;
      }, 'the LISTEN connection to come back');
      await add(2);
      await publisher.waitFor(2);
      expect(publisher.published.map((p) => (p.payload as { n: number }).n)).toEqual([1, 2]);
    } finally {
      await relay.stop();
    }
  });
});

/** Backends of this database that are LISTENing (the relay's dedicated connection). */
async function listeners(store: DurableStore): Promise<number[]> {
  const { rows } = await store.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'eventplane-listen' AND state IS NOT NULL`,
  );
  return rows.map((row) => row.pid);
}

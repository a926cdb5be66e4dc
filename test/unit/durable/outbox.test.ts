import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/durable/open-store.js';
import { Outbox, aggregateTypeOf } from '../../../src/durable/outbox.js';
import { OutboxRelay, type OutboxRelayOptions } from '../../../src/durable/outbox-relay.js';
import { StoreMisuseError, type DurableStore } from '../../../src/durable/store.js';
import { InvalidPayloadError } from '../../../src/runtime/errors.js';
import { runWithCause } from '../../../src/runtime/causation.js';
import { RecordingPublisher, publishNoteAdded, delivery, NoteAddedMessage, until } from './fixtures.js';

const quiet = pino({ level: 'silent' });

describe('outbox and relay (PGlite)', () => {
  let store: DurableStore;
  let outbox: Outbox;
  const relays: OutboxRelay[] = [];

  function relay(publisher: RecordingPublisher, options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const created = new OutboxRelay({
      store,
      publisher,
      logger: quiet,
      registry: new Registry(),
      retry: { initialMs: 5, maxMs: 20, factor: 2, jitter: 0 },
      ...options,
    });
    relays.push(created);
    return created;
  }

  beforeAll(async () => {
    store = await openStore();
    outbox = new Outbox(store);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await store.query(`DELETE FROM ${store.table('outbox')}`);
  });
  afterAll(async () => {
    await store.close();
  });

  async function add(aggregateId: string, n: number, extra: { messageId?: string } = {}) {
    return store.transaction((tx) => outbox.add(tx, { send: publishNoteAdded, payload: { noteId: aggregateId, n }, aggregateId, ...extra }));
  }

  it('publishes an event only when the transaction that added it commits', async () => {
    const publisher = new RecordingPublisher();
    await expect(
      store.transaction(async (tx) => {
        await outbox.add(tx, { send: publishNoteAdded, payload: { noteId: 'rolled-back', n: 1 }, aggregateId: 'rolled-back' });
        throw new Error('the domain change failed');
      }),
    ).rejects.toThrow('the domain change failed');
    const { messageId } = await add('n-1', 1);
    const cycle = await relay(publisher).runOnce();
    expect(cycle).toEqual({ claimed: 1, published: 1, failed: 0 });
    expect(publisher.published).toHaveLength(1);
    const [published] = publisher.published;
    expect(published!.messageId).toBe(messageId);
    expect(published!.payload).toEqual({ noteId: 'n-1', n: 1 });
    expect(published!.options).toMatchObject({ messageId, subject: 'n-1' });
    expect(published!.send.routingKey).toBe('productivity.note.added');
    const { rows } = await store.query<{ published_at: Date | null }>(`SELECT published_at FROM ${store.table('outbox')}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.published_at).toBeInstanceOf(Date);
    expect(await relay(publisher).runOnce()).toEqual({ claimed: 0, published: 0, failed: 0 });
  });

  it('refuses an invalid payload inside the caller’s transaction, which rolls back', async () => {
    const attempt = store.transaction((tx) =>
      outbox.add(tx, { send: publishNoteAdded, payload: { noteId: '', n: 1.5 } as never, aggregateId: 'bad' }),
    );
    await expect(attempt).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(attempt).rejects.toThrow(/noteId must NOT have fewer than 1 characters.*n must be integer/);
    const { rows } = await store.query(`SELECT 1 FROM ${store.table('outbox')}`);
    expect(rows).toHaveLength(0);
  });

  it('refuses a transaction of another store', async () => {
    const other = await openStore();
    try {
      await expect(
        other.transaction((tx) => outbox.add(tx, { send: publishNoteAdded, payload: { noteId: 'x', n: 1 }, aggregateId: 'x' })),
      ).rejects.toBeInstanceOf(StoreMisuseError);
    } finally {
      await other.close();
    }
  });

  it('refuses store.query inside store.transaction instead of hanging on PGlite', async () => {
    await expect(store.transaction(() => store.query('SELECT 1'))).rejects.toThrow(/use the transaction handle/);
  });

  it('inherits the delivery being handled as the cause, and keeps the aggregate type from the routing key', async () => {
    expect(aggregateTypeOf('shop.order.created')).toBe('order');
    expect(aggregateTypeOf('send.email')).toBe('email');
    const cause = delivery(NoteAddedMessage, { noteId: 'c', n: 0 }, { correlationId: 'corr-1', tenantId: 'tenant-9' });
    await runWithCause(cause.envelope, () => add('n-2', 1));
    const publisher = new RecordingPublisher();
    await relay(publisher).runOnce();
    const options = publisher.published[0]!.options!;
    expect(options.causedBy).toMatchObject({ messageId: cause.envelope.messageId, correlationId: 'corr-1', tenantId: 'tenant-9' });
    const { rows } = await store.query<{ aggregate_type: string }>(`SELECT aggregate_type FROM ${store.table('outbox')}`);
    expect(rows[0]!.aggregate_type).toBe('note');
  });

  it('numbers each aggregate’s events and publishes past a failed one, which is retried with its own number', async () => {
    const ids: Record<string, string[]> = { a: [], b: [] };
    for (let n = 1; n <= 5; n++) {
      for (const aggregate of ['a', 'b'] as const) ids[aggregate]!.push((await add(aggregate, n)).messageId);
    }
    const publisher = new RecordingPublisher();
    publisher.failNext(ids.a![1]!, 2);
    const first = await relay(publisher).runOnce();
    // Pipelined: a's later events go out without waiting; consumers restore the order by sequence.
    expect(first).toEqual({ claimed: 10, published: 9, failed: 1 });
    const name = (p: { payload: unknown }) => (p.payload as { noteId: string }).noteId + (p.payload as { n: number }).n;
    expect(publisher.published.map(name).sort()).toEqual(['a1', 'a3', 'a4', 'a5', 'b1', 'b2', 'b3', 'b4', 'b5']);
    const running = relay(publisher);
    await running.start();
    await publisher.waitFor(10);
    const sequenceOf = (aggregate: string) =>
      publisher.published
        .filter((p) => (p.payload as { noteId: string }).noteId === aggregate)
        .map((p) => [p.messageId, p.options?.sequence?.seq] as const)
        .sort((x, y) => x[1]! - y[1]!);
    expect(sequenceOf('a')).toEqual(ids.a!.map((id, i) => [id, i + 1]));
    expect(sequenceOf('b')).toEqual(ids.b!.map((id, i) => [id, i + 1]));
    const { rows } = await store.query<{ attempts: number; last_error: string | null }>(
      `SELECT attempts, last_error FROM ${store.table('outbox')} WHERE id = $1`,
      [ids.a![1]],
    );
    // The history stays on the row: two failed attempts and why.
    expect(rows[0]).toEqual({ attempts: 2, last_error: `Error: broker said no to ${ids.a![1]}` });
  });

  it('claims and publishes a partition\u2019s next batch while the previous one awaits its confirms, in seq order', async () => {
    const ids: string[] = [];
    for (let n = 1; n <= 12; n++) ids.push((await add('hot', n)).messageId);
    const publisher = new RecordingPublisher();
    const cycles: number[] = [];
    const release = publisher.hold();
    const running = relay(publisher, { batchSize: 5, onCycle: (cycle) => cycles.push(cycle.claimed) }).runOnce();
    // The second batch is out while none of the first is confirmed.
    await until(() => publisher.attempts.length === 10, 'the second batch');
    expect(cycles).toEqual([]);
    release();
    expect(await running).toEqual({ claimed: 12, published: 12, failed: 0 });
    expect(cycles).toEqual([5, 5, 2]);
    expect(publisher.attempts).toEqual(ids);
    expect(publisher.published.map((p) => p.options?.sequence?.seq)).toEqual(ids.map((_, i) => i + 1));
    expect((await relay(publisher).backlog()).pending).toBe(0);
    const { rows } = await store.query<{ claimed_by: string | null }>(`SELECT DISTINCT claimed_by FROM ${store.table('outbox_partitions')}`);
    expect(rows).toEqual([{ claimed_by: null }]);
  });

  it('does not pipeline unsequenced rows: each waits for its predecessor\u2019s confirm', async () => {
    for (let n = 1; n <= 12; n++) await add('legacy', n);
    await store.query(`UPDATE ${store.table('outbox')} SET aggregate_seq = NULL, after_seq = NULL`);
    const publisher = new RecordingPublisher();
    const release = publisher.hold();
    const running = relay(publisher, { batchSize: 5 }).runOnce();
    await until(() => publisher.attempts.length === 1, 'the first publish');
    // Held: nothing else of the aggregate may go out, in this batch or a next one.
    await new Promise((resolve) => setImmediate(resolve));
    expect(publisher.attempts).toHaveLength(1);
    release();
    expect(await running).toEqual({ claimed: 5, published: 5, failed: 0 });
  });

  it('wakes on NOTIFY at commit rather than waiting for the poll', async () => {
    const publisher = new RecordingPublisher();
    const running = relay(publisher, { pollIntervalMs: 60_000 });
    await running.start();
    // Let the first (empty) cycle finish so the relay is asleep on its one-minute poll.
    await until(async () => (await running.backlog()).pending === 0, 'the first cycle');
    const started = Date.now();
    await add('woken', 1);
    await publisher.waitFor(1, 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('lets two relays share the outbox with no event published twice and every aggregate in order', async () => {
    const expected = new Map<string, string[]>();
    for (let n = 1; n <= 20; n++) {
      for (let a = 0; a < 10; a++) {
        const aggregate = `agg-${a}`;
        const { messageId } = await add(aggregate, n);
        expected.set(aggregate, [...(expected.get(aggregate) ?? []), messageId]);
      }
    }
    const publisher = new RecordingPublisher();
    const one = relay(publisher, { batchSize: 7, partitionsPerClaim: 2 });
    const two = relay(publisher, { batchSize: 7, partitionsPerClaim: 2 });
    await Promise.all([one.start(), two.start()]);
    await publisher.waitFor(200);
    expect(new Set(publisher.published.map((p) => p.messageId)).size).toBe(200);
    for (const [aggregate, ids] of expected) {
      expect(publisher.published.filter((p) => (p.payload as { noteId: string }).noteId === aggregate).map((p) => p.messageId)).toEqual(ids);
    }
  });

  it('uses the service’s own send descriptors when given, and only its own rows', async () => {
    await add('mine', 1);
    await store.transaction((tx) =>
      outbox.add(tx, { send: { ...publishNoteAdded, service: 'orbita/other' }, payload: { noteId: 'theirs', n: 1 }, aggregateId: 'theirs' }),
    );
    const publisher = new RecordingPublisher();
    const cycle = await relay(publisher, { service: 'orbita/notes', sends: [publishNoteAdded] }).runOnce();
    expect(cycle.published).toBe(1);
    expect(publisher.published[0]!.send).toBe(publishNoteAdded);
    expect((await relay(publisher, { service: 'orbita/other' }).backlog()).pending).toBe(1);
  });

  it('reports pending events, the oldest one’s age, lag and publishes as Prometheus metrics', async () => {
    const registry = new Registry();
    const publisher = new RecordingPublisher();
    const running = relay(publisher, { registry, metricsLabel: 'notes', pollIntervalMs: 60_000 });
    await add('m', 1);
    await add('m', 2);
    await running.start();
    await publisher.waitFor(2);
    await until(async () => (await running.backlog()).pending === 0, 'rows marked');
    const after = await metricValues(registry);
    expect(after['eventplane_outbox_pending{outbox="notes"}']).toBe(0);
    expect(after['eventplane_outbox_oldest_pending_age_seconds{outbox="notes"}']).toBe(0);
    expect(after['eventplane_outbox_published_total{outbox="notes",type="orbita.NoteAdded"}']).toBe(2);
    expect(after['eventplane_outbox_relay_lag_seconds_count{outbox="notes"}']).toBe(2);
  });

  it('shows a waiting event in the pending gauge and its age', async () => {
    const registry = new Registry();
    await add('w', 1);
    const publisher = new RecordingPublisher();
    const release = publisher.hold();
    const held = relay(publisher, { registry, metricsLabel: 'held' });
    await held.start();
    await until(() => publisher.attempts.length === 1, 'the publish attempt');
    const values = await metricValues(registry);
    expect(values['eventplane_outbox_pending{outbox="held"}']).toBe(1);
    expect(values['eventplane_outbox_oldest_pending_age_seconds{outbox="held"}']).toBeGreaterThanOrEqual(0);
    release();
  });
});

async function metricValues(registry: Registry): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const value of metric.values as Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>) {
      const labels = Object.entries(value.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      out[`${value.metricName ?? metric.name}{${labels}}`] = value.value;
    }
  }
  return out;
}

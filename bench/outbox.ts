/**
 * The outbox section of `npm run bench`: how fast the relay drains a backlog of committed
 * events to the broker, on PostgreSQL (a server started for the run, fsync on) and on PGlite
 * (a data directory), against raw amqplib publishing (confirm channel, window 1000) and
 * eventplane's direct publish, measured in the same round on the same broker and queue.
 *
 * One round: fill the outbox with N 1 KiB events (one aggregate each, as orders would be; not
 * timed), start a relay, time until all are confirmed and marked. Two more PostgreSQL figures put
 * every event in ONE aggregate: pipelined (the events carry their aggregate's sequence numbers
 * and go out back to back), and "before" — the same rows with their sequence numbers removed,
 * which the relay publishes one after another as it did before sequence numbers existed — so
 * the gain is measured in the same run, on the same broker.
 *
 * Targets (issue 15): relay ≥ 0.8× raw publish on PostgreSQL, ≥ 0.5× on PGlite, one hot
 * aggregate ≥ 0.5×; each a paired ratio (per round, against that round's raw publish), median
 * of the rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { openStore } from '../src/durable/open-store.js';
import { Outbox } from '../src/durable/outbox.js';
import { OutboxRelay } from '../src/durable/outbox-relay.js';
import type { DurableStore } from '../src/durable/store.js';
import type { EventPublisher } from '../src/runtime/contract.js';
import { startPostgres } from '../src/local-cluster/postgres-server.js';
import { median, type BenchContext, type BenchSection, type SectionResult } from './harness.js';
import { eventplaneBus, eventplanePublish, RawClient } from './runtime/contenders.js';
import { windowed } from './runtime/drive.js';
import { benchObjects, benchOrder, benchSend, ROUTING_KEY, type BenchObjects } from './runtime/message.js';

const WINDOW = 1_000;
const FILL_BATCH = 200;
const TARGETS = { postgres: 0.8, pglite: 0.5, postgresHotAggregate: 0.5 } as const;

export const section: BenchSection = {
  name: 'outbox',
  title: 'transactional outbox: relay throughput on PostgreSQL and PGlite vs raw publish',
  order: 20,
  run,
};

interface Target {
  readonly name: string;
  readonly store: DurableStore;
}

async function run(context: BenchContext): Promise<SectionResult> {
  const rounds = context.quick ? 1 : 3;
  const events = context.quick ? 2_000 : 10_000;
  const capMs = context.quick ? 20_000 : 60_000;
  const objects = benchObjects(context.prefix);
  await declare(context.amqpUrl, objects);
  context.log('starting PostgreSQL (fsync on) and PGlite (data directory)…');
  const postgres = await startPostgres({ durable: true });
  const pgliteDir = mkdtempSync(join(tmpdir(), 'eventplane-bench-pglite-'));
  const raw = await RawClient.connect(context.amqpUrl);
  const bus = await eventplaneBus(context.amqpUrl);
  const targets: Target[] = [
    { name: 'postgres', store: await openStore({ databaseUrl: postgres.url }) },
    { name: 'pglite', store: await openStore({ dataDir: pgliteDir }) },
  ];
  const purge = () => raw.channel.purgeQueue(objects.queue);
  const figures = { raw: [] as number[], eventplane: [] as number[], postgres: [] as number[], pglite: [] as number[], postgresHot: [] as number[], postgresHotBefore: [] as number[] };
  const show = (name: string, perSecond: number, detail: string) => context.log(`  ${name.padEnd(18)} ${Math.round(perSecond).toLocaleString('en-US')} events/s (${detail})`);
  try {
    await windowed(() => raw.publish(objects), 2_000, WINDOW, capMs);
    await windowed(eventplanePublish(bus, objects), 2_000, WINDOW, capMs);
    await relayRound(targets[0]!.store, bus, objects, 500, 'spread', capMs);
    await purge();
    for (let round = 1; round <= rounds; round++) {
      context.log(`round ${round}/${rounds}`);
      const rawRun = await windowed(() => raw.publish(objects), events, WINDOW, capMs);
      figures.raw.push(rawRun.perSecond);
      show('raw publish', rawRun.perSecond, `${rawRun.count} in ${rawRun.ms.toFixed(0)} ms`);
      await purge();
      const direct = await windowed(eventplanePublish(bus, objects), events, WINDOW, capMs);
      figures.eventplane.push(direct.perSecond);
      show('eventplane publish', direct.perSecond, `${direct.count} in ${direct.ms.toFixed(0)} ms`);
      await purge();
      for (const target of targets) {
        const relayed = await relayRound(target.store, bus, objects, events, 'spread', capMs);
        figures[target.name as 'postgres' | 'pglite'].push(relayed.perSecond);
        show(`relay ${target.name}`, relayed.perSecond, `${relayed.count} in ${relayed.ms.toFixed(0)} ms`);
        await purge();
      }
      const hot = await relayRound(targets[0]!.store, bus, objects, events, 'hot', capMs);
      figures.postgresHot.push(hot.perSecond);
      show('relay pg 1 aggregate', hot.perSecond, `${hot.count} in ${hot.ms.toFixed(0)} ms`);
      await purge();
      const before = await relayRound(targets[0]!.store, bus, objects, events, 'hot-unsequenced', capMs);
      figures.postgresHotBefore.push(before.perSecond);
      show('  before (serial)', before.perSecond, `${before.count} in ${before.ms.toFixed(0)} ms`);
      await purge();
    }
  } finally {
    await bus.close();
    await raw.close();
    for (const target of targets) await target.store.close().catch(() => {});
    await postgres.stop();
    rmSync(pgliteDir, { recursive: true, force: true });
    await remove(context.amqpUrl, objects);
  }

  const result = {
    raw: Math.round(median(figures.raw)),
    eventplane: Math.round(median(figures.eventplane)),
    postgres: Math.round(median(figures.postgres)),
    pglite: Math.round(median(figures.pglite)),
    postgresHotAggregate: Math.round(median(figures.postgresHot)),
    postgresHotAggregateBefore: Math.round(median(figures.postgresHotBefore)),
  };
  // Per round against that round's raw publish: the load on a shared machine drifts between rounds.
  const paired = (values: number[]) => Math.round(median(values.map((value, i) => value / figures.raw[i]!)) * 100) / 100;
  const ratios = {
    postgres: paired(figures.postgres),
    pglite: paired(figures.pglite),
    postgresHotAggregate: paired(figures.postgresHot),
    postgresHotAggregateBefore: paired(figures.postgresHotBefore),
  };
  const json = {
    outbox: {
      relay: {
        postgres: result.postgres,
        pglite: result.pglite,
        postgresHotAggregate: result.postgresHotAggregate,
        postgresHotAggregateBefore: result.postgresHotAggregateBefore,
      },
      publish: { raw: result.raw, eventplane: result.eventplane },
      ratioToRaw: ratios,
      targets: TARGETS,
    },
  };
  const row = (metric: string, value: number, ratio: number, target: number | undefined): SectionResult['rows'][number] => ({
    section: 'outbox',
    metric,
    unit: 'events/s',
    values: { raw: result.raw, eventplane: result.eventplane, relay: value },
    ratio: target === undefined ? { value: ratio, target: 'info', met: true } : { value: ratio, target: `≥ ${target}`, met: ratio >= target },
  });
  return {
    json,
    rows: [
      row('relay, PostgreSQL', result.postgres, ratios.postgres, TARGETS.postgres),
      row('relay, PGlite', result.pglite, ratios.pglite, TARGETS.pglite),
      row('relay, PostgreSQL, 1 aggregate', result.postgresHotAggregate, ratios.postgresHotAggregate, TARGETS.postgresHotAggregate),
      row('  before: 1 aggregate, one after another', result.postgresHotAggregateBefore, ratios.postgresHotAggregateBefore, undefined),
    ],
    chart: {
      title: 'outbox relay vs raw publish (1 KiB persistent, quorum queue)',
      panels: [
        {
          title: 'throughput',
          unit: 'events/s',
          groups: [
            { label: 'publish', bars: [{ series: 'raw amqplib', value: result.raw }, { series: 'eventplane', value: result.eventplane }] },
            { label: 'relay', bars: relayBars(result) },
          ],
        },
        {
          // Percent rather than a ratio: the chart labels its axis with one decimal.
          title: 'relay as a share of raw publish (paired per round; targets 80 / 50 / 50 %)',
          unit: '%',
          groups: [
            {
              label: 'relay',
              bars: [
                { series: 'PostgreSQL', value: Math.round(ratios.postgres * 100) },
                { series: 'PGlite', value: Math.round(ratios.pglite * 100) },
                { series: 'PostgreSQL, 1 aggregate', value: Math.round(ratios.postgresHotAggregate * 100) },
                { series: '1 aggregate, before (serial)', value: Math.round(ratios.postgresHotAggregateBefore * 100) },
              ],
            },
          ],
        },
      ],
    },
  };
}

function relayBars(result: { postgres: number; pglite: number; postgresHotAggregate: number; postgresHotAggregateBefore: number }) {
  return [
    { series: 'PostgreSQL', value: result.postgres },
    { series: 'PGlite', value: result.pglite },
    { series: 'PostgreSQL, 1 aggregate', value: result.postgresHotAggregate },
    { series: '1 aggregate, before (serial)', value: result.postgresHotAggregateBefore },
  ];
}

/**
 * Fills the outbox (untimed), then times one relay draining it. `hot`: every event in one
 * aggregate; `hot-unsequenced`: the same with the sequence numbers removed (the relay then
 * publishes them one after another: the behaviour before sequence numbers).
 */
async function relayRound(
  store: DurableStore,
  publisher: EventPublisher,
  objects: BenchObjects,
  events: number,
  spread: 'spread' | 'hot' | 'hot-unsequenced',
  capMs: number,
) {
  const outbox = new Outbox(store);
  const send = benchSend(objects);
  for (let filled = 0; filled < events; filled += FILL_BATCH) {
    await store.transaction(async (tx) => {
      for (let n = filled; n < Math.min(events, filled + FILL_BATCH); n++) {
        const order = benchOrder();
        await outbox.add(tx, { send, payload: order, aggregateId: spread === 'spread' ? order.orderId : 'hot' });
      }
    });
  }
  if (spread === 'hot-unsequenced') await store.query(`UPDATE ${store.table('outbox')} SET aggregate_seq = NULL, after_seq = NULL`);
  let published = 0;
  let done!: () => void;
  const drained = new Promise<void>((resolve) => (done = resolve));
  const relay = new OutboxRelay({
    store,
    publisher,
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    onCycle: (cycle) => {
      published += cycle.published;
      if (published >= events) done();
    },
  });
  const started = performance.now();
  await relay.start();
  const timer = setTimeout(done, capMs);
  await drained;
  const ms = performance.now() - started;
  clearTimeout(timer);
  await relay.stop();
  // Leave the next round an empty outbox: whatever the cap left behind is dropped, not carried over.
  await store.query(`DELETE FROM ${store.table('outbox')}`);
  return { count: published, ms, perSecond: (published * 1000) / ms };
}

async function declare(url: string, objects: BenchObjects): Promise<void> {
  const model = await amqp.connect(url);
  const channel = await model.createChannel();
  await channel.assertExchange(objects.exchange, 'topic', { durable: true });
  await channel.assertQueue(objects.queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(objects.queue, objects.exchange, ROUTING_KEY);
  await model.close();
}

async function remove(url: string, objects: BenchObjects): Promise<void> {
  const model = await amqp.connect(url);
  const channel = await model.createChannel();
  await channel.deleteQueue(objects.queue);
  await channel.deleteExchange(objects.exchange);
  await model.close();
}

/**
 * The runtime section: 1 KiB persistent messages to one quorum queue, in one run on one broker.
 *
 *   publish  raw amqplib (confirm channel, window 1000) vs eventplane's typed publisher
 *            (validation, envelope, confirms, window 1000) vs rascal (its defaults)
 *   consume  raw amqplib (prefetch 50, ack each) vs eventplane (decode, validate, inbox, ack;
 *            prefetch 50, concurrency 10 — the contract defaults)
 *   latency  publish→handler at 2,000 msg/s, p50/p95/p99, raw vs eventplane
 *
 * Contenders alternate within each round (in reverse order every other round) and the medians of
 * the rounds are reported; ratios are the median of the per-round ratios, because runs on a shared
 * machine drift by up to 2× (compare the ratios, not absolute figures). Two extra publish rows
 * separate the cost of the envelope on the wire from the runtime's own: raw amqplib sending the
 * same envelope eventplane writes (6 properties and 2 ce-* headers, per docs/CONTRACTS.md), and
 * raw amqplib sending only the envelope's AMQP properties.
 */
import amqp from 'amqplib';
import { median, percentile, type BenchContext, type BenchSection, type SectionResult } from '../harness.js';
import { benchObjects, eventplaneBus, eventplaneConsume, eventplanePublish, nowMs, rascalBroker, rascalPublish, RawClient } from '../runtime/contenders.js';
import { paced, windowed } from '../runtime/drive.js';
import { ROUTING_KEY, type BenchObjects, type BenchOrder } from '../runtime/message.js';

const WINDOW = 1_000;
const PREFETCH = 50;
const RATE = 2_000;
// The bare publish ratio is reported without a target: raw amqplib there carries none of the envelope.
const TARGETS = { publishRawEnvelope: 0.95, consume: 0.85, p95: 1.2 };

export const section: BenchSection = {
  name: 'runtime',
  title: 'messaging runtime: publish, consume, end-to-end latency',
  order: 10,
  run,
};

async function run(context: BenchContext): Promise<SectionResult> {
  const rounds = context.quick ? 2 : 5;
  const messages = context.quick ? 3_000 : 10_000;
  const capMs = context.quick ? 2_000 : 4_000;
  const latencyMs = context.quick ? 2_000 : 4_000;
  const latencyRounds = context.quick ? 1 : 3;
  const objects = benchObjects(context.prefix);
  await declare(context.amqpUrl, objects);
  const raw = await RawClient.connect(context.amqpUrl);
  const bus = await eventplaneBus(context.amqpUrl);
  const rascal = await rascalBroker(context.amqpUrl, context.vhost, objects);
  const user = decodeURIComponent(new URL(context.amqpUrl).username);
  const purge = () => raw.channel.purgeQueue(objects.queue);
  const publish = { raw: [] as number[], eventplane: [] as number[], rascal: [] as number[], rawEnvelope: [] as number[], rawProperties: [] as number[] };
  const consume = { raw: [] as number[], eventplane: [] as number[] };
  const latency = { raw: [] as number[][], eventplane: [] as number[][] };
  const show = (name: string, perSecond: number) => context.log(`  ${name.padEnd(22)} ${Math.round(perSecond).toLocaleString('en-US').padStart(7)} msg/s`);
  try {
    // Warm-up: JIT, channels, the queue's first segment.
    await windowed(() => raw.publish(objects), 2_000, WINDOW, capMs);
    await windowed(eventplanePublish(bus, objects), 2_000, WINDOW, capMs);
    await purge();

    // Contenders alternate within each round; the load on a shared machine drifts, so each
    // ratio is taken within a round and the median of the rounds reported.
    for (let round = 1; round <= rounds; round++) {
      context.log(`round ${round}/${rounds}: publish ${messages} (at most ${capMs / 1000} s each)`);
      const contenders = [
        ['raw', 'raw amqplib', () => raw.publish(objects)],
        ['eventplane', 'eventplane', eventplanePublish(bus, objects)],
        ['rascal', 'rascal', rascalPublish(rascal)],
        ['rawEnvelope', 'raw + same envelope', () => raw.publishEnveloped(objects, user)],
        ['rawProperties', 'raw + properties only', () => raw.publishEnveloped(objects, user, false)],
      ] as const;
      for (const [key, label, send] of round % 2 === 0 ? [...contenders].reverse() : contenders) {
        const result = await windowed(send, messages, WINDOW, capMs);
        publish[key].push(result.perSecond);
        show(label, result.perSecond);
        await purge();
      }
      context.log(`round ${round}/${rounds}: consume ${messages}`);
      for (const name of round % 2 === 0 ? (['eventplane', 'raw'] as const) : (['raw', 'eventplane'] as const)) {
        // Filled by eventplane so both consumers read the same enveloped messages.
        await windowed(eventplanePublish(bus, objects), messages, WINDOW, 120_000);
        const ms = name === 'raw' ? await raw.consume(objects.queue, messages, PREFETCH) : await eventplaneConsume(bus, objects, messages);
        consume[name].push((messages * 1000) / ms);
        show(name, (messages * 1000) / ms);
        await purge();
      }
    }
    for (let round = 1; round <= latencyRounds; round++) {
      context.log(`latency round ${round}/${latencyRounds}: ${RATE} msg/s for ${latencyMs / 1000} s each`);
      latency.raw.push(await rawLatency(raw, objects, latencyMs));
      latency.eventplane.push(await eventplaneLatency(bus, objects, latencyMs));
      context.log(`  raw p95 ${percentile(latency.raw.at(-1)!, 95).toFixed(2)} ms, eventplane p95 ${percentile(latency.eventplane.at(-1)!, 95).toFixed(2)} ms`);
      await purge();
    }
  } finally {
    await bus.close();
    await rascal.shutdown().catch(() => {});
    await raw.close();
    await remove(context.amqpUrl, objects);
  }

  const percentiles = (runs: number[][]) => ({
    p50: median(runs.map((r) => percentile(r, 50))),
    p95: median(runs.map((r) => percentile(r, 95))),
    p99: median(runs.map((r) => percentile(r, 99))),
  });
  const pairedRatio = (a: number[], b: number[]) => median(a.map((value, i) => value / b[i]!));
  const figures = {
    publish: { raw: median(publish.raw), eventplane: median(publish.eventplane), rascal: median(publish.rascal), rawEnvelope: median(publish.rawEnvelope) },
    consume: { raw: median(consume.raw), eventplane: median(consume.eventplane) },
    latency: { raw: percentiles(latency.raw), eventplane: percentiles(latency.eventplane) },
  };
  const publishRatio = pairedRatio(publish.eventplane, publish.raw);
  const envelopeRatio = pairedRatio(publish.rawEnvelope, publish.raw);
  const likeForLike = pairedRatio(publish.eventplane, publish.rawEnvelope);
  const propertiesRatio = pairedRatio(publish.rawProperties, publish.raw);
  const consumeRatio = pairedRatio(consume.eventplane, consume.raw);
  const p95Ratio = pairedRatio(
    latency.eventplane.map((r) => percentile(r, 95)),
    latency.raw.map((r) => percentile(r, 95)),
  );
  const round2 = (n: number) => Math.round(n * 100) / 100;
  const json = {
    publish: mapValues(figures.publish, Math.round),
    /** Paired per-round ratios: eventplane against raw amqplib with the same envelope (target), and against the bare raw publish (reported). */
    publishRatio: { rawEnvelope: round2(likeForLike), raw: round2(publishRatio) },
    consume: mapValues(figures.consume, Math.round),
    latency: { raw: mapValues(figures.latency.raw, round2), eventplane: mapValues(figures.latency.eventplane, round2) },
  };
  context.log(`paired ratios: publish ${publishRatio.toFixed(2)} (raw with the envelope's properties only ${propertiesRatio.toFixed(2)}, with the same envelope ${envelopeRatio.toFixed(2)}; eventplane vs that ${likeForLike.toFixed(2)}), consume ${consumeRatio.toFixed(2)}, p95 ${p95Ratio.toFixed(2)}`);
  const rows: SectionResult['rows'] = [
    {
      section: 'runtime',
      metric: 'publish 1 KiB → quorum',
      unit: 'msg/s',
      values: { raw: figures.publish.raw, eventplane: figures.publish.eventplane, rascal: figures.publish.rascal },
      ratio: { value: publishRatio, target: 'info', met: true },
    },
    {
      section: 'runtime',
      metric: 'publish, raw with envelope properties only',
      unit: 'msg/s',
      values: { raw: median(publish.rawProperties) },
      ratio: { value: propertiesRatio, target: 'info', met: true },
    },
    {
      section: 'runtime',
      metric: 'publish, raw with the same envelope',
      unit: 'msg/s',
      values: { raw: median(publish.rawEnvelope), eventplane: figures.publish.eventplane },
      ratio: { value: likeForLike, target: `≥ ${TARGETS.publishRawEnvelope}`, met: likeForLike >= TARGETS.publishRawEnvelope },
    },
    {
      section: 'runtime',
      metric: 'consume (validate+inbox+ack)',
      unit: 'msg/s',
      values: { raw: figures.consume.raw, eventplane: figures.consume.eventplane },
      ratio: { value: consumeRatio, target: `≥ ${TARGETS.consume}`, met: consumeRatio >= TARGETS.consume },
    },
    ...(['p50', 'p95', 'p99'] as const).map((p) => ({
      section: 'runtime',
      metric: `latency ${p} @ ${RATE} msg/s`,
      unit: 'ms',
      values: { raw: figures.latency.raw[p], eventplane: figures.latency.eventplane[p] },
      ...(p === 'p95' ? { ratio: { value: p95Ratio, target: `≤ ${TARGETS.p95}`, met: p95Ratio <= TARGETS.p95 } } : {}),
    })),
  ];
  return {
    json,
    rows,
    chart: {
      title: 'eventplane runtime vs raw amqplib and rascal (1 KiB persistent, quorum queue)',
      panels: [
        {
          title: 'throughput',
          unit: 'msg/s',
          groups: [
            {
              label: 'publish',
              bars: [
                { series: 'raw amqplib', value: json.publish.raw },
                { series: 'eventplane', value: json.publish.eventplane },
                { series: 'rascal', value: json.publish.rascal },
              ],
            },
            { label: 'consume', bars: [{ series: 'raw amqplib', value: json.consume.raw }, { series: 'eventplane', value: json.consume.eventplane }] },
          ],
        },
        {
          title: `end-to-end latency at ${RATE} msg/s`,
          unit: 'ms',
          groups: (['p50', 'p95', 'p99'] as const).map((p) => ({
            label: p,
            bars: [
              { series: 'raw amqplib', value: json.latency.raw[p] },
              { series: 'eventplane', value: json.latency.eventplane[p] },
            ],
          })),
        },
      ],
    },
  };
}

async function rawLatency(raw: RawClient, objects: BenchObjects, durationMs: number): Promise<number[]> {
  const samples: number[] = [];
  const expected = Math.floor((durationMs * RATE) / 1000);
  const consuming = raw.consume(objects.queue, expected, PREFETCH, (body) => {
    samples.push(nowMs() - (JSON.parse(body.toString()) as BenchOrder).sentAt);
  });
  await paced(() => void raw.publish(objects), RATE, expected);
  await consuming;
  return steady(samples);
}

async function eventplaneLatency(bus: Awaited<ReturnType<typeof eventplaneBus>>, objects: BenchObjects, durationMs: number): Promise<number[]> {
  const samples: number[] = [];
  const expected = Math.floor((durationMs * RATE) / 1000);
  const publish = eventplanePublish(bus, objects);
  const consuming = eventplaneConsume(bus, objects, expected, (order) => samples.push(nowMs() - order.sentAt));
  await paced(() => void publish(), RATE, expected);
  await consuming;
  return steady(samples);
}

/** Drops the first 10 % (connection warm-up) and sorts. */
function steady(samples: number[]): number[] {
  return samples.slice(Math.floor(samples.length / 10)).sort((a, b) => a - b);
}

async function declare(url: string, objects: BenchObjects): Promise<void> {
  const model = await amqp.connect(url);
  const channel = await model.createChannel();
  await channel.assertExchange(objects.exchange, 'topic', { durable: true });
  await channel.assertExchange(objects.retryExchange, 'direct', { durable: true });
  await channel.assertExchange(objects.deadLetterExchange, 'direct', { durable: true });
  await channel.assertQueue(objects.queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.assertQueue(objects.deadLetterQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(objects.queue, objects.exchange, ROUTING_KEY);
  await channel.bindQueue(objects.queue, objects.retryExchange, objects.queue);
  await channel.bindQueue(objects.deadLetterQueue, objects.deadLetterExchange, objects.queue);
  await model.close();
}

async function remove(url: string, objects: BenchObjects): Promise<void> {
  const model = await amqp.connect(url);
  const channel = await model.createChannel();
  for (const queue of [objects.queue, objects.deadLetterQueue]) await channel.deleteQueue(queue);
  for (const exchange of [objects.exchange, objects.retryExchange, objects.deadLetterExchange]) await channel.deleteExchange(exchange);
  await model.close();
}

function mapValues<T extends Record<string, number>>(object: T, fn: (value: number) => number): { [K in keyof T]: number } {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v)])) as { [K in keyof T]: number };
}

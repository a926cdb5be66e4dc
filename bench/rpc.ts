/**
 * The request/reply section: round trips of the saas pair (GetUserProfile → UserProfile) through
 * one quorum queue and RabbitMQ direct reply-to, eventplane vs raw amqplib, in one run on one
 * broker, with 1 and with 64 requests in flight.
 *
 *   raw         the RabbitMQ tutorial's RPC: the requester consumes amq.rabbitmq.reply-to
 *               (no-ack) on the channel it publishes on, matches correlation_id; the replier
 *               (prefetch 50) parses the request, publishes the reply to the default exchange,
 *               acks.
 *   eventplane  the generated descriptors on two buses: request validated, envelope, reply_to;
 *               the replier decodes, validates, runs the handler through the inbox, validates
 *               and sends the reply, acks (prefetch 50, concurrency 10, the contract defaults);
 *               the requester validates the reply.
 *
 * Contenders alternate within each round (reversed every other round); ratios are the median of
 * the per-round ratios (the machine is shared: compare ratios, not absolute figures).
 */
import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { reportsService, requestUserProfileSend } from '../generated/clients/saas/reports.js';
import { usersGetUserProfileReceive, usersService } from '../generated/clients/saas/users.js';
import type { UserProfile } from '../generated/types/saas.js';
import { createAmqpBus, type AmqpBus } from '../src/runtime/amqp-bus.js';
import type { ReceiveDescriptor, RequestDescriptor } from '../src/runtime/contract.js';
import { median, percentile, type BenchContext, type BenchSection, type SectionResult } from './harness.js';
import { windowed } from './runtime/drive.js';

const IN_FLIGHT = [1, 64] as const;
const TARGETS = { throughput: 0.9, p95: 1.2 };
const ROUTING_KEY = 'get.user_profile';
/** The raw contender's requests go to a queue of their own: eventplane's replier would refuse them. */
const RAW_KEY = 'raw.get.user_profile';

export const section: BenchSection = {
  name: 'rpc',
  title: 'request/reply round trips over direct reply-to: eventplane vs raw amqplib',
  order: 20,
  run,
};

interface Objects {
  readonly exchange: string;
  /** eventplane's request queue (routing key ROUTING_KEY); raw uses its own, RAW_KEY. */
  readonly queue: string;
  readonly rawQueue: string;
  readonly retryExchange: string;
  readonly deadLetterExchange: string;
  readonly deadLetterQueue: string;
}

const profile = (userId: string): UserProfile => ({ userId, email: 'grace@example.com', fullName: 'Grace Hopper', role: 'admin', locale: 'en-US', status: 'active' });

/** One contender: a request function and how to stop it. */
interface Contender {
  request(): Promise<unknown>;
  close(): Promise<void>;
}

async function rawContender(url: string, objects: Objects): Promise<Contender> {
  // TCP_NODELAY: without it the replier's reply and ack (two small writes) wait on Nagle and the
  // peer's delayed ACK, which made the baseline 40 ms slow with one request in flight.
  const replierModel = await amqp.connect(url, { noDelay: true });
  replierModel.on('error', () => {});
  const replier = await replierModel.createChannel();
  await replier.prefetch(50);
  await replier.consume(objects.rawQueue, (message) => {
    if (!message) return;
    const request = JSON.parse(message.content.toString()) as { userId: string };
    replier.publish('', message.properties.replyTo as string, Buffer.from(JSON.stringify(profile(request.userId))), {
      correlationId: message.properties.correlationId as string,
      contentType: 'application/json',
    });
    replier.ack(message);
  });
  const requesterModel = await amqp.connect(url, { noDelay: true });
  requesterModel.on('error', () => {});
  const requester = await requesterModel.createChannel();
  const waiting = new Map<string, (reply: unknown) => void>();
  await requester.consume(
    'amq.rabbitmq.reply-to',
    (reply: ConsumeMessage | null) => {
      if (!reply) return;
      const resolve = waiting.get(reply.properties.correlationId as string);
      if (resolve === undefined) return;
      waiting.delete(reply.properties.correlationId as string);
      resolve(JSON.parse(reply.content.toString()));
    },
    { noAck: true },
  );
  return {
    request: () =>
      new Promise((resolve) => {
        const id = randomUUID();
        waiting.set(id, resolve);
        requester.publish(objects.exchange, RAW_KEY, Buffer.from(JSON.stringify({ userId: id })), {
          replyTo: 'amq.rabbitmq.reply-to',
          correlationId: id,
          contentType: 'application/json',
        });
      }),
    close: async () => {
      for (const model of [requesterModel, replierModel] as ChannelModel[]) await model.close().catch(() => {});
    },
  };
}

async function eventplaneContender(url: string, objects: Objects): Promise<Contender> {
  const logger = pino({ level: 'silent' });
  // The generated descriptors, pointed at this run's objects. The bench runs as one administrator
  // user, so the sender check (which expects saas-reports) is left out.
  const send: RequestDescriptor<{ userId: string }, UserProfile> = { ...requestUserProfileSend, exchange: objects.exchange };
  const receive = {
    ...usersGetUserProfileReceive,
    queue: objects.queue,
    senders: undefined,
    retry: { ...usersGetUserProfileReceive.retry, exchange: objects.retryExchange },
    deadLetter: { exchange: objects.deadLetterExchange, routingKey: objects.queue, queue: objects.deadLetterQueue },
  } as ReceiveDescriptor;
  const users: AmqpBus = await createAmqpBus({ urls: [url], service: usersService, logger, metrics: new Registry() });
  await users.subscribe(receive, async (delivery) => profile((delivery.payload as { userId: string }).userId));
  const reports: AmqpBus = await createAmqpBus({ urls: [url], service: reportsService, logger, metrics: new Registry() });
  return {
    request: () => reports.request(send, { userId: randomUUID() }, { timeoutMs: 30_000 }),
    close: async () => {
      await reports.close();
      await users.close();
    },
  };
}

interface Sample {
  readonly perSecond: number;
  readonly latencies: number[];
}

/** `count` round trips with `inFlight` outstanding; each one's latency in ms. */
async function measure(contender: Contender, count: number, inFlight: number, capMs: number): Promise<Sample> {
  const latencies: number[] = [];
  const timed = () => {
    const started = performance.now();
    return contender.request().then(() => latencies.push(performance.now() - started));
  };
  const result = await windowed(timed, count, inFlight, capMs);
  return { perSecond: result.perSecond, latencies: latencies.sort((a, b) => a - b) };
}

async function run(context: BenchContext): Promise<SectionResult> {
  const rounds = context.quick ? 2 : 5;
  const counts = { 1: context.quick ? 500 : 2_000, 64: context.quick ? 3_000 : 10_000 } as const;
  const capMs = context.quick ? 2_000 : 4_000;
  const queue = `${context.prefix}.get.user_profile`;
  const objects: Objects = {
    exchange: `${context.prefix}.tasks`,
    queue,
    rawQueue: `${queue}.raw`,
    retryExchange: `${context.prefix}.retry`,
    deadLetterExchange: `${context.prefix}.dlx`,
    deadLetterQueue: `${queue}.dlq`,
  };
  await declare(context.amqpUrl, objects, 'create');
  const contenders = { raw: await rawContender(context.amqpUrl, objects), eventplane: await eventplaneContender(context.amqpUrl, objects) };
  type Name = keyof typeof contenders;
  const samples: Record<(typeof IN_FLIGHT)[number], Record<Name, Sample[]>> = { 1: { raw: [], eventplane: [] }, 64: { raw: [], eventplane: [] } };
  try {
    for (const name of ['raw', 'eventplane'] as const) await measure(contenders[name], 500, 16, capMs); // warm-up
    for (let round = 1; round <= rounds; round++) {
      for (const inFlight of IN_FLIGHT) {
        for (const name of round % 2 === 0 ? (['eventplane', 'raw'] as const) : (['raw', 'eventplane'] as const)) {
          const sample = await measure(contenders[name], counts[inFlight], inFlight, capMs);
          samples[inFlight][name].push(sample);
          context.log(
            `round ${round}/${rounds} ${String(inFlight).padStart(2)} in flight ${name.padEnd(10)} ${Math.round(sample.perSecond).toLocaleString('en-US').padStart(6)} round trips/s, p50 ${percentile(sample.latencies, 50).toFixed(2)} ms, p95 ${percentile(sample.latencies, 95).toFixed(2)} ms`,
          );
        }
      }
    }
  } finally {
    await contenders.raw.close();
    await contenders.eventplane.close();
    await declare(context.amqpUrl, objects, 'delete');
  }

  const round2 = (n: number) => Math.round(n * 100) / 100;
  const figures = (inFlight: (typeof IN_FLIGHT)[number]) => {
    const of = (name: Name) => samples[inFlight][name];
    const at = (name: Name, p: number) => median(of(name).map((s) => percentile(s.latencies, p)));
    const paired = (f: (s: Sample) => number) => median(of('eventplane').map((s, i) => f(s) / f(of('raw')[i]!)));
    return {
      raw: Math.round(median(of('raw').map((s) => s.perSecond))),
      eventplane: Math.round(median(of('eventplane').map((s) => s.perSecond))),
      p50: { raw: round2(at('raw', 50)), eventplane: round2(at('eventplane', 50)) },
      p95: { raw: round2(at('raw', 95)), eventplane: round2(at('eventplane', 95)) },
      ratio: { throughput: round2(paired((s) => s.perSecond)), p95: round2(paired((s) => percentile(s.latencies, 95))) },
    };
  };
  const single = figures(1);
  const many = figures(64);
  const rows: SectionResult['rows'] = [single, many].flatMap((f, i) => {
    const label = `${IN_FLIGHT[i]} in flight`;
    return [
      {
        section: 'rpc',
        metric: `round trips, ${label}`,
        unit: '/s',
        values: { raw: f.raw, eventplane: f.eventplane },
        ratio: { value: f.ratio.throughput, target: `≥ ${TARGETS.throughput}`, met: f.ratio.throughput >= TARGETS.throughput },
      },
      { section: 'rpc', metric: `round trip p50, ${label}`, unit: 'ms', values: { raw: f.p50.raw, eventplane: f.p50.eventplane } },
      {
        section: 'rpc',
        metric: `round trip p95, ${label}`,
        unit: 'ms',
        values: { raw: f.p95.raw, eventplane: f.p95.eventplane },
        ratio: { value: f.ratio.p95, target: `≤ ${TARGETS.p95}`, met: f.ratio.p95 <= TARGETS.p95 },
      },
    ];
  });
  const bars = (raw: number, eventplane: number) => [
    { series: 'raw amqplib', value: raw },
    { series: 'eventplane', value: eventplane },
  ];
  return {
    // The headline figures are those with 64 in flight; `inFlight1` holds the single-request ones.
    json: {
      rpc: {
        raw: many.raw,
        eventplane: many.eventplane,
        p50: many.p50,
        p95: many.p95,
        inFlight64: many,
        inFlight1: single,
      },
    },
    rows,
    chart: {
      title: 'request/reply over direct reply-to: eventplane vs raw amqplib (GetUserProfile → UserProfile)',
      panels: [
        { title: 'round trips per second', unit: '/s', groups: [single, many].map((f, i) => ({ label: `${IN_FLIGHT[i]} in flight`, bars: bars(f.raw, f.eventplane) })) },
        {
          title: 'round trip latency',
          unit: 'ms',
          groups: [single, many].flatMap((f, i) => [
            { label: `p50 @${IN_FLIGHT[i]}`, bars: bars(f.p50.raw, f.p50.eventplane) },
            { label: `p95 @${IN_FLIGHT[i]}`, bars: bars(f.p95.raw, f.p95.eventplane) },
          ]),
        },
      ],
    },
  };
}

async function declare(url: string, objects: Objects, action: 'create' | 'delete'): Promise<void> {
  const model = await amqp.connect(url);
  const channel: Channel = await model.createChannel();
  if (action === 'create') {
    for (const exchange of [objects.exchange, objects.retryExchange, objects.deadLetterExchange]) await channel.assertExchange(exchange, 'direct', { durable: true });
    for (const queue of [objects.queue, objects.rawQueue, objects.deadLetterQueue]) await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue(objects.queue, objects.exchange, ROUTING_KEY);
    await channel.bindQueue(objects.rawQueue, objects.exchange, RAW_KEY);
    await channel.bindQueue(objects.deadLetterQueue, objects.deadLetterExchange, objects.queue);
  } else {
    for (const queue of [objects.queue, objects.rawQueue, objects.deadLetterQueue]) await channel.deleteQueue(queue);
    for (const exchange of [objects.exchange, objects.retryExchange, objects.deadLetterExchange]) await channel.deleteExchange(exchange);
  }
  await model.close();
}

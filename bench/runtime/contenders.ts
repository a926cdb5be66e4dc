/**
 * The clients under test, each reduced to "publish one message (resolve on confirm)" and
 * "consume N messages": raw amqplib (the baseline), eventplane (typed publisher with validation;
 * consumer with decode, validation, inbox and ack) and rascal (publisher with its defaults).
 */
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { createAmqpBus, type AmqpBus } from '../../src/runtime/amqp-bus.js';
import type { Delivery } from '../../src/runtime/contract.js';
import { benchObjects, benchOrder, benchReceive, benchSend, benchService, nowMs, ROUTING_KEY, type BenchObjects, type BenchOrder } from './message.js';

export class RawClient {
  private constructor(
    readonly model: ChannelModel,
    readonly channel: ConfirmChannel,
  ) {}

  static async connect(url: string): Promise<RawClient> {
    const model = await amqp.connect(url);
    const channel = await model.createConfirmChannel();
    return new RawClient(model, channel);
  }

  /** What a careful amqplib user writes: serialise, persistent, wait for the confirm. */
  publish(objects: BenchObjects): Promise<void> {
    return new Promise((resolve, reject) => {
      this.channel.publish(objects.exchange, ROUTING_KEY, Buffer.from(JSON.stringify(benchOrder())), { persistent: true, contentType: 'application/json' }, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  /**
   * The same message eventplane sends (envelope on properties and ce-* headers), built by hand the
   * way a raw amqplib service honouring the contract would: no validation, no runtime. Without
   * `headers` only the AMQP properties the envelope names are set.
   */
  publishEnveloped(objects: BenchObjects, user: string, headers = true): Promise<void> {
    const order = benchOrder();
    const id = randomUUID();
    const now = Date.now();
    return new Promise((resolve, reject) => {
      this.channel.publish(
        objects.exchange,
        ROUTING_KEY,
        Buffer.from(JSON.stringify(order)),
        {
          persistent: true,
          contentType: 'application/json',
          messageId: id,
          type: 'bench.BenchOrder',
          timestamp: Math.floor(now / 1000),
          appId: 'bench/orders',
          correlationId: id,
          userId: user,
          headers: headers ? { 'ce-time': new Date(now).toISOString(), 'ce-dataversion': '1.0.0' } : undefined,
        },
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }

  /** Consumes `count` messages with manual acks; `onMessage` sees each body (latency runs parse it). */
  async consume(queue: string, count: number, prefetch: number, onMessage?: (body: Buffer) => void): Promise<number> {
    const channel = await this.model.createChannel();
    await channel.prefetch(prefetch);
    let received = 0;
    const started = performance.now();
    let tag = '';
    await new Promise<void>((resolve) => {
      void channel
        .consume(
          queue,
          (message) => {
            if (!message) return;
            onMessage?.(message.content);
            channel.ack(message);
            if (++received === count) resolve();
          },
          { noAck: false },
        )
        .then((reply) => (tag = reply.consumerTag));
    });
    const ms = performance.now() - started;
    await channel.cancel(tag);
    await channel.close();
    return ms;
  }

  async close(): Promise<void> {
    await this.model.close().catch(() => {});
  }
}

export async function eventplaneBus(url: string): Promise<AmqpBus> {
  const user = decodeURIComponent(new URL(url).username);
  return createAmqpBus({
    urls: [url],
    service: benchService(user),
    logger: pino({ level: 'silent' }),
    metrics: new Registry(),
    publisher: { windowSize: 1_000, timeoutMs: 60_000 },
  });
}

export function eventplanePublish(bus: AmqpBus, objects: BenchObjects): () => Promise<unknown> {
  const send = benchSend(objects);
  return () => bus.publish(send, benchOrder());
}

/** Subscribes, waits for `count` handled deliveries, cancels; returns the elapsed ms. */
export async function eventplaneConsume(bus: AmqpBus, objects: BenchObjects, count: number, onDelivery?: (order: BenchOrder) => void): Promise<number> {
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const started = performance.now();
  const subscription = await bus.subscribe(benchReceive(objects), async (delivery: Delivery) => {
    onDelivery?.(delivery.payload as BenchOrder);
    if (++handled === count) done();
  });
  await finished;
  const ms = performance.now() - started;
  await subscription.cancel();
  return ms;
}

interface RascalPublication {
  on(event: 'success', listener: () => void): RascalPublication;
  on(event: 'error' | 'return', listener: (error: unknown) => void): RascalPublication;
}
interface RascalBroker {
  publish(name: string, message: unknown): Promise<RascalPublication>;
  on(event: 'error', listener: (error: unknown) => void): void;
  shutdown(): Promise<void>;
}

/** rascal with its defaults; only the objects are described (they exist: checked, not asserted). */
export async function rascalBroker(url: string, vhost: string, objects: BenchObjects): Promise<RascalBroker> {
  const require = createRequire(import.meta.url);
  const Rascal = require('rascal') as {
    withDefaultConfig(config: unknown): unknown;
    BrokerAsPromised: { create(config: unknown): Promise<RascalBroker> };
  };
  const config = Rascal.withDefaultConfig({
    vhosts: {
      [vhost]: {
        connection: { url },
        exchanges: { [objects.exchange]: { assert: false, check: true } },
        queues: { [objects.queue]: { assert: false, check: true } },
        publications: { bench: { exchange: objects.exchange, routingKey: ROUTING_KEY } },
      },
    },
  });
  const broker = await Rascal.BrokerAsPromised.create(config);
  broker.on('error', () => {});
  return broker;
}

export function rascalPublish(broker: RascalBroker): () => Promise<void> {
  return async () => {
    const publication = await broker.publish('bench', benchOrder());
    await new Promise<void>((resolve, reject) => {
      publication.on('success', () => resolve()).on('error', reject).on('return', reject);
    });
  };
}

export { benchObjects, nowMs };

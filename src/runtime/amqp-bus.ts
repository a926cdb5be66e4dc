/**
 * createAmqpBus: the RabbitMQ transport. One connection per service process (failing over across
 * the node URLs), one confirm channel for publishing, one channel per consumer queue.
 */
import type { Tracer } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import { AmqpConnection } from './amqp/connection.js';
import { ConfirmPublisher } from './amqp/confirm-publisher.js';
import { AmqpQueueConsumer } from './amqp/queue-consumer.js';
import { findMissing, objectsOfSend } from './amqp/topology-check.js';
import type { Bus, BusHealth } from './bus.js';
import type {
  Delivery,
  DeliveryHandler,
  PublishOptions,
  RequestDescriptor,
  RequestOptions,
  PublishReceipt,
  ReceiveDescriptor,
  SendDescriptor,
  ServiceDescriptor,
  Subscription,
} from './contract.js';
import { BusClosedError, MissingTopologyError } from './errors.js';
import type { Inbox } from './inbox.js';
import type { OutgoingMessage } from './message.js';
import { defaultLogger, type RuntimeLogger } from './logger.js';
import { MemoryInbox } from './memory-inbox.js';
import { RuntimeMetrics } from './metrics.js';
import { defaultTracer } from './tracing.js';
import { deployedUserPrefix } from './decode.js';
import { tracedPublish } from './traced-publish.js';
import { AmqpRequestChannel } from './amqp/request-channel.js';
import { DIRECT_REPLY_TO } from './request/reply-wire.js';
import { PendingRequests } from './request/pending-requests.js';
import { replyingHandler } from './request/replier.js';
import { sendRequest } from './request/request.js';

export interface AmqpBusOptions {
  /** One amqp:// URL per cluster node (same vhost and user); the bus fails over between them. */
  readonly urls: readonly string[];
  readonly service: ServiceDescriptor;
  /** Idempotency store; an in-memory TTL inbox by default. */
  readonly inbox?: Inbox;
  /** A pino logger (or child); a pino logger named `eventplane` by default. */
  readonly logger?: RuntimeLogger;
  /** prom-client registry to register the runtime's metrics in; a private one by default. */
  readonly metrics?: Registry;
  /** OpenTelemetry tracer; `trace.getTracer('eventplane')` (a no-op without an SDK) by default. */
  readonly tracer?: Tracer;
  readonly publisher?: { readonly windowSize?: number; readonly timeoutMs?: number };
  /** How long close() lets in-flight handlers and confirms finish (default 10 s). */
  readonly shutdownGraceMs?: number;
  /** How long the first connection may take before createAmqpBus fails (default 30 s). */
  readonly connectTimeoutMs?: number;
  readonly heartbeatSeconds?: number;
  /** Deliveries with a larger body are dead-lettered unread, reason `too-large` (default 4 MiB). */
  readonly maxMessageBytes?: number;
  /** The sends this service makes: their exchanges are checked at start-up. */
  readonly sends?: readonly SendDescriptor<any, any>[];
  /**
   * Broker users whose messages are operator replays of dead letters, accepted when the original
   * sender was the contract's (default: the administrator the local cluster and infra/ create).
   */
  readonly operatorUsers?: readonly string[];
}

export async function createAmqpBus(options: AmqpBusOptions): Promise<AmqpBus> {
  const bus = new AmqpBus(options);
  await bus.start(options.connectTimeoutMs ?? 30_000);
  return bus;
}

export class AmqpBus implements Bus {
  readonly service: ServiceDescriptor;
  readonly metrics: Registry;
  private readonly runtimeMetrics: RuntimeMetrics;
  private readonly logger: RuntimeLogger;
  private readonly tracer: Tracer;
  private readonly inbox: Inbox;
  private readonly ownsInbox: boolean;
  private readonly connection: AmqpConnection;
  private readonly publisher: ConfirmPublisher;
  private readonly pendingRequests: PendingRequests;
  /** One per reply address: direct reply-to, or a fixed reply queue the contract names. */
  private readonly requestChannels = new Map<string, AmqpRequestChannel>();
  private readonly consumers = new Set<AmqpQueueConsumer>();
  private readonly checkedExchanges = new Set<string>();
  private readonly graceMs: number;
  private readonly maxMessageBytes: number | undefined;
  private closing: Promise<void> | undefined;
  private readonly deliver = (message: OutgoingMessage, timeoutMs: number | undefined) => this.publisher.send(message, timeoutMs);

  constructor(private readonly options: AmqpBusOptions) {
    this.service = options.service;
    this.metrics = options.metrics ?? new Registry();
    this.runtimeMetrics = new RuntimeMetrics(this.metrics);
    this.logger = (options.logger ?? defaultLogger(options.service.id)).child({ service: options.service.id });
    this.tracer = options.tracer ?? defaultTracer();
    this.ownsInbox = options.inbox === undefined;
    this.inbox = options.inbox ?? new MemoryInbox();
    this.graceMs = options.shutdownGraceMs ?? 10_000;
    this.maxMessageBytes = options.maxMessageBytes;
    this.connection = new AmqpConnection({
      urls: options.urls,
      connectionName: options.service.id,
      heartbeatSeconds: options.heartbeatSeconds,
      logger: this.logger,
    });
    const connected = this.runtimeMetrics.connected.labels(options.service.id);
    const blocked = this.runtimeMetrics.blocked.labels(options.service.id);
    const reconnects = this.runtimeMetrics.reconnects.labels(options.service.id);
    this.connection.on('connected', () => {
      connected.set(1);
      // A fresh connection starts unblocked; the broker repeats `blocked` if its alarm holds.
      blocked.set(0);
      if (this.connection.reconnects > 0) reconnects.inc();
    });
    this.connection.on('disconnected', () => connected.set(0));
    this.connection.on('blocked', () => blocked.set(1));
    this.connection.on('unblocked', () => blocked.set(0));
    this.publisher = new ConfirmPublisher(
      this.connection,
      { windowSize: options.publisher?.windowSize ?? 1_000, timeoutMs: options.publisher?.timeoutMs ?? 30_000 },
      this.runtimeMetrics,
      this.logger,
    );
    this.pendingRequests = new PendingRequests(this.runtimeMetrics, this.logger);
  }

  /** Connects and checks the exchanges of `options.sends`. */
  async start(timeoutMs: number): Promise<void> {
    await this.connection.start(timeoutMs);
    const sends = this.options.sends ?? [];
    if (sends.length > 0) {
      const missing = await findMissing(this.connection.current!, sends.flatMap(objectsOfSend));
      if (missing.length > 0) {
        await this.connection.close();
        throw new MissingTopologyError(this.service.vhost, missing);
      }
      for (const send of sends) this.checkedExchanges.add(send.exchange);
    }
  }

  ready(): Promise<void> {
    return this.connection.whenConnected();
  }

  publish<TPayload, THeaders>(send: SendDescriptor<TPayload, THeaders>, payload: TPayload, options?: PublishOptions<THeaders>): Promise<PublishReceipt> {
    if (this.closing) return Promise.reject(new BusClosedError('the bus is closing: publish refused'));
    if (!this.checkedExchanges.has(send.exchange)) return this.checkExchange(send).then(() => this.publish(send, payload, options));
    return tracedPublish(this.tracer, { source: this.service.id, userId: this.connection.user }, send, payload, options, this.deliver);
  }

  request<TPayload, TReply, THeaders>(send: RequestDescriptor<TPayload, TReply, THeaders>, payload: TPayload, options?: RequestOptions<THeaders>): Promise<TReply> {
    if (this.closing) return Promise.reject(new BusClosedError('the bus is closing: request refused'));
    if (!this.checkedExchanges.has(send.exchange)) return this.checkExchange(send).then(() => this.request(send, payload, options));
    const identity = { source: this.service.id, userId: this.connection.user };
    return sendRequest(this.tracer, identity, send, payload, options, this.pendingRequests, (message) => this.requestChannelFor(send.reply.queue).publish(message));
  }

  private requestChannelFor(replyQueue: string | undefined): AmqpRequestChannel {
    const address = replyQueue ?? DIRECT_REPLY_TO;
    let channel = this.requestChannels.get(address);
    if (channel === undefined) {
      channel = new AmqpRequestChannel(this.connection, this.pendingRequests, this.logger, address);
      this.requestChannels.set(address, channel);
    }
    return channel;
  }

  async subscribe<TDelivery extends Delivery>(receive: ReceiveDescriptor<TDelivery>, handler: DeliveryHandler<TDelivery>): Promise<Subscription> {
    if (this.closing) throw new BusClosedError('the bus is closing: subscribe refused');
    const consumer = new AmqpQueueConsumer(
      this.connection,
      {
        receive: receive as ReceiveDescriptor,
        handler: replyingHandler(receive as ReceiveDescriptor, handler as DeliveryHandler, {
          identity: () => ({ source: this.service.id, userId: this.connection.user }),
          send: (message) => this.publisher.send(message),
          metrics: this.runtimeMetrics,
        }),
        inbox: this.inbox,
        metrics: this.runtimeMetrics,
        logger: this.logger,
        tracer: this.tracer,
        republish: (message) => this.publisher.send(message),
        userId: () => this.connection.user,
        maxMessageBytes: this.maxMessageBytes,
        userPrefix: deployedUserPrefix(this.connection.user, this.service.brokerUser),
        operators: this.options.operatorUsers,
      },
      this.graceMs,
      this.logger,
    );
    await consumer.start();
    this.consumers.add(consumer);
    const consumers = this.consumers;
    return {
      queue: receive.queue,
      async cancel() {
        await consumer.cancel();
        consumers.delete(consumer);
      },
    };
  }

  health(): BusHealth {
    const consumers = [...this.consumers].map((c) => ({ queue: c.queue, state: c.state, inFlight: c.inFlight }));
    const connection = this.connection.state;
    return {
      ok: connection === 'connected' && this.publisher.ready && consumers.every((c) => c.state === 'consuming'),
      transport: 'amqp',
      connection,
      blocked: this.connection.blocked,
      ...(this.connection.blocked
        ? { blockedReason: this.connection.blockedReason ?? 'resource alarm', blockedSince: new Date(this.connection.blockedSince ?? Date.now()).toISOString() }
        : {}),
      publisher: { ready: this.publisher.ready, pending: this.publisher.pending },
      requests: this.pendingRequests.size,
      consumers,
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const started = Date.now();
    await Promise.all([...this.consumers].map((consumer) => consumer.cancel()));
    this.consumers.clear();
    for (const channel of this.requestChannels.values()) await channel.close();
    await this.publisher.close(Math.max(0, this.graceMs - (Date.now() - started)));
    await this.connection.close();
    if (this.ownsInbox) await this.inbox.close?.();
    this.logger.info({ ms: Date.now() - started }, 'bus closed');
  }

  private async checkExchange(send: SendDescriptor<unknown, unknown>): Promise<void> {
    await this.connection.whenConnected();
    const missing = await findMissing(this.connection.current!, objectsOfSend(send as SendDescriptor));
    if (missing.length > 0) throw new MissingTopologyError(this.service.vhost, missing);
    this.checkedExchanges.add(send.exchange);
  }
}

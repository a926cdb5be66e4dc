/**
 * createInMemoryBus: the Bus over an in-memory broker, for unit tests and for running a service
 * without RabbitMQ. Publishing and consuming go through the same code as the AMQP transport
 * (envelope, validation, the consumer pipeline with its retry ladder, dead letters and inbox), so
 * a handler behaves the same on both; only the broker is simulated.
 */
import type { Tracer } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import type { Bus, BusHealth, ConsumerHealth } from './bus.js';
import { ConsumerPipeline, type DeliveryOutcome } from './consumer-pipeline.js';
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
import { BusClosedError } from './errors.js';
import type { Inbox } from './inbox.js';
import { defaultLogger, type RuntimeLogger } from './logger.js';
import { MemoryInbox } from './memory-inbox.js';
import { InMemoryBroker, type MemoryDelivery } from './memory/memory-broker.js';
import type { IncomingMessage, OutgoingMessage } from './message.js';
import { RuntimeMetrics } from './metrics.js';
import { defaultTracer } from './tracing.js';
import { tracedPublish } from './traced-publish.js';
import { PendingRequests } from './request/pending-requests.js';
import { replyingHandler } from './request/replier.js';
import { asRequest } from './request/reply-wire.js';
import { sendRequest } from './request/request.js';
import type { TopologyDocument } from '../topology/types.js';

export interface InMemoryBusOptions {
  readonly service: ServiceDescriptor;
  /** Share one broker between the buses of several services (the test harness does). */
  readonly broker?: InMemoryBroker;
  /** Declares the objects of a topology on a new broker; without it they follow the subscriptions. */
  readonly topology?: TopologyDocument;
  /** Multiplies retry delays on a new broker: 0 runs the ladder at once (default 1). */
  readonly timeScale?: number;
  readonly inbox?: Inbox;
  readonly logger?: RuntimeLogger;
  readonly metrics?: Registry;
  readonly tracer?: Tracer;
  readonly shutdownGraceMs?: number;
  /** Observes every consumer outcome (the test harness records them). */
  readonly onOutcome?: (outcome: DeliveryOutcome) => void;
  /** Broker users whose messages are operator replays (see AmqpBusOptions.operatorUsers). */
  readonly operatorUsers?: readonly string[];
  /** Observes every accepted publish. */
  readonly onPublished?: (message: OutgoingMessage) => void;
}

export function createInMemoryBus(options: InMemoryBusOptions): InMemoryBus {
  return new InMemoryBus(options);
}

interface MemorySubscription {
  readonly queue: string;
  state: ConsumerHealth['state'];
  readonly pipeline: ConsumerPipeline<MemoryDelivery>;
  cancel(): Promise<void>;
}

export class InMemoryBus implements Bus {
  readonly service: ServiceDescriptor;
  readonly metrics: Registry;
  readonly broker: InMemoryBroker;
  private readonly ownsBroker: boolean;
  private readonly runtimeMetrics: RuntimeMetrics;
  private readonly logger: RuntimeLogger;
  private readonly tracer: Tracer;
  private readonly inbox: Inbox;
  private readonly graceMs: number;
  private readonly subscriptions = new Set<MemorySubscription>();
  private readonly pendingRequests: PendingRequests;
  /** Reply consumers by address: direct reply-to (key '') and fixed reply queues. */
  private readonly replies = new Map<string, { readonly address: string; cancel(): void }>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: InMemoryBusOptions) {
    this.service = options.service;
    this.ownsBroker = options.broker === undefined;
    this.broker = options.broker ?? new InMemoryBroker({ timeScale: options.timeScale });
    if (options.topology && this.ownsBroker) this.broker.loadTopology(options.topology);
    this.metrics = options.metrics ?? new Registry();
    this.runtimeMetrics = new RuntimeMetrics(this.metrics);
    this.logger = (options.logger ?? defaultLogger(options.service.id)).child({ service: options.service.id, transport: 'memory' });
    this.tracer = options.tracer ?? defaultTracer();
    this.inbox = options.inbox ?? new MemoryInbox();
    this.graceMs = options.shutdownGraceMs ?? 10_000;
    this.pendingRequests = new PendingRequests(this.runtimeMetrics, this.logger);
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  async publish<TPayload, THeaders>(send: SendDescriptor<TPayload, THeaders>, payload: TPayload, options?: PublishOptions<THeaders>): Promise<PublishReceipt> {
    if (this.closing) throw new BusClosedError('the bus is closing: publish refused');
    return tracedPublish(this.tracer, { source: this.service.id, userId: this.service.brokerUser }, send, payload, options, async (message) => this.send(message));
  }

  request<TPayload, TReply, THeaders>(send: RequestDescriptor<TPayload, TReply, THeaders>, payload: TPayload, options?: RequestOptions<THeaders>): Promise<TReply> {
    if (this.closing) return Promise.reject(new BusClosedError('the bus is closing: request refused'));
    // Like the AMQP transport: the reply consumer exists before the first request goes out.
    const queue = send.reply.queue ?? '';
    let replies = this.replies.get(queue);
    if (replies === undefined) {
      const deliver = (reply: IncomingMessage) => this.pendingRequests.deliver(reply);
      replies = queue === '' ? this.broker.consumeReplies(deliver) : this.broker.consumeReplyQueue(queue, deliver);
      this.replies.set(queue, replies);
    }
    const address = replies.address;
    const identity = { source: this.service.id, userId: this.service.brokerUser };
    return sendRequest(this.tracer, identity, send, payload, options, this.pendingRequests, async (message) => this.send(asRequest(message, address)));
  }

  async subscribe<TDelivery extends Delivery>(receive: ReceiveDescriptor<TDelivery>, handler: DeliveryHandler<TDelivery>): Promise<Subscription> {
    if (this.closing) throw new BusClosedError('the bus is closing: subscribe refused');
    this.broker.ensureReceive(receive as ReceiveDescriptor);
    const pipeline = new ConsumerPipeline<MemoryDelivery>({
      receive: receive as ReceiveDescriptor,
      handler: replyingHandler(receive as ReceiveDescriptor, handler as DeliveryHandler, {
        identity: () => ({ source: this.service.id, userId: this.service.brokerUser }),
        send: async (message) => this.send(message),
        metrics: this.runtimeMetrics,
      }),
      inbox: this.inbox,
      metrics: this.runtimeMetrics,
      logger: this.logger,
      tracer: this.tracer,
      republish: async (message) => this.send(message),
      settle: (delivery, settlement) => delivery.settle(settlement),
      userId: () => this.service.brokerUser,
      operators: this.options.operatorUsers,
      onOutcome: this.options.onOutcome,
    });
    const handle = this.broker.consume(receive.queue, receive.prefetch, (delivery) => pipeline.accept(delivery.message, delivery));
    const subscriptions = this.subscriptions;
    const graceMs = this.graceMs;
    const subscription: MemorySubscription = {
      queue: receive.queue,
      state: 'consuming',
      pipeline,
      async cancel() {
        if (subscription.state === 'stopped') return;
        subscription.state = 'stopped';
        handle.stop();
        await pipeline.stop(graceMs);
        handle.cancel();
        subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return { queue: receive.queue, cancel: () => subscription.cancel() };
  }

  health(): BusHealth {
    const closed = this.closing !== undefined;
    return {
      ok: !closed,
      transport: 'memory',
      connection: closed ? 'closed' : 'connected',
      blocked: false,
      publisher: { ready: !closed, pending: 0 },
      requests: this.pendingRequests.size,
      consumers: [...this.subscriptions].map((s) => ({ queue: s.queue, state: s.state, inFlight: s.pipeline.inFlight })),
    };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((s) => s.cancel()));
      for (const replies of this.replies.values()) replies.cancel();
      this.pendingRequests.interruptAll('the bus closed');
      if (this.options.inbox === undefined) await this.inbox.close?.();
      if (this.ownsBroker) this.broker.close();
    })();
    return this.closing;
  }

  private send(message: OutgoingMessage): void {
    const metrics = this.runtimeMetrics.forPublish(message.type);
    try {
      this.broker.publish(message);
    } catch (error) {
      if ((error as Error).name === 'UnroutableError') metrics.returned.inc();
      if ((error as Error).name === 'QueueFullError') metrics.rejected.inc();
      throw error;
    }
    metrics.published.inc();
    metrics.confirmed.inc();
    this.options.onPublished?.(message);
  }
}

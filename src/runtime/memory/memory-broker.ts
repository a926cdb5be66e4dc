/**
 * A RabbitMQ stand-in in memory, faithful to what eventplane relies on: topic/direct/fanout routing
 * with wildcards, mandatory publishes (no route → UnroutableError), max-length with reject-publish
 * (→ QueueFullError), per-queue message TTL that dead-letters (the retry ladder), dead-letter
 * exchanges with `x-death`, prefetch, requeue with a delivery count and a delivery limit that
 * dead-letters a crash-looping message.
 *
 * Objects come from a topology document (generated/topology.json) — then, as on a real broker,
 * publishing to an exchange it lacks fails — or, without one, from the receive descriptors of the
 * subscriptions, with events routed to every queue that receives their type.
 */
import { EventEmitter } from 'node:events';
import type { ReceiveDescriptor } from '../contract.js';
import { MissingTopologyError, QueueFullError, UnroutableError } from '../errors.js';
import type { IncomingMessage, OutgoingMessage, WireHeaders, WireProperties } from '../message.js';
import type { TopologyDocument } from '../../topology/types.js';
import { bindingMatches, type RoutableExchangeType } from './routing.js';

export interface QueuePolicy {
  readonly maxLength?: number;
  readonly overflow?: 'reject-publish' | 'reject-publish-dlx' | 'drop-head';
  readonly deliveryLimit?: number;
  readonly messageTtlMs?: number;
  readonly deadLetterExchange?: string;
  readonly deadLetterRoutingKey?: string;
}

export type QueueRole = 'consumer' | 'retry' | 'dead-letter' | 'reply';

interface StoredMessage {
  readonly content: Buffer;
  properties: WireProperties;
  exchange: string;
  routingKey: string;
  deliveryCount: number;
  redelivered: boolean;
  expiry?: NodeJS.Timeout;
}

interface Binding {
  readonly queue: string;
  readonly key: string;
}

interface Exchange {
  readonly name: string;
  readonly type: RoutableExchangeType;
  readonly bindings: Binding[];
}

interface Consumer {
  readonly prefetch: number;
  readonly unacked: Set<StoredMessage>;
  readonly onDelivery: (delivery: MemoryDelivery) => void;
  cancelled: boolean;
}

interface Queue {
  readonly name: string;
  role: QueueRole;
  policy: QueuePolicy;
  readonly ready: StoredMessage[];
  readonly consumers: Consumer[];
  nextConsumer: number;
  dispatchScheduled: boolean;
  /** Inferred mode: the message types this queue receives. */
  types?: ReadonlySet<string>;
}

export type MemorySettlement = 'ack' | 'requeue' | 'reject';

export interface MemoryDelivery {
  readonly message: IncomingMessage;
  settle(settlement: MemorySettlement): void;
}

export interface MemoryConsumerHandle {
  /** Stops new deliveries; those already delivered can still be settled (like basic.cancel). */
  stop(): void;
  /** Stops, and unacknowledged messages go back to the queue (like closing the channel). */
  cancel(): void;
}

export interface EnqueuedEvent {
  readonly queue: string;
  readonly role: QueueRole;
  readonly message: IncomingMessage;
}

export interface InMemoryBrokerOptions {
  /** Multiplies every TTL (retry delays): 0 runs the ladder at once, 1 in real time (default 1). */
  readonly timeScale?: number;
}

export class InMemoryBroker extends EventEmitter<{ enqueued: [EnqueuedEvent]; dropped: [{ queue: string; reason: string }] }> {
  private readonly exchanges = new Map<string, Exchange>();
  private readonly queues = new Map<string, Queue>();
  private topologyLoaded = false;
  private readonly timeScale: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Direct reply-to addresses: a reply published to '' with one of these keys goes to its consumer. */
  private readonly replyConsumers = new Map<string, (message: IncomingMessage) => void>();
  private nextReplyAddress = 0;
  private closed = false;

  constructor(options: InMemoryBrokerOptions = {}) {
    super();
    this.timeScale = options.timeScale ?? 1;
  }

  /** Declares a topology's exchanges, queues, bindings and policies (every vhost: one broker per system). */
  loadTopology(topology: TopologyDocument): void {
    this.topologyLoaded = true;
    for (const exchange of topology.exchanges) this.declareExchange(exchange.name, exchange.type);
    for (const queue of topology.queues) this.declareQueue(queue.name, queue.role, {});
    for (const binding of topology.bindings) {
      if (binding.destinationType === 'queue') this.exchanges.get(binding.source)?.bindings.push({ queue: binding.destination, key: binding.routingKey });
    }
    const byPriority = [...topology.policies].sort((a, b) => b.priority - a.priority);
    for (const queue of this.queues.values()) {
      // Like RabbitMQ: only the highest-priority matching policy applies.
      const policy = byPriority.find((p) => new RegExp(p.pattern).test(queue.name));
      if (policy) queue.policy = policyFrom(policy.definition);
    }
  }

  /**
   * The objects a receive descriptor implies, where the topology did not declare them (without a
   * topology: all of them, with events routed to the queue by message type).
   */
  ensureReceive(receive: ReceiveDescriptor): void {
    if (this.topologyLoaded) {
      const missing = [receive.queue, ...receive.retry.queues, receive.deadLetter.queue].filter((q) => !this.queues.has(q));
      const missingExchanges = [receive.retry.exchange, receive.deadLetter.exchange].filter((e) => !this.exchanges.has(e));
      if (missing.length > 0 || missingExchanges.length > 0) {
        throw new MissingTopologyError(receive.vhost, [
          ...missing.map((name) => ({ kind: 'queue' as const, name, usedFor: `consume ${receive.queue}` })),
          ...missingExchanges.map((name) => ({ kind: 'exchange' as const, name, usedFor: `retries and dead letters of ${receive.queue}` })),
        ]);
      }
      return;
    }
    const { retry, deadLetter } = receive;
    const queue = this.declareQueue(receive.queue, 'consumer', {
      deadLetterExchange: deadLetter.exchange,
      deadLetterRoutingKey: deadLetter.routingKey,
      deliveryLimit: 10,
      overflow: 'reject-publish',
    });
    queue.types = new Set(receive.messages.map((m) => m.type));
    const retryExchange = this.declareExchange(retry.exchange, 'direct');
    addBinding(retryExchange, receive.queue, receive.queue);
    retry.queues.forEach((name, i) => {
      this.declareQueue(name, 'retry', {
        messageTtlMs: retry.delaysMs[i] ?? 0,
        deadLetterExchange: retry.exchange,
        deadLetterRoutingKey: receive.queue,
      });
      addBinding(retryExchange, name, name);
    });
    addBinding(this.declareExchange(deadLetter.exchange, 'direct'), deadLetter.queue, deadLetter.routingKey);
    this.declareQueue(deadLetter.queue, 'dead-letter', {});
  }

  hasExchange(name: string): boolean {
    return !this.topologyLoaded || this.exchanges.has(name);
  }

  /**
   * Like consuming `amq.rabbitmq.reply-to`: a fresh address to put in reply_to; a reply published
   * to the default exchange with it as routing key reaches `onReply` (asynchronously, like a
   * delivery), until `cancel`. A reply to a cancelled address is dropped, as RabbitMQ drops it.
   */
  consumeReplies(onReply: (message: IncomingMessage) => void): { readonly address: string; cancel(): void } {
    const address = `amq.rabbitmq.reply-to.memory.${++this.nextReplyAddress}`;
    this.replyConsumers.set(address, onReply);
    return { address, cancel: () => this.replyConsumers.delete(address) };
  }

  /**
   * Like a requester consuming its fixed reply queue (no-ack): replies published to the default
   * exchange with the queue's name reach `onReply`. Without a topology the queue is declared here.
   */
  consumeReplyQueue(name: string, onReply: (message: IncomingMessage) => void): { readonly address: string; cancel(): void } {
    if (!this.queues.has(name) && !this.topologyLoaded) this.declareQueue(name, 'reply', {});
    const handle = this.consume(name, 1000, (delivery) => {
      delivery.settle('ack');
      onReply(delivery.message);
    });
    return { address: name, cancel: () => handle.cancel() };
  }

  /** Routes a mandatory, confirmed publish; throws what the broker's return or nack would mean. */
  publish(message: OutgoingMessage): void {
    if (message.exchange === '' && message.routingKey.startsWith('amq.rabbitmq.reply-to.')) {
      const consumer = this.replyConsumers.get(message.routingKey);
      const reply: IncomingMessage = { content: message.content, properties: message.properties, exchange: '', routingKey: message.routingKey, redelivered: false };
      if (consumer !== undefined && !this.closed) queueMicrotask(() => consumer(reply));
      return;
    }
    const exchange = this.exchanges.get(message.exchange);
    let targets: Queue[];
    // The default exchange delivers to the queue named by the routing key (is: queue, fixed reply queues).
    if (message.exchange === '') targets = [this.queues.get(message.routingKey)].filter((q) => q !== undefined);
    else if (exchange) targets = this.route(exchange, message.routingKey);
    else if (this.topologyLoaded) {
      throw new MissingTopologyError('(in-memory)', [{ kind: 'exchange', name: message.exchange, usedFor: `publish ${message.type}` }]);
    } else targets = [...this.queues.values()].filter((q) => q.types?.has(message.type));
    const destination = { exchange: message.exchange, routingKey: message.routingKey, messageId: message.messageId };
    if (targets.length === 0) {
      if (message.properties.mandatory) throw new UnroutableError(destination, 312, 'NO_ROUTE');
      return;
    }
    let refused = false;
    for (const queue of targets) {
      if (!this.enqueue(queue, { content: message.content, properties: { ...message.properties, headers: { ...message.properties.headers } }, exchange: message.exchange, routingKey: message.routingKey })) {
        refused = true;
      }
    }
    if (refused) throw new QueueFullError(destination);
  }

  /** Starts delivering `queue` to `onDelivery`, at most `prefetch` unacknowledged at a time. */
  consume(queueName: string, prefetch: number, onDelivery: (delivery: MemoryDelivery) => void): MemoryConsumerHandle {
    const queue = this.requireQueue(queueName);
    const consumer: Consumer = { prefetch: Math.max(1, prefetch), unacked: new Set(), onDelivery, cancelled: false };
    queue.consumers.push(consumer);
    this.scheduleDispatch(queue);
    const stop = () => {
      const index = queue.consumers.indexOf(consumer);
      if (index !== -1) queue.consumers.splice(index, 1);
    };
    return {
      stop,
      cancel: () => {
        if (consumer.cancelled) return;
        consumer.cancelled = true;
        stop();
        for (const stored of [...consumer.unacked].reverse()) this.returnToQueue(queue, stored);
        consumer.unacked.clear();
        this.scheduleDispatch(queue);
      },
    };
  }

  depth(queueName: string): number {
    return this.requireQueue(queueName).ready.length;
  }

  /** The messages waiting in a queue, oldest first (for tests and `dlq`-style inspection). */
  peek(queueName: string): IncomingMessage[] {
    return this.requireQueue(queueName).ready.map(incoming);
  }

  /** Removes and returns every waiting message of a queue. */
  drain(queueName: string): IncomingMessage[] {
    const queue = this.requireQueue(queueName);
    const messages = queue.ready.splice(0);
    for (const stored of messages) this.clearExpiry(stored);
    return messages.map(incoming);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private declareExchange(name: string, type: RoutableExchangeType): Exchange {
    let exchange = this.exchanges.get(name);
    if (!exchange) {
      exchange = { name, type, bindings: [] };
      this.exchanges.set(name, exchange);
    }
    return exchange;
  }

  private declareQueue(name: string, role: QueueRole, policy: QueuePolicy): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = { name, role, policy, ready: [], consumers: [], nextConsumer: 0, dispatchScheduled: false };
      this.queues.set(name, queue);
    }
    return queue;
  }

  private requireQueue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new MissingTopologyError('(in-memory)', [{ kind: 'queue', name, usedFor: 'consume' }]);
    return queue;
  }

  private route(exchange: Exchange, routingKey: string): Queue[] {
    const seen = new Set<string>();
    const targets: Queue[] = [];
    for (const binding of exchange.bindings) {
      if (seen.has(binding.queue) || !bindingMatches(exchange.type, binding.key, routingKey)) continue;
      const queue = this.queues.get(binding.queue);
      if (queue) {
        seen.add(binding.queue);
        targets.push(queue);
      }
    }
    return targets;
  }

  /** False when the queue refused the message (full, reject-publish). */
  private enqueue(queue: Queue, stored: Omit<StoredMessage, 'deliveryCount' | 'redelivered'>): boolean {
    const message: StoredMessage = { ...stored, deliveryCount: 0, redelivered: false };
    const { maxLength, overflow = 'drop-head' } = queue.policy;
    if (maxLength !== undefined && queue.ready.length >= maxLength) {
      if (overflow === 'reject-publish') return false;
      if (overflow === 'reject-publish-dlx') {
        this.deadLetter(queue, message, 'maxlen');
        return false;
      }
      const dropped = queue.ready.shift()!;
      this.clearExpiry(dropped);
      this.deadLetter(queue, dropped, 'maxlen');
    }
    queue.ready.push(message);
    if (queue.policy.messageTtlMs !== undefined) this.scheduleExpiry(queue, message, queue.policy.messageTtlMs);
    this.emit('enqueued', { queue: queue.name, role: queue.role, message: incoming(message) });
    this.scheduleDispatch(queue);
    return true;
  }

  private scheduleExpiry(queue: Queue, message: StoredMessage, ttlMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const index = queue.ready.indexOf(message);
      if (index === -1) return;
      queue.ready.splice(index, 1);
      this.deadLetter(queue, message, 'expired');
    }, ttlMs * this.timeScale);
    this.timers.add(timer);
    message.expiry = timer;
  }

  private clearExpiry(message: StoredMessage): void {
    if (message.expiry) {
      clearTimeout(message.expiry);
      this.timers.delete(message.expiry);
      message.expiry = undefined;
    }
  }

  private deadLetter(queue: Queue, message: StoredMessage, reason: string): void {
    const { deadLetterExchange, deadLetterRoutingKey } = queue.policy;
    const exchange = deadLetterExchange === undefined ? undefined : this.exchanges.get(deadLetterExchange);
    if (!exchange) {
      this.emit('dropped', { queue: queue.name, reason });
      return;
    }
    const routingKey = deadLetterRoutingKey ?? message.routingKey;
    const death = {
      reason,
      queue: queue.name,
      exchange: message.exchange,
      'routing-keys': [message.routingKey],
      count: 1,
      time: Math.floor(Date.now() / 1000),
    };
    const previous = (message.properties.headers?.['x-death'] as unknown[] | undefined) ?? [];
    const headers: WireHeaders = { ...message.properties.headers, 'x-death': [death, ...previous] };
    const targets = this.route(exchange, routingKey);
    if (targets.length === 0) this.emit('dropped', { queue: queue.name, reason: `${reason}: dead-letter route ${exchange.name}/${routingKey} leads nowhere` });
    for (const target of targets) {
      this.enqueue(target, { content: message.content, properties: { ...message.properties, expiration: undefined, headers }, exchange: exchange.name, routingKey });
    }
  }

  private returnToQueue(queue: Queue, message: StoredMessage): void {
    message.deliveryCount++;
    message.redelivered = true;
    const limit = queue.policy.deliveryLimit;
    if (limit !== undefined && message.deliveryCount > limit) {
      this.deadLetter(queue, message, 'delivery_limit');
      return;
    }
    queue.ready.unshift(message);
  }

  private scheduleDispatch(queue: Queue): void {
    if (queue.dispatchScheduled || this.closed) return;
    queue.dispatchScheduled = true;
    queueMicrotask(() => {
      queue.dispatchScheduled = false;
      this.dispatch(queue);
    });
  }

  private dispatch(queue: Queue): void {
    while (queue.ready.length > 0 && queue.consumers.length > 0) {
      const consumer = this.nextFreeConsumer(queue);
      if (!consumer) return;
      const message = queue.ready.shift()!;
      this.clearExpiry(message);
      consumer.unacked.add(message);
      const delivery: MemoryDelivery = {
        message: incoming(message),
        settle: (settlement) => {
          if (!consumer.unacked.delete(message)) return; // already settled, or the consumer was cancelled
          if (settlement === 'requeue') this.returnToQueue(queue, message);
          else if (settlement === 'reject') this.deadLetter(queue, message, 'rejected');
          this.scheduleDispatch(queue);
        },
      };
      consumer.onDelivery(delivery);
    }
  }

  private nextFreeConsumer(queue: Queue): Consumer | undefined {
    for (let i = 0; i < queue.consumers.length; i++) {
      const consumer = queue.consumers[(queue.nextConsumer + i) % queue.consumers.length]!;
      if (consumer.unacked.size < consumer.prefetch) {
        queue.nextConsumer = (queue.nextConsumer + i + 1) % queue.consumers.length;
        return consumer;
      }
    }
    return undefined;
  }
}

function addBinding(exchange: Exchange, queue: string, key: string): void {
  if (!exchange.bindings.some((b) => b.queue === queue && b.key === key)) exchange.bindings.push({ queue, key });
}

function incoming(message: StoredMessage): IncomingMessage {
  return { content: message.content, properties: message.properties, exchange: message.exchange, routingKey: message.routingKey, redelivered: message.redelivered };
}

function policyFrom(definition: Readonly<Record<string, string | number | boolean>>): QueuePolicy {
  const number = (key: string) => (typeof definition[key] === 'number' ? (definition[key] as number) : undefined);
  const string = (key: string) => (typeof definition[key] === 'string' ? (definition[key] as string) : undefined);
  return {
    maxLength: number('max-length'),
    overflow: string('overflow') as QueuePolicy['overflow'],
    deliveryLimit: number('delivery-limit'),
    messageTtlMs: number('message-ttl'),
    deadLetterExchange: string('dead-letter-exchange'),
    deadLetterRoutingKey: string('dead-letter-routing-key'),
  };
}

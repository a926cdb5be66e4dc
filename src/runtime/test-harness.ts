/**
 * A test harness in the spirit of MassTransit's InMemoryTestHarness: buses for any number of
 * services on one in-memory broker, everything that happens recorded, and awaitable questions —
 * "was it consumed?", "was it published?", "was it dead-lettered?" — that resolve as soon as the
 * answer is yes and fail with what did happen after a timeout.
 *
 *   const harness = createTestHarness({ topology });
 *   await harness.bus(billingService).subscribe(billingOrders, handler);
 *   await harness.publish(publishOrderCreated, order);
 *   await harness.consumed(OrderCreatedMessage);
 *
 * Retry delays run at `timeScale` (default 0: the whole ladder at once).
 */
import { pino } from 'pino';
import type { DeliveryOutcome } from './consumer-pipeline.js';
import type { Delivery, MessageDescriptor, PublishOptions, PublishReceipt, SendDescriptor, ServiceDescriptor } from './contract.js';
import { CE, EP, headerString } from './envelope.js';
import type { RuntimeLogger } from './logger.js';
import { createInMemoryBus, type InMemoryBus } from './memory-bus.js';
import { InMemoryBroker } from './memory/memory-broker.js';
import type { IncomingMessage, OutgoingMessage } from './message.js';
import type { TopologyDocument } from '../topology/types.js';

export interface ConsumedRecord {
  readonly queue: string;
  readonly delivery: Delivery;
  /** The handler had already processed this message id (inbox). */
  readonly duplicate: boolean;
}

export interface RetriedRecord {
  readonly queue: string;
  readonly delivery: Delivery;
  readonly error: unknown;
  readonly delayMs: number;
}

export interface DeadLetterRecord {
  /** The dead-letter queue it landed in. */
  readonly queue: string;
  readonly messageId: string | undefined;
  readonly type: string | undefined;
  /** `x-ep-reason`, or the broker's `x-death` reason (e.g. `delivery_limit`). */
  readonly reason: string | undefined;
  readonly error: string | undefined;
  readonly message: IncomingMessage;
}

export interface PublishedRecord {
  readonly messageId: string;
  readonly type: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly payload: unknown;
  readonly headers: Readonly<Record<string, unknown>>;
}

/** What to wait for: a message or send descriptor (by type), a partial record, or a predicate. */
export type Match<R> = MessageDescriptor | SendDescriptor | { readonly type?: string; readonly messageId?: string; readonly queue?: string } | ((record: R) => boolean);

export interface TestHarnessOptions {
  readonly topology?: TopologyDocument;
  /** Multiplies retry delays (default 0). */
  readonly timeScale?: number;
  /** How long a question waits before failing (default 5 s). */
  readonly timeoutMs?: number;
  readonly logger?: RuntimeLogger;
}

export interface TestHarness {
  readonly broker: InMemoryBroker;
  /** The bus of one service (made on first use). */
  bus(service: ServiceDescriptor): InMemoryBus;
  /** Publishes as the send's own service. */
  publish<TPayload, THeaders>(send: SendDescriptor<TPayload, THeaders>, payload: TPayload, options?: PublishOptions<THeaders>): Promise<PublishReceipt>;
  consumed(match?: Match<ConsumedRecord>, timeoutMs?: number): Promise<ConsumedRecord>;
  published(match?: Match<PublishedRecord>, timeoutMs?: number): Promise<PublishedRecord>;
  retried(match?: Match<RetriedRecord>, timeoutMs?: number): Promise<RetriedRecord>;
  deadLettered(match?: Match<DeadLetterRecord>, timeoutMs?: number): Promise<DeadLetterRecord>;
  readonly records: {
    readonly consumed: readonly ConsumedRecord[];
    readonly published: readonly PublishedRecord[];
    readonly retried: readonly RetriedRecord[];
    readonly deadLettered: readonly DeadLetterRecord[];
  };
  close(): Promise<void>;
}

interface Waiter<R> {
  readonly test: (record: R) => boolean;
  readonly resolve: (record: R) => void;
}

class Journal<R> {
  readonly records: R[] = [];
  private waiters: Waiter<R>[] = [];

  constructor(
    private readonly kind: string,
    private readonly describe: (record: R) => string,
  ) {}

  add(record: R): void {
    this.records.push(record);
    for (const waiter of [...this.waiters]) {
      if (waiter.test(record)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    }
  }

  wait(test: (record: R) => boolean, label: string, timeoutMs: number): Promise<R> {
    const found = this.records.find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const seen = this.records.map(this.describe);
        reject(new Error(`nothing ${this.kind} matching ${label} within ${timeoutMs} ms; ${this.kind}: ${seen.length === 0 ? 'none' : seen.join(', ')}`));
      }, timeoutMs);
      const waiter: Waiter<R> = {
        test,
        resolve: (record) => {
          clearTimeout(timer);
          resolve(record);
        },
      };
      this.waiters.push(waiter);
    });
  }
}

export function createTestHarness(options: TestHarnessOptions = {}): TestHarness {
  const broker = new InMemoryBroker({ timeScale: options.timeScale ?? 0 });
  if (options.topology) broker.loadTopology(options.topology);
  const timeout = options.timeoutMs ?? 5_000;
  const logger = options.logger ?? pino({ level: 'silent' });
  const consumed = new Journal<ConsumedRecord>('consumed', (r) => `${r.delivery.envelope.type} ${r.delivery.envelope.messageId} on ${r.queue}`);
  const published = new Journal<PublishedRecord>('published', (r) => `${r.type} ${r.messageId}`);
  const retried = new Journal<RetriedRecord>('retried', (r) => `${r.delivery.envelope.type} ${r.delivery.envelope.messageId} attempt ${r.delivery.attempt}`);
  const deadLettered = new Journal<DeadLetterRecord>('dead-lettered', (r) => `${r.type ?? '?'} ${r.messageId ?? '?'} (${r.reason ?? '?'})`);
  const buses = new Map<string, InMemoryBus>();

  broker.on('enqueued', ({ queue, role, message }) => {
    if (role !== 'dead-letter') return;
    const headers = message.properties.headers;
    const death = (headers?.['x-death'] as Array<{ reason?: string }> | undefined)?.[0];
    deadLettered.add({
      queue,
      messageId: message.properties.messageId,
      type: message.properties.type ?? headerString(headers, CE.type),
      reason: headerString(headers, EP.reason) ?? death?.reason,
      error: headerString(headers, EP.error),
      message,
    });
  });

  const onOutcome = (outcome: DeliveryOutcome) => {
    if (outcome.kind === 'handled' || outcome.kind === 'duplicate') consumed.add({ queue: outcome.queue, delivery: outcome.delivery, duplicate: outcome.kind === 'duplicate' });
    else if (outcome.kind === 'retried') retried.add({ queue: outcome.queue, delivery: outcome.delivery, error: outcome.error, delayMs: outcome.delayMs });
  };
  const onPublished = (message: OutgoingMessage) => {
    published.add({
      messageId: message.messageId,
      type: message.type,
      exchange: message.exchange,
      routingKey: message.routingKey,
      payload: JSON.parse(message.content.toString('utf8')) as unknown,
      headers: message.properties.headers ?? {},
    });
  };

  const bus = (service: ServiceDescriptor): InMemoryBus => {
    let existing = buses.get(service.id);
    if (!existing) {
      existing = createInMemoryBus({ service, broker, logger, onOutcome, onPublished, shutdownGraceMs: timeout });
      buses.set(service.id, existing);
    }
    return existing;
  };
  const serviceOf = (send: SendDescriptor): ServiceDescriptor => {
    const [system = send.service, name = send.service] = send.service.split('/');
    return { id: send.service, system, name, vhost: send.vhost, brokerUser: `${system}-${name}` };
  };

  return {
    broker,
    bus,
    publish: (send, payload, publishOptions) => bus(serviceOf(send as SendDescriptor)).publish(send, payload, publishOptions),
    consumed: (match, ms = timeout) => consumed.wait(matcher(match, (r) => ({ type: r.delivery.envelope.type, messageId: r.delivery.envelope.messageId, queue: r.queue })), label(match), ms),
    published: (match, ms = timeout) => published.wait(matcher(match, (r) => ({ type: r.type, messageId: r.messageId, queue: undefined })), label(match), ms),
    retried: (match, ms = timeout) => retried.wait(matcher(match, (r) => ({ type: r.delivery.envelope.type, messageId: r.delivery.envelope.messageId, queue: r.queue })), label(match), ms),
    deadLettered: (match, ms = timeout) => deadLettered.wait(matcher(match, (r) => ({ type: r.type, messageId: r.messageId, queue: r.queue })), label(match), ms),
    records: { consumed: consumed.records, published: published.records, retried: retried.records, deadLettered: deadLettered.records },
    async close() {
      await Promise.all([...buses.values()].map((b) => b.close()));
      broker.close();
    },
  };
}

function matcher<R>(match: Match<R> | undefined, facts: (record: R) => { type: string | undefined; messageId: string | undefined; queue: string | undefined }): (record: R) => boolean {
  if (match === undefined) return () => true;
  if (typeof match === 'function') return match;
  const wanted = 'message' in match ? { type: match.message.type } : 'validate' in match ? { type: match.type } : match;
  return (record) => {
    const f = facts(record);
    return (wanted.type === undefined || f.type === wanted.type) && (wanted.messageId === undefined || f.messageId === wanted.messageId) && (wanted.queue === undefined || f.queue === wanted.queue);
  };
}

function label<R>(match: Match<R> | undefined): string {
  if (match === undefined) return 'anything';
  if (typeof match === 'function') return 'the predicate';
  if ('message' in match) return match.message.type;
  if ('validate' in match) return match.type;
  return JSON.stringify(match);
}

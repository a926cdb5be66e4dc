/**
 * What happens to one delivery, whatever the transport: decode and validate, run the handler once
 * per message id (inbox) within the concurrency limit and per-subject order, then acknowledge; on
 * a handler error republish to the next retry step (confirmed) and only then acknowledge; after
 * the last step, or for a message that cannot be decoded, republish to the dead-letter exchange.
 *
 * The AMQP and in-memory transports both drive this class, so their semantics cannot drift.
 */
import type { Tracer } from '@opentelemetry/api';
import { runWithCause } from './causation.js';
import type { Delivery, Envelope, Handler, HandlerContext, ReceiveDescriptor } from './contract.js';
import { randomUUID } from 'node:crypto';
import { decodeIncoming, deliveryOrigin, queueDecoder, type DeadLetterReason, type QueueDecoder } from './decode.js';
import { errorText, failureHeaders, inheritedHeaders, planFailure, republished, trimStack } from './failure.js';
import type { Inbox } from './inbox.js';
import type { RuntimeLogger } from './logger.js';
import type { IncomingMessage, OutgoingMessage } from './message.js';
import type { ConsumeMetrics, RuntimeMetrics } from './metrics.js';
import { OrderedLimiter } from './ordered-limiter.js';
import { EP, headerNumber } from './envelope.js';
import { OutOfOrderError, SequenceGapError, sequencePosition } from './sequence.js';
import { endSpan, markAttempt, otelContext, spanEvent, startConsumeSpan } from './tracing.js';

/**
 * What a handler gets besides the delivery. A class, not an object of closures: one is made per
 * message, and the logger child (which costs more than most handlers) only when first used.
 */
class DeliveryContext implements HandlerContext {
  private bound: RuntimeLogger | undefined;

  constructor(
    private readonly logger: RuntimeLogger,
    private readonly queue: string,
    readonly signal: AbortSignal,
    private readonly delivery: Delivery,
  ) {}

  get log(): RuntimeLogger {
    const { envelope, attempt } = this.delivery;
    this.bound ??= this.logger.child({ queue: this.queue, messageId: envelope.messageId, type: envelope.type, correlationId: envelope.correlationId, attempt });
    return this.bound;
  }
}

export type Settlement = 'ack' | 'requeue' | 'reject';

export interface PipelineDependencies<Token> {
  readonly receive: ReceiveDescriptor;
  readonly handler: Handler;
  readonly inbox: Inbox;
  readonly metrics: RuntimeMetrics;
  readonly logger: RuntimeLogger;
  readonly tracer: Tracer;
  /** Publishes and resolves once the broker confirmed (retry and dead-letter copies). */
  readonly republish: (message: OutgoingMessage) => Promise<void>;
  /** Acknowledges, returns (requeue) or rejects the delivery `token` stands for. */
  readonly settle: (token: Token, settlement: Settlement) => void;
  /** The broker user republished copies go out under. */
  readonly userId: () => string | undefined;
  readonly now?: () => number;
  /** Bodies above this many bytes are dead-lettered unread (default DEFAULT_MAX_MESSAGE_BYTES, 4 MiB). */
  readonly maxMessageBytes?: number;
  /** Before every contract broker user name in a namespaced deployment (see queueDecoder). */
  readonly userPrefix?: string;
  /** Broker users whose publishes are operator replays (default: DEFAULT_OPERATOR_USER). */
  readonly operators?: readonly string[] | undefined;
  /** Dead-letter ids (default randomUUID). */
  readonly newId?: () => string;
  /** Observes each outcome (the test harness listens here). */
  readonly onOutcome?: (outcome: DeliveryOutcome) => void;
}

export type DeliveryOutcome =
  | { readonly kind: 'handled' | 'duplicate'; readonly queue: string; readonly delivery: Delivery }
  | { readonly kind: 'retried'; readonly queue: string; readonly delivery: Delivery; readonly error: unknown; readonly delayMs: number }
  /** Ahead of a gap in its aggregate's sequence: sent round the first retry step to wait (not an attempt). */
  | { readonly kind: 'deferred'; readonly queue: string; readonly delivery: Delivery; readonly delayMs: number }
  | {
      readonly kind: 'dead-lettered';
      readonly queue: string;
      readonly reason: DeadLetterReason;
      readonly detail: string;
      readonly messageId: string | undefined;
      readonly type: string | undefined;
      readonly delivery?: Delivery;
      readonly error?: unknown;
    };

const UNKNOWN_TYPE = '(unknown)';

/** The handler, inside the delivery's causation context (publishes it makes inherit the envelope). */
function runHandler(envelope: Envelope, handler: Handler, delivery: Delivery, context: HandlerContext): Promise<void> {
  return runWithCause(envelope, handler, delivery, context);
}

export class ConsumerPipeline<Token> {
  private readonly decoder: QueueDecoder;
  private readonly limiter: OrderedLimiter;
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly queue: string;
  private readonly spanName: string;
  private readonly metricsByType = new Map<string, ConsumeMetrics>();
  private readonly receivedTypes: ReadonlySet<string>;
  private stopping = false;
  /** Settlements and republishes still running for deliveries that left the handler. */
  private settling = 0;
  private settledWaiters: Array<() => void> = [];

  constructor(private readonly deps: PipelineDependencies<Token>) {
    this.decoder = queueDecoder(deps.receive, { maxBytes: deps.maxMessageBytes, userPrefix: deps.userPrefix, ownUser: deps.userId(), operators: deps.operators });
    this.newId = deps.newId ?? randomUUID;
    this.limiter = new OrderedLimiter(Math.max(1, deps.receive.concurrency));
    this.now = deps.now ?? Date.now;
    this.queue = deps.receive.queue;
    this.spanName = `${deps.receive.queue} process`;
    this.receivedTypes = new Set(deps.receive.messages.map((m) => m.type));
  }

  private metricsFor(type: string): ConsumeMetrics {
    let metrics = this.metricsByType.get(type);
    if (metrics === undefined) {
      metrics = this.deps.metrics.forConsume(this.queue, type);
      this.metricsByType.set(type, metrics);
    }
    return metrics;
  }

  /** Deliveries accepted and not yet settled. */
  get inFlight(): number {
    return this.limiter.size + this.settling;
  }

  accept(message: IncomingMessage, token: Token): void {
    if (this.stopping) {
      this.deps.settle(token, 'requeue');
      return;
    }
    const decoded = decodeIncoming(message, this.decoder);
    if (!decoded.ok) {
      this.metricsFor(decoded.type ?? UNKNOWN_TYPE).consumed.inc();
      this.track(this.deadLetterUndecodable(message, token, decoded.reason, decoded.detail, decoded.type));
      return;
    }
    this.metricsFor(decoded.envelope.type).consumed.inc();
    const delivery: Delivery = {
      name: decoded.descriptor.name,
      payload: decoded.payload,
      envelope: decoded.envelope,
      attempt: decoded.attempt,
      redelivered: message.redelivered,
    };
    this.limiter.submit(decoded.envelope.subject, () => this.handle(message, token, delivery));
  }

  /**
   * Graceful stop: deliveries not yet started go back to the broker, running handlers finish (the
   * abort signal fires when `graceMs` runs out), and their acks or republishes complete.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    for (const task of this.limiter.drainPending()) void task();
    const finished = Promise.all([this.limiter.idle(), this.settled()]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const outcome = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.deps.logger.warn({ queue: this.queue, inFlight: this.inFlight, graceMs }, 'shutdown grace period over: aborting handlers');
      this.abort.abort(new Error('consumer shutting down'));
    }
  }

  private async handle(message: IncomingMessage, token: Token, delivery: Delivery): Promise<void> {
    // Not started before shutdown began: hand it back to the broker for another consumer.
    if (this.stopping) {
      this.deps.settle(token, 'requeue');
      return;
    }
    const deps = this.deps;
    const envelope = delivery.envelope;
    const metrics = this.metricsFor(envelope.type);
    const started = performance.now();
    const { span, context } = startConsumeSpan(deps.tracer, this.spanName, this.queue, envelope.type, envelope.messageId, envelope.headers);
    markAttempt(span, delivery.attempt, envelope.correlationId);
    const handlerContext = new DeliveryContext(deps.logger, this.queue, this.abort.signal, delivery);
    let outcome: 'processed' | 'duplicate';
    // The wait of an event held back for a gap is trusted only from this queue's retry exchange.
    const waitingSince = message.exchange === deps.receive.retry.exchange ? headerNumber(message.properties.headers, EP.gapSince) : undefined;
    const sequence = sequencePosition(envelope, this.receivedTypes, waitingSince);
    try {
      outcome = await deps.inbox.process({ consumer: this.queue, messageId: envelope.messageId, sequence }, () =>
        context === undefined
          ? runHandler(envelope, deps.handler, delivery, handlerContext)
          : otelContext.with(context, runHandler, undefined, envelope, deps.handler, delivery, handlerContext),
      );
    } catch (error) {
      const plan = planFailure(deps.receive, delivery.attempt);
      spanEvent(
        span,
        plan.kind,
        plan.kind === 'retry'
          ? { 'messaging.rabbitmq.delivery_attempt': delivery.attempt, 'eventplane.retry': plan.retry, 'eventplane.retry.delay_ms': plan.delayMs, 'eventplane.retry.queue': plan.routingKey }
          : { 'messaging.rabbitmq.delivery_attempt': delivery.attempt, 'messaging.destination.name': plan.exchange },
      );
      endSpan(span, error);
      metrics.handlerSeconds.observe((performance.now() - started) / 1000);
      await this.failed(message, token, delivery, error);
      return;
    }
    endSpan(span);
    deps.settle(token, 'ack');
    if (outcome === 'duplicate') {
      metrics.duplicates.inc();
      deps.onOutcome?.({ kind: 'duplicate', queue: this.queue, delivery });
      return;
    }
    metrics.handlerSeconds.observe((performance.now() - started) / 1000);
    metrics.succeeded.inc();
    const published = Date.parse(envelope.time);
    if (published > 0) metrics.latencySeconds.observe(Math.max(0, this.now() - published) / 1000);
    deps.onOutcome?.({ kind: 'handled', queue: this.queue, delivery });
  }

  private async failed(message: IncomingMessage, token: Token, delivery: Delivery, error: unknown): Promise<void> {
    const deps = this.deps;
    if (error instanceof SequenceGapError && deps.receive.retry.queues.length > 0) {
      await this.defer(message, token, delivery, error);
      return;
    }
    const outOfOrder = error instanceof OutOfOrderError || error instanceof SequenceGapError;
    // Out of order (or ahead of a gap with no retry step to wait in): dead-lettered now, never retried.
    const plan = outOfOrder ? ({ kind: 'dead-letter', exchange: deps.receive.deadLetter.exchange, routingKey: deps.receive.deadLetter.routingKey } as const) : planFailure(deps.receive, delivery.attempt);
    const reason = error instanceof OutOfOrderError ? 'out-of-order' : error instanceof SequenceGapError ? 'sequence-gap' : 'handler-failed';
    const metrics = this.metricsFor(delivery.envelope.type);
    const headers = failureHeaders(inheritedHeaders(message, deliveryOrigin(message, this.decoder) !== 'publish'), {
      reason,
      error: errorText(error),
      stack: error instanceof Error && !outOfOrder ? trimStack(error.stack) : undefined,
      attempts: delivery.attempt,
      queue: this.queue,
      now: this.now(),
      originalExchange: delivery.envelope.exchange,
      originalRoutingKey: delivery.envelope.routingKey,
      originalUserId: delivery.envelope.userId,
      deadLetterId: plan.kind === 'dead-letter' ? this.newId() : undefined,
    });
    const copy = republished(message, plan, headers, deps.userId());
    const log = deps.logger;
    const logFields = {
      queue: this.queue,
      messageId: delivery.envelope.messageId,
      type: delivery.envelope.type,
      correlationId: delivery.envelope.correlationId,
      attempt: delivery.attempt,
      err: error,
    };
    if (await this.republishThenAck(copy, token)) {
      if (plan.kind === 'retry') {
        metrics.retried.inc();
        log.warn({ ...logFields, retry: plan.retry, delayMs: plan.delayMs }, 'handler failed: retrying later');
        deps.onOutcome?.({ kind: 'retried', queue: this.queue, delivery, error, delayMs: plan.delayMs });
      } else {
        metrics.deadLettered(reason).inc();
        log.error(logFields, outOfOrder ? 'event out of its aggregate\u2019s order: dead-lettered' : 'handler failed on the last attempt: dead-lettered');
        deps.onOutcome?.({
          kind: 'dead-lettered',
          queue: this.queue,
          reason,
          detail: errorText(error),
          messageId: delivery.envelope.messageId,
          type: delivery.envelope.type,
          delivery,
          error,
        });
      }
    }
  }

  /**
   * An event ahead of a gap in its aggregate's sequence goes round the first retry step (its
   * delay) and comes back: not an attempt (the count is kept), and the time it was first held
   * back travels along, so the inbox can stop waiting after its gap wait.
   */
  private async defer(message: IncomingMessage, token: Token, delivery: Delivery, error: SequenceGapError): Promise<void> {
    const deps = this.deps;
    const retry = deps.receive.retry;
    const headers = failureHeaders(inheritedHeaders(message, deliveryOrigin(message, this.decoder) !== 'publish'), {
      reason: 'sequence-gap',
      error: errorText(error),
      attempts: delivery.attempt - 1,
      queue: this.queue,
      now: this.now(),
      originalExchange: delivery.envelope.exchange,
      originalRoutingKey: delivery.envelope.routingKey,
      originalUserId: delivery.envelope.userId,
    });
    headers[EP.gapSince] = error.position.waitingSince ?? this.now();
    const delayMs = retry.delaysMs[0] ?? 0;
    const copy = republished(message, { exchange: retry.exchange, routingKey: retry.queues[0]! }, headers, deps.userId());
    if (await this.republishThenAck(copy, token)) {
      deps.logger.info(
        { queue: this.queue, messageId: delivery.envelope.messageId, type: delivery.envelope.type, stream: error.position.stream, seq: error.position.seq, waitsFor: error.position.after, delayMs },
        'event ahead of a gap in its aggregate\u2019s sequence: waiting for the earlier one',
      );
      deps.onOutcome?.({ kind: 'deferred', queue: this.queue, delivery, delayMs });
    }
  }

  private async deadLetterUndecodable(
    message: IncomingMessage,
    token: Token,
    reason: DeadLetterReason,
    detail: string,
    type: string | undefined,
  ): Promise<void> {
    const deps = this.deps;
    const { deadLetter } = deps.receive;
    const headers = failureHeaders(inheritedHeaders(message, deliveryOrigin(message, this.decoder) !== 'publish'), {
      reason,
      error: detail,
      attempts: 0,
      queue: this.queue,
      now: this.now(),
      originalExchange: message.exchange,
      originalRoutingKey: message.routingKey,
      originalUserId: message.properties.userId,
      deadLetterId: this.newId(),
    });
    const copy = republished(message, deadLetter, headers, deps.userId());
    if (await this.republishThenAck(copy, token)) {
      this.metricsFor(type ?? UNKNOWN_TYPE).deadLettered(reason).inc();
      deps.logger.warn(
        { queue: this.queue, messageId: message.properties.messageId, type, reason, detail, correlationId: message.properties.correlationId },
        'message cannot be handled: dead-lettered',
      );
      deps.onOutcome?.({ kind: 'dead-lettered', queue: this.queue, reason, detail, messageId: message.properties.messageId, type });
    }
  }

  /**
   * The copy must be safely stored before the original is acknowledged. If it cannot be (the
   * connection dropped: the original will be redelivered; no route: a topology problem), the
   * original is rejected so the queue's own dead-letter policy catches it: nothing is dropped.
   */
  private async republishThenAck(copy: OutgoingMessage, token: Token): Promise<boolean> {
    try {
      await this.deps.republish(copy);
    } catch (error) {
      this.deps.logger.error(
        { queue: this.queue, messageId: copy.messageId, exchange: copy.exchange, routingKey: copy.routingKey, err: error },
        'could not republish for retry/dead-letter: rejecting to the queue’s dead-letter policy',
      );
      this.deps.settle(token, 'reject');
      return false;
    }
    this.deps.settle(token, 'ack');
    return true;
  }

  private track(work: Promise<void>): void {
    this.settling++;
    work.finally(() => {
      this.settling--;
      if (this.settling === 0) {
        const waiters = this.settledWaiters;
        this.settledWaiters = [];
        for (const resolve of waiters) resolve();
      }
    });
  }

  private settled(): Promise<void> {
    if (this.settling === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }
}

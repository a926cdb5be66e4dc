/**
 * Prometheus metrics per event type (publishing) and per queue and type (consuming). The
 * per-message ones are fast-metrics cells resolved once per (queue, type); connection state uses
 * prom-client's own Gauge and Counter.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { FastCounter, FastHistogram, registered, type CounterCell, type HistogramCell } from './fast-metrics.js';

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LATENCY_SECONDS = [...SECONDS, 60, 300, 1800];

export interface PublishMetrics {
  readonly published: CounterCell;
  readonly confirmed: CounterCell;
  readonly returned: CounterCell;
  readonly rejected: CounterCell;
}

export interface ConsumeMetrics {
  readonly consumed: CounterCell;
  readonly succeeded: CounterCell;
  readonly duplicates: CounterCell;
  readonly retried: CounterCell;
  readonly handlerSeconds: HistogramCell;
  readonly latencySeconds: HistogramCell;
  deadLettered(reason: string): CounterCell;
}

export type RequestOutcome = 'ok' | 'error-reply' | 'invalid-reply' | 'timeout' | 'interrupted' | 'unroutable';

/** Requester side, per request type. */
export interface RequestMetrics {
  seconds(outcome: RequestOutcome): HistogramCell;
  readonly timeouts: CounterCell;
  readonly errorReplies: CounterCell;
}

export class RuntimeMetrics {
  private readonly published: FastCounter;
  private readonly confirmed: FastCounter;
  private readonly returned: FastCounter;
  private readonly rejected: FastCounter;
  private readonly consumed: FastCounter;
  private readonly succeeded: FastCounter;
  private readonly duplicates: FastCounter;
  private readonly retried: FastCounter;
  private readonly deadLettered: FastCounter;
  private readonly handlerSeconds: FastHistogram;
  private readonly latencySeconds: FastHistogram;
  private readonly requestSeconds: FastHistogram;
  private readonly requestTimeouts: FastCounter;
  private readonly errorReplies: FastCounter;
  private readonly droppedReplies: FastCounter;
  private readonly requestCache = new Map<string, RequestMetrics>();
  readonly connected: Gauge<string>;
  readonly reconnects: Counter<string>;
  readonly blocked: Gauge<string>;
  private readonly publishCache = new Map<string, PublishMetrics>();
  private readonly consumeCache = new Map<string, ConsumeMetrics>();

  constructor(readonly registry: Registry) {
    const counter = (name: string, help: string, labelNames: string[]) => registered(registry, new FastCounter(name, help, labelNames));
    const histogram = (name: string, help: string, labelNames: string[], buckets: number[]) =>
      registered(registry, new FastHistogram(name, help, labelNames, buckets));
    const gauge = (name: string, help: string) =>
      (registry.getSingleMetric(name) as Gauge<string> | undefined) ?? new Gauge({ name, help, labelNames: ['service'], registers: [registry] });

    this.published = counter('eventplane_published_total', 'Messages handed to the broker (resends included), by event type.', ['type']);
    this.confirmed = counter('eventplane_publish_confirmed_total', 'Publishes the broker confirmed, by event type.', ['type']);
    this.returned = counter('eventplane_publish_returned_total', 'Publishes returned as unroutable, by event type.', ['type']);
    this.rejected = counter('eventplane_publish_rejected_total', 'Publishes the broker nacked (queue full), by event type.', ['type']);
    this.consumed = counter('eventplane_consumed_total', 'Deliveries received, by queue and event type.', ['queue', 'type']);
    this.succeeded = counter('eventplane_handled_total', 'Deliveries handled successfully and acknowledged.', ['queue', 'type']);
    this.duplicates = counter('eventplane_duplicates_total', 'Deliveries skipped because the inbox had processed them.', ['queue', 'type']);
    this.retried = counter('eventplane_retried_total', 'Handler failures sent to the retry ladder.', ['queue', 'type']);
    this.deadLettered = counter('eventplane_dead_lettered_total', 'Deliveries sent to the dead-letter queue, by reason.', ['queue', 'type', 'reason']);
    this.handlerSeconds = histogram('eventplane_handler_duration_seconds', 'Handler run time.', ['queue', 'type'], SECONDS);
    this.latencySeconds = histogram(
      'eventplane_end_to_end_latency_seconds',
      'Time from ce-time (publish) to handled, retries included.',
      ['queue', 'type'],
      LATENCY_SECONDS,
    );
    this.requestSeconds = histogram(
      'eventplane_request_duration_seconds',
      'Request/reply: from publishing the request to its reply (or failure), by request type and outcome.',
      ['type', 'outcome'],
      SECONDS,
    );
    this.requestTimeouts = counter('eventplane_request_timeouts_total', 'Requests that got no reply within their timeout.', ['type']);
    this.errorReplies = counter('eventplane_error_replies_total', 'Error replies, by request type and side (sent by a replier, received by a requester).', [
      'type',
      'side',
    ]);
    this.droppedReplies = counter('eventplane_replies_dropped_total', 'Replies no request waited for: late (after a timeout) or foreign.', ['reason']);
    this.connected = gauge('eventplane_broker_connected', '1 while connected to the broker.');
    this.reconnects =
      (registry.getSingleMetric('eventplane_broker_reconnects_total') as Counter<string> | undefined) ??
      new Counter({ name: 'eventplane_broker_reconnects_total', help: 'Connections re-established after a loss.', labelNames: ['service'], registers: [registry] });
    this.blocked = gauge('eventplane_broker_blocked', '1 while the broker blocks publishing (resource alarm).');
  }

  forPublish(type: string): PublishMetrics {
    let metrics = this.publishCache.get(type);
    if (metrics === undefined) {
      const labels = { type };
      metrics = {
        published: this.published.cell(labels),
        confirmed: this.confirmed.cell(labels),
        returned: this.returned.cell(labels),
        rejected: this.rejected.cell(labels),
      };
      this.publishCache.set(type, metrics);
    }
    return metrics;
  }

  forRequest(type: string): RequestMetrics {
    let metrics = this.requestCache.get(type);
    if (metrics === undefined) {
      const seconds = new Map<RequestOutcome, HistogramCell>();
      const histogram = this.requestSeconds;
      metrics = {
        seconds(outcome) {
          let cell = seconds.get(outcome);
          if (cell === undefined) {
            cell = histogram.cell({ type, outcome });
            seconds.set(outcome, cell);
          }
          return cell;
        },
        timeouts: this.requestTimeouts.cell({ type }),
        errorReplies: this.errorReplies.cell({ type, side: 'received' }),
      };
      this.requestCache.set(type, metrics);
    }
    return metrics;
  }

  /** An error reply a replier sent for a request of `type`. */
  errorReplySent(type: string): CounterCell {
    return this.errorReplies.cell({ type, side: 'sent' });
  }

  droppedReply(reason: 'late' | 'foreign'): CounterCell {
    return this.droppedReplies.cell({ reason });
  }

  forConsume(queue: string, type: string): ConsumeMetrics {
    const cacheKey = `${queue}\u0000${type}`;
    let metrics = this.consumeCache.get(cacheKey);
    if (metrics === undefined) {
      const labels = { queue, type };
      const reasons = new Map<string, CounterCell>();
      const deadLettered = this.deadLettered;
      metrics = {
        consumed: this.consumed.cell(labels),
        succeeded: this.succeeded.cell(labels),
        duplicates: this.duplicates.cell(labels),
        retried: this.retried.cell(labels),
        handlerSeconds: this.handlerSeconds.cell(labels),
        latencySeconds: this.latencySeconds.cell(labels),
        deadLettered(reason: string) {
          let cell = reasons.get(reason);
          if (cell === undefined) {
            cell = deadLettered.cell({ queue, type, reason });
            reasons.set(reason, cell);
          }
          return cell;
        },
      };
      this.consumeCache.set(cacheKey, metrics);
    }
    return metrics;
  }
}

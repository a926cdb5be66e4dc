/**
 * Prometheus metrics of the outbox: how many events wait (`pending`), how long the oldest has
 * waited (`oldest_pending_age_seconds`: the alert that catches a stuck relay or a poison
 * aggregate), the relay lag from commit to confirmed publish, and publish failures.
 *
 * The two gauges are read from the database when Prometheus scrapes, so they are right even
 * when no relay runs in this process. One set of metrics per registry; each relay registers
 * its outbox under a label.
 */
import { Counter, Gauge, Histogram, register as globalRegistry, type Registry } from 'prom-client';

export interface OutboxBacklog {
  readonly pending: number;
  readonly oldestAgeSeconds: number;
}

interface Source {
  readonly label: string;
  backlog(): Promise<OutboxBacklog>;
}

const LAG_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];
/** Both gauges are collected in one scrape; one query serves them. */
const BACKLOG_CACHE_MS = 1_000;

export class OutboxMetrics {
  private static readonly byRegistry = new WeakMap<Registry, OutboxMetrics>();
  private readonly sources = new Set<Source>();
  readonly published: Counter<'outbox' | 'type'>;
  readonly failures: Counter<'outbox' | 'type'>;
  readonly lagSeconds: Histogram<'outbox'>;

  static for(registry: Registry = globalRegistry): OutboxMetrics {
    let metrics = OutboxMetrics.byRegistry.get(registry);
    if (metrics === undefined) {
      metrics = new OutboxMetrics(registry);
      OutboxMetrics.byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    const sources = this.sources;
    const registers = [registry];
    const readAll = async (gauge: Gauge<'outbox'>, pick: (backlog: OutboxBacklog) => number) => {
      gauge.reset();
      await Promise.all(
        [...sources].map(async (source) => {
          try {
            gauge.set({ outbox: source.label }, pick(await source.backlog()));
          } catch {
            // A closed or unreachable database: leave the series out of this scrape rather than fail it.
          }
        }),
      );
    };
    new Gauge({
      name: 'eventplane_outbox_pending',
      help: 'Outbox events committed and not yet published.',
      labelNames: ['outbox'],
      registers,
      async collect() {
        await readAll(this, (backlog) => backlog.pending);
      },
    });
    new Gauge({
      name: 'eventplane_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unpublished outbox event (0 when none wait).',
      labelNames: ['outbox'],
      registers,
      async collect() {
        await readAll(this, (backlog) => backlog.oldestAgeSeconds);
      },
    });
    this.published = new Counter({
      name: 'eventplane_outbox_published_total',
      help: 'Outbox events the relay published and the broker confirmed.',
      labelNames: ['outbox', 'type'],
      registers,
    });
    this.failures = new Counter({
      name: 'eventplane_outbox_publish_failures_total',
      help: 'Outbox publishes that failed and will be retried with backoff.',
      labelNames: ['outbox', 'type'],
      registers,
    });
    this.lagSeconds = new Histogram({
      name: 'eventplane_outbox_relay_lag_seconds',
      help: 'Time from the outbox commit to the confirmed publish.',
      labelNames: ['outbox'],
      buckets: LAG_SECONDS,
      registers,
    });
  }

  /** Reports an outbox's backlog under `label` until the returned function is called. */
  track(label: string, read: () => Promise<OutboxBacklog>): () => void {
    let cached: { at: number; value: Promise<OutboxBacklog> } | undefined;
    const source: Source = {
      label,
      backlog: () => {
        const now = Date.now();
        if (cached === undefined || now - cached.at > BACKLOG_CACHE_MS) {
          const value = read();
          cached = { at: now, value };
          value.catch(() => {
            cached = undefined;
          });
        }
        return cached.value;
      },
    };
    this.sources.add(source);
    return () => {
      this.sources.delete(source);
    };
  }
}

/**
 * Labelled counters and histograms for the per-message hot path, registered in a prom-client
 * Registry as ordinary metrics (same exposition, same /metrics). prom-client's own children
 * validate and hash their label set on every inc()/observe(); these resolve a label set once to a
 * cell, and counting is then a field increment — measurable when a consumer handles tens of
 * thousands of messages a second on a core it shares with the broker.
 */
import type { Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

abstract class FastMetric<Cell> {
  protected readonly cells = new Map<string, { labels: Labels; cell: Cell }>();
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  abstract readonly type: 'counter' | 'histogram';
  protected abstract createCell(): Cell;

  /** The cell for one label set; keep it and count on it. */
  cell(labels: Labels): Cell {
    const key = this.labelNames.map((name) => labels[name] ?? '').join('\u0000');
    let entry = this.cells.get(key);
    if (entry === undefined) {
      entry = { labels: { ...labels }, cell: this.createCell() };
      this.cells.set(key, entry);
    }
    return entry.cell;
  }

  reset(): void {
    this.cells.clear();
  }

  abstract get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }>;
}

export class CounterCell {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class FastCounter extends FastMetric<CounterCell> {
  readonly type = 'counter' as const;
  protected createCell(): CounterCell {
    return new CounterCell();
  }
  async get() {
    const values = [...this.cells.values()].map(({ labels, cell }) => ({ value: cell.value, labels: { ...labels } }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

export class HistogramCell {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }
}

export class FastHistogram extends FastMetric<HistogramCell> {
  readonly type = 'histogram' as const;
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
  }
  protected createCell(): HistogramCell {
    return new HistogramCell(this.buckets);
  }
  async get() {
    const values: MetricValue[] = [];
    for (const { labels, cell } of this.cells.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += cell.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cell.count });
      values.push({ metricName: `${this.name}_sum`, labels: { ...labels }, value: cell.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...labels }, value: cell.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

/** Registers `metric` unless the registry has one of that name (two buses may share a registry). */
export function registered<T extends FastMetric<unknown>>(registry: Registry, metric: T): T {
  const existing = registry.getSingleMetric(metric.name) as unknown;
  if (existing instanceof FastMetric) return existing as T;
  registry.registerMetric(metric as never);
  return metric;
}

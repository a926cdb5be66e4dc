import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastCounter, FastHistogram, registered } from '../../../src/runtime/fast-metrics.js';

describe('fast metrics in a prom-client registry', () => {
  it('expose counters and cumulative histogram buckets in the Prometheus text format', async () => {
    const registry = new Registry();
    const counter = registered(registry, new FastCounter('t_total', 'Test counter.', ['queue', 'type']));
    const histogram = registered(registry, new FastHistogram('t_seconds', 'Test histogram.', ['queue'], [0.1, 1]));
    counter.cell({ queue: 'q', type: 'a' }).inc();
    counter.cell({ type: 'a', queue: 'q' }).inc(2);
    const cell = histogram.cell({ queue: 'q' });
    for (const value of [0.05, 0.5, 5]) cell.observe(value);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE t_total counter\nt_total{queue="q",type="a"} 3');
    expect(text).toContain('t_seconds_bucket{queue="q",le="0.1"} 1');
    expect(text).toContain('t_seconds_bucket{queue="q",le="1"} 2');
    expect(text).toContain('t_seconds_bucket{queue="q",le="+Inf"} 3');
    expect(text).toContain('t_seconds_sum{queue="q"} 5.55');
    expect(text).toContain('t_seconds_count{queue="q"} 3');
    // A second bus on the same registry shares the metric instead of failing.
    expect(registered(registry, new FastCounter('t_total', 'x', ['queue', 'type']))).toBe(counter);
  });
});

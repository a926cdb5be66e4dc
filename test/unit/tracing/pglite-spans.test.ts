/** PGlite queries made inside a trace become CLIENT spans of it; outside a trace they start none. */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { node, tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type DurableStore } from '../../../src/durable/index.js';
import { operationOf } from '../../../src/durable/pglite-spans.js';

const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
let store: DurableStore;

beforeAll(async () => {
  provider.register();
  store = await openStore({ migrate: false });
}, 120_000);

afterAll(async () => {
  await store?.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
});

describe('PGlite spans', () => {
  it('names the operation of a statement', () => {
    expect(operationOf('  select 1')).toBe('SELECT');
    expect(operationOf('-- why\nINSERT INTO t VALUES (1)')).toBe('INSERT');
    expect(operationOf('(SELECT 1)')).toBeUndefined();
  });

  it('traces queries and transactions inside a trace as children of the active span, failures included', async () => {
    exporter.reset();
    const parent = trace.getTracer('test').startSpan('handler');
    await context.with(trace.setSpan(context.active(), parent), async () => {
      await store.query('SELECT $1::int AS one', [1]);
      await store.transaction(async (tx) => {
        await tx.query('SELECT 2');
      });
      await expect(store.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
    });
    parent.end();
    const spans = exporter.getFinishedSpans().filter((s) => s.name.startsWith('pglite.query:'));
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(['pglite.query:SELECT']));
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(span.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'eventplane.db.engine': 'pglite', 'db.operation.name': 'SELECT' });
    }
    expect(spans.map((s) => s.attributes['db.query.text'])).toEqual(expect.arrayContaining(['SELECT $1::int AS one', 'SELECT 2', 'SELECT * FROM no_such_table']));
    const failed = spans.find((s) => s.attributes['db.query.text'] === 'SELECT * FROM no_such_table')!;
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.events.map((e) => e.name)).toContain('exception');
  });

  it('starts no span for queries outside a trace (background polling)', async () => {
    exporter.reset();
    await store.query('SELECT 3');
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

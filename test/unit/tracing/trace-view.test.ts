import { describe, expect, it } from 'vitest';
import { serviceNameOf, tracingEnabled } from '../../../src/service-kit/telemetry/settings.js';
import { decodeOtlpJson, OtlpDecodeError, SPAN_KIND, type SpanRecord } from '../../../src/trace-view/otlp-json.js';
import { renderWaterfall, waterfallRows } from '../../../src/trace-view/waterfall-svg.js';

describe('when tracing is on', () => {
  it('is off without an endpoint or an explicit exporter, so no SDK starts by default', () => {
    expect(tracingEnabled({})).toBe(false);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(false);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces' })).toBe(true);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
  });

  it('OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none win over an endpoint', () => {
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBe(false);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  it('names the service after the contract unless OTEL_SERVICE_NAME says otherwise', () => {
    expect(serviceNameOf({}, 'shop/order')).toBe('shop/order');
    expect(serviceNameOf({ OTEL_SERVICE_NAME: 'orders' }, 'shop/order')).toBe('orders');
  });
});

const request = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop/order' } }] },
      scopeSpans: [
        {
          spans: [
            { traceId: 'a'.repeat(32), spanId: '1'.repeat(16), name: 'POST /api/orders', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000012500000', attributes: [{ key: 'http.response.status_code', value: { intValue: '201' } }] },
            {
              traceId: 'a'.repeat(32),
              spanId: '2'.repeat(16),
              parentSpanId: '1'.repeat(16),
              name: 'shop.events publish',
              kind: 4,
              startTimeUnixNano: '1700000000002000000',
              endTimeUnixNano: '1700000000004000000',
              events: [{ name: 'retry', timeUnixNano: '1700000000003000000', attributes: [{ key: 'eventplane.retry', value: { intValue: 1 } }] }],
              status: { code: 2 },
            },
          ],
        },
      ],
    },
  ],
};

describe('OTLP JSON decoding', () => {
  it('flattens spans with their service, millisecond times, attributes and events', () => {
    const [server, publish] = decodeOtlpJson(JSON.stringify(request));
    expect(server).toMatchObject({ service: 'shop/order', kind: SPAN_KIND.server, parentSpanId: undefined, startMs: 1_700_000_000_000, endMs: 1_700_000_000_012.5, attributes: { 'http.response.status_code': 201 } });
    expect(publish).toMatchObject({ parentSpanId: '1'.repeat(16), status: 2, events: [{ name: 'retry', timeMs: 1_700_000_000_003, attributes: { 'eventplane.retry': 1 } }] });
  });

  it('refuses what is not an OTLP JSON request with a clear error', () => {
    expect(() => decodeOtlpJson('\u0000\u0001protobuf')).toThrow(OtlpDecodeError);
    expect(() => decodeOtlpJson('{"resourceSpans": 3}')).toThrow(/resourceSpans must be an array/);
  });
});

describe('the waterfall', () => {
  const span = (spanId: string, parentSpanId: string | undefined, service: string, startMs: number, endMs: number, name = `${service} work`): SpanRecord => ({
    traceId: 't',
    spanId,
    parentSpanId,
    name,
    kind: 1,
    service,
    startMs,
    endMs,
    attributes: {},
    events: [],
    status: 0,
  });

  it('orders rows parent before children, siblings by start, and indents by depth', () => {
    const spans = [span('c2', 'root', 'shop/cart', 30, 40), span('root', 'remote-caller', 'shop/checkout', 0, 100), span('c1', 'root', 'shop/payment', 10, 20), span('g', 'c1', 'shop/payment', 12, 15)];
    expect(waterfallRows(spans).map((r) => [r.span.spanId, r.depth])).toEqual([
      ['root', 0],
      ['c1', 1],
      ['g', 2],
      ['c2', 1],
    ]);
  });

  it('draws one bar per span on a shared axis, labelled with service and name, escaped', () => {
    const svg = renderWaterfall('checkout <demo>', [span('root', undefined, 'shop/checkout', 0, 100), span('c1', 'root', 'shop/payment', 50, 100, 'charge & capture')]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('checkout &lt;demo&gt;');
    expect(svg).toContain('shop/payment · charge &amp; capture');
    const bars = [...svg.matchAll(/<rect x="([\d.]+)" y="\d+" width="([\d.]+)" height="12" rx="2"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(bars).toHaveLength(2);
    // The child starts halfway along the parent and is half as long.
    expect(bars[1]![0]! - bars[0]![0]!).toBeCloseTo(bars[0]![1]! / 2, 0);
    expect(bars[1]![1]!).toBeCloseTo(bars[0]![1]! / 2, 0);
  });
});

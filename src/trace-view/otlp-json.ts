/**
 * OTLP/HTTP JSON trace requests (what the SDK sends with OTEL_EXPORTER_OTLP_PROTOCOL=http/json)
 * decoded into flat spans: ids in hex, times in milliseconds, attributes as plain values, the
 * service from the resource's `service.name`. Pure.
 */
export type AttributeValue = string | number | boolean;

export interface SpanEventRecord {
  readonly name: string;
  readonly timeMs: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  /** Undefined for a trace's root span. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly service: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly events: readonly SpanEventRecord[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly status: number;
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

interface KeyValue {
  key: string;
  value?: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: KeyValue[];
  events?: Array<{ name: string; timeUnixNano: string | number; attributes?: KeyValue[] }>;
  status?: { code?: number };
}
interface OtlpRequest {
  resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>;
}

export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

function attributes(list: readonly KeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    if (value?.stringValue !== undefined) out[key] = value.stringValue;
    else if (value?.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value?.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value?.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}

/** Nanoseconds since the epoch (a decimal string in OTLP JSON) → milliseconds, without losing the sub-millisecond part. */
function millis(nanos: string | number): number {
  if (typeof nanos === 'number') return nanos / 1e6;
  const big = BigInt(nanos);
  return Number(big / 1000n) / 1000;
}

export function decodeOtlpJson(body: string): SpanRecord[] {
  let request: OtlpRequest;
  try {
    request = JSON.parse(body) as OtlpRequest;
  } catch (error) {
    throw new OtlpDecodeError(`not an OTLP JSON request: ${(error as Error).message}`);
  }
  if (typeof request !== 'object' || request === null || !Array.isArray(request.resourceSpans ?? [])) {
    throw new OtlpDecodeError('not an OTLP JSON request: resourceSpans must be an array');
  }
  const spans: SpanRecord[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const service = String(attributes(resourceSpans.resource?.attributes)['service.name'] ?? 'unknown');
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ? span.parentSpanId : undefined,
          name: span.name,
          kind: span.kind ?? 0,
          service,
          startMs: millis(span.startTimeUnixNano),
          endMs: millis(span.endTimeUnixNano),
          attributes: attributes(span.attributes),
          events: (span.events ?? []).map((event) => ({ name: event.name, timeMs: millis(event.timeUnixNano), attributes: attributes(event.attributes) })),
          status: span.status?.code ?? 0,
        });
      }
    }
  }
  return spans;
}

/**
 * The envelope on the wire (docs/CONTRACTS.md, "The envelope"): each attribute in one place — an
 * AMQP property where AMQP has one (id, type, source, correlation), a CloudEvents `ce-*` header
 * otherwise. Every header costs the broker CPU on every message, so none repeats a property.
 * Readers still accept the `ce-*` header of a property-borne attribute from foreign producers.
 * Pure functions; the clock, the id source and the trace context come in as arguments.
 */
import type { Envelope, HeaderValue, PublishOptions, SendDescriptor } from './contract.js';
import { InvalidPayloadError } from './errors.js';
import type { OutgoingMessage, WireHeaders } from './message.js';
import { describeSchemaErrors } from './schema-errors.js';

export const CE = {
  /** Accepted from foreign producers; eventplane writes the AMQP property instead. */
  id: 'ce-id',
  type: 'ce-type',
  source: 'ce-source',
  time: 'ce-time',
  dataVersion: 'ce-dataversion',
  correlationId: 'ce-correlationid',
  causationId: 'ce-causationid',
  tenantId: 'ce-tenantid',
  subject: 'ce-subject',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** Headers eventplane adds when it retries, dead-letters or replays a message. */
export const EP = {
  reason: 'x-ep-reason',
  error: 'x-ep-error',
  stack: 'x-ep-stack',
  attempts: 'x-ep-attempts',
  queue: 'x-ep-queue',
  originalExchange: 'x-ep-original-exchange',
  originalRoutingKey: 'x-ep-original-routing-key',
  originalUserId: 'x-ep-original-user-id',
  firstFailureAt: 'x-ep-first-failure-at',
  lastFailureAt: 'x-ep-last-failure-at',
  replayed: 'x-ep-replayed',
  replayCount: 'x-ep-replay-count',
  /** Unique per dead-lettering: names the letter in `eventplane dlq` and keys an id-less replay. */
  deadLetterId: 'x-ep-dead-letter-id',
  /** Aggregate sequence (runtime/sequence.ts): the aggregate type, the seq, the predecessors per type. */
  aggregate: 'x-ep-aggregate',
  sequence: 'x-ep-sequence',
  sequenceAfter: 'x-ep-sequence-after',
  /** When a consumer first found the message ahead of a gap in its sequence (ms since the epoch). */
  gapSince: 'x-ep-gap-since',
} as const;

export interface PublishContext {
  /** `system/service`: the app_id property (CloudEvents source). */
  readonly source: string;
  /** The broker user of the connection (user_id, which the broker verifies). */
  readonly userId: string | undefined;
  readonly now: number;
  readonly newId: () => string;
  /** The delivery being handled when no `causedBy` is given (AsyncLocalStorage). */
  readonly inherited?: Envelope | undefined;
  /** W3C trace headers injected from the active span, if an OpenTelemetry SDK is registered. */
  readonly trace?: { traceparent?: string; tracestate?: string } | undefined;
}

/**
 * Validates the payload and builds the message: envelope on properties and headers, persistent,
 * mandatory. Throws InvalidPayloadError before anything leaves the process.
 */
export function buildOutgoing<TPayload, THeaders>(
  send: SendDescriptor<TPayload, THeaders>,
  payload: TPayload,
  options: PublishOptions<THeaders> | undefined,
  context: PublishContext,
): OutgoingMessage {
  const message = send.message;
  if (!message.validate(payload)) {
    throw new InvalidPayloadError(message.type, describeSchemaErrors(message.validate.errors));
  }
  const appHeaders = options?.headers;
  if (appHeaders !== undefined && message.validateHeaders) {
    const defined = definedOnly(appHeaders);
    if (!message.validateHeaders(defined as THeaders)) {
      throw new InvalidPayloadError(message.type, describeSchemaErrors(message.validateHeaders.errors), 'headers');
    }
  }
  const cause = options?.causedBy ?? context.inherited;
  const messageId = options?.messageId ?? context.newId();
  const correlationId = options?.correlationId ?? cause?.correlationId ?? messageId;
  const tenantId = options?.tenantId ?? cause?.tenantId;
  const traceparent = context.trace?.traceparent ?? cause?.traceparent;
  const tracestate = context.trace?.traceparent ? context.trace.tracestate : cause?.tracestate;

  const headers: WireHeaders = appHeaders === undefined ? {} : definedOnly(appHeaders);
  headers[CE.time] = isoTime(context.now);
  headers[CE.dataVersion] = message.version;
  if (cause !== undefined) headers[CE.causationId] = cause.messageId;
  if (tenantId !== undefined) headers[CE.tenantId] = tenantId;
  if (options?.subject !== undefined) headers[CE.subject] = options.subject;
  if (traceparent !== undefined) headers[CE.traceparent] = traceparent;
  if (tracestate !== undefined) headers[CE.tracestate] = tracestate;
  const sequence = options?.sequence;
  if (sequence !== undefined) {
    headers[EP.aggregate] = sequence.aggregate;
    headers[EP.sequence] = sequence.seq;
    headers[EP.sequenceAfter] = JSON.stringify(sequence.after);
  }

  return {
    exchange: send.exchange,
    routingKey: send.routingKey,
    content: Buffer.from(JSON.stringify(payload)),
    messageId,
    type: message.type,
    properties: {
      contentType: message.contentType,
      deliveryMode: 2,
      mandatory: true,
      messageId,
      type: message.type,
      timestamp: Math.floor(context.now / 1000),
      appId: context.source,
      correlationId,
      userId: context.userId,
      headers,
    },
  };
}

let lastTime = Number.NaN;
let lastIso = '';

/** RFC 3339 with milliseconds; consecutive publishes in one millisecond share the string. */
function isoTime(now: number): string {
  if (now !== lastTime) {
    lastTime = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

function definedOnly(headers: Record<string, HeaderValue | undefined>): WireHeaders {
  const out: WireHeaders = {};
  for (const key in headers) {
    const value = headers[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function headerString(headers: WireHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

export function headerNumber(headers: WireHeaders | undefined, name: string): number | undefined {
  const value = headers?.[name];
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

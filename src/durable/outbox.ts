/**
 * The transactional outbox: `outbox.add(tx, event)` writes an event in the caller's own
 * transaction, so the event exists if and only if the change that caused it committed. The
 * relay (./outbox-relay.ts) publishes it afterwards, at least once, in order per aggregate.
 *
 * Inside a handler, events inherit the delivery being handled as their cause (correlation id,
 * tenant, trace context), exactly as a direct publish would.
 */
import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import { currentCause } from '../runtime/causation.js';
import type { Envelope, HeaderValue, PublishOptions, SendDescriptor } from '../runtime/contract.js';
import { InvalidPayloadError } from '../runtime/errors.js';
import { describeSchemaErrors } from '../runtime/schema-errors.js';
import { StoreMisuseError, type DurableStore, type Transaction } from './store.js';

export interface OutboxEvent<TPayload, THeaders = Record<string, HeaderValue>>
  extends Omit<PublishOptions<THeaders>, 'timeoutMs' | 'subject'> {
  /** The send operation (from the generated client) the event is published with. */
  readonly send: SendDescriptor<TPayload, THeaders>;
  readonly payload: TPayload;
  /** The aggregate whose events stay in order; also the event's `ce-subject`. */
  readonly aggregateId: string;
  /** Default: the aggregate segment of the routing key (`shop.order.created` → `order`). */
  readonly aggregateType?: string;
}

export interface OutboxReceipt {
  /** The message id the event will carry however often it is published. */
  readonly messageId: string;
}

/** What the `headers` column holds: everything needed to repeat the publish call later. */
export interface StoredPublishOptions {
  readonly correlationId?: string;
  readonly tenantId?: string;
  readonly subject: string;
  readonly headers?: Record<string, HeaderValue>;
  /** The delivery that caused the event, without its raw headers. */
  readonly causedBy?: Omit<Envelope, 'headers'>;
  /** W3C trace context active when the event was added (present only with an OpenTelemetry SDK). */
  readonly trace?: Record<string, string>;
}

export function aggregateTypeOf(routingKey: string): string {
  const segments = routingKey.split('.');
  // {context}.{aggregate}.{event}; a command key ({verb}.{noun}) names its noun.
  return segments.length >= 3 ? segments[1]! : (segments[segments.length - 1] ?? routingKey);
}

function definedHeaders(headers: Record<string, HeaderValue | undefined> | undefined): Record<string, HeaderValue> | undefined {
  if (headers === undefined) return undefined;
  const out: Record<string, HeaderValue> = {};
  for (const [key, value] of Object.entries(headers)) if (value !== undefined) out[key] = value;
  return out;
}

export class Outbox {
  private readonly table: string;
  private readonly aggregates: string;

  constructor(readonly store: DurableStore) {
    this.table = store.table('outbox');
    this.aggregates = store.table('outbox_aggregates');
  }

  /**
   * Writes `event` in `tx`. Validates the payload (and declared headers) first: an invalid
   * event throws InvalidPayloadError and the caller's transaction rolls back with it.
   *
   * Each event gets the next number of its aggregate's sequence (1, 2, 3… without gaps), which
   * consumers use to apply the aggregate's events in order. Writers of one aggregate are
   * serialised until commit (the aggregate's row in `outbox_aggregates` stays locked), so the
   * order of the sequence is the order of commit.
   * Add the events of several aggregates in a consistent order to avoid deadlocks.
   */
  async add<TPayload, THeaders>(tx: Transaction, event: OutboxEvent<TPayload, THeaders>): Promise<OutboxReceipt> {
    if (tx.store !== this.store) {
      throw new StoreMisuseError('outbox.add() was given a transaction of another store: use the store the outbox was created with');
    }
    const { send, payload } = event;
    const message = send.message;
    if (!message.validate(payload)) {
      throw new InvalidPayloadError(message.type, describeSchemaErrors(message.validate.errors));
    }
    const headers = definedHeaders(event.headers as Record<string, HeaderValue | undefined> | undefined);
    if (headers !== undefined && message.validateHeaders && !message.validateHeaders(headers as THeaders)) {
      throw new InvalidPayloadError(message.type, describeSchemaErrors(message.validateHeaders.errors), 'headers');
    }
    const messageId = event.messageId ?? randomUUID();
    const aggregateType = event.aggregateType ?? aggregateTypeOf(send.routingKey);
    const cause = event.causedBy ?? currentCause();
    const trace: Record<string, string> = {};
    propagation.inject(context.active(), trace);
    const stored: StoredPublishOptions = {
      subject: event.aggregateId,
      ...(event.correlationId !== undefined ? { correlationId: event.correlationId } : {}),
      ...(event.tenantId !== undefined ? { tenantId: event.tenantId } : {}),
      ...(headers !== undefined ? { headers } : {}),
      ...(cause !== undefined ? { causedBy: withoutHeaders(cause) } : {}),
      ...(Object.keys(trace).length > 0 ? { trace } : {}),
    };
    // Taking the aggregate's next seq locks its row in outbox_aggregates until commit: writers of
    // one aggregate are serialised, so both its seq and the table's global `seq` (drawn after the
    // lock) follow the order of commit.
    await tx.query(
      `WITH next AS (
         INSERT INTO ${this.aggregates} AS a (aggregate_type, aggregate_id, last_seq, last_by_type, prev_by_type)
         VALUES ($2::text, $3::text, 1, jsonb_build_object($4::text, 1), '{}'::jsonb)
         ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE
           SET last_seq = a.last_seq + 1,
               prev_by_type = a.last_by_type,
               last_by_type = a.last_by_type || jsonb_build_object($4::text, a.last_seq + 1)
         RETURNING a.last_seq, a.prev_by_type)
       INSERT INTO ${this.table}
         (id, aggregate_type, aggregate_id, event_type, payload, headers, service, operation_id, system,
          vhost, exchange, exchange_type, routing_key, message_name, message_version, aggregate_seq, after_seq)
       SELECT $1::text, $2::text, $3::text, $4::text, $5::jsonb, $6::jsonb, $7::text, $8::text, $9::text,
              $10::text, $11::text, $12::text, $13::text, $14::text, $15::text, next.last_seq, next.prev_by_type
       FROM next`,
      [
        messageId,
        aggregateType,
        event.aggregateId,
        message.type,
        JSON.stringify(payload),
        JSON.stringify(stored),
        send.service,
        send.operationId,
        message.system,
        send.vhost,
        send.exchange,
        send.exchangeType,
        send.routingKey,
        message.name,
        message.version,
      ],
    );
    return { messageId };
  }
}

function withoutHeaders(envelope: Envelope): Omit<Envelope, 'headers'> {
  const { headers: _headers, ...rest } = envelope;
  return rest;
}

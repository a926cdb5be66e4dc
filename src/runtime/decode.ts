/**
 * Reading a delivery: envelope, type, payload, validation. A failure here is a property of the
 * message, not of the handler, so the consumer dead-letters it at once (never retries it).
 * Pure: no I/O, no clock.
 */
import type { Envelope, MessageDescriptor, ReceiveDescriptor } from './contract.js';
import { CE, EP, headerNumber, headerString } from './envelope.js';
import type { IncomingMessage, WireHeaders } from './message.js';
import { describeSchemaErrors, formatFieldErrors } from './schema-errors.js';

/** Why a message went to the dead-letter queue (header `x-ep-reason`). */
export type DeadLetterReason =
  | 'undecodable'
  | 'unsupported-content-type'
  | 'invalid-envelope'
  | 'unknown-type'
  | 'version-mismatch'
  | 'invalid-payload'
  | 'invalid-headers'
  | 'too-large'
  | 'forbidden-sender'
  | 'type-mismatch'
  | 'handler-failed'
  /** An event of an aggregate arrived after a later one was applied over a gap (runtime/sequence.ts). */
  | 'out-of-order'
  /** Ahead of a gap in its aggregate's sequence, on a queue with no retry step to wait in. */
  | 'sequence-gap';

/**
 * Bodies larger than this are dead-lettered unread (reason `too-large`): events are small, and a
 * hostile or broken producer must not make every consumer parse and validate megabytes.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export type Decoded =
  | {
      readonly ok: true;
      readonly descriptor: MessageDescriptor;
      readonly payload: unknown;
      readonly envelope: Envelope;
      /** 1 on first handling. */
      readonly attempt: number;
    }
  | { readonly ok: false; readonly reason: DeadLetterReason; readonly detail: string; readonly type?: string };

/**
 * The broker user of the administrator the local cluster and the Pulumi program create
 * (infra/config.ts `adminUsername`): the operator whose replays of dead letters consumers accept.
 */
export const DEFAULT_OPERATOR_USER = 'eventplane-admin';

/** What decoding needs to know about a queue, prepared once per subscription. */
export interface QueueDecoder {
  readonly queue: string;
  readonly retryExchange: string;
  readonly byType: ReadonlyMap<string, MessageDescriptor>;
  readonly types: string;
  readonly maxBytes: number;
  /** Type → deployed sender users; undefined for a hand-written descriptor without senders. */
  readonly senders: ReadonlyMap<string, readonly string[]> | undefined;
  /** Type → a test of the routing key it arrived with. */
  readonly routes: ReadonlyMap<string, { readonly keys: readonly string[]; readonly matches: (routingKey: string) => boolean }>;
  /** The consumer's own broker user: the only writer of its retry exchange besides operators. */
  readonly ownUser: string | undefined;
  readonly operators: ReadonlySet<string>;
  /** Types the contract sends through the default exchange (SenderCheck.viaDefaultExchange). */
  readonly viaDefaultExchange: ReadonlySet<string>;
}

export interface QueueDecoderOptions {
  /** Default DEFAULT_MAX_MESSAGE_BYTES. */
  readonly maxBytes?: number | undefined;
  /** What a namespaced deployment (tests, chaos) puts before every broker user name of the contract. */
  readonly userPrefix?: string | undefined;
  /** The broker user this consumer connects as. */
  readonly ownUser?: string | undefined;
  /** Broker users whose publishes are operator replays (default [DEFAULT_OPERATOR_USER]). */
  readonly operators?: readonly string[] | undefined;
}

export function queueDecoder(receive: ReceiveDescriptor, options: QueueDecoderOptions = {}): QueueDecoder {
  const byType = new Map(receive.messages.map((m) => [m.type, m]));
  const prefix = options.userPrefix ?? '';
  const check = receive.senders;
  const senders = check && new Map(Object.entries(check.byType).map(([type, users]) => [type, users.map((user) => prefix + user)]));
  const routes = new Map(Object.entries(check?.routingKeys ?? {}).map(([type, keys]) => [type, { keys, matches: routingKeyTest(keys) }]));
  return {
    queue: receive.queue,
    retryExchange: receive.retry.exchange,
    byType,
    types: [...byType.keys()].join(', '),
    maxBytes: options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    senders,
    routes,
    ownUser: options.ownUser,
    operators: new Set(options.operators ?? [DEFAULT_OPERATOR_USER]),
    viaDefaultExchange: new Set(check?.viaDefaultExchange ?? []),
  };
}

/** A channel address is a routing key; a `{parameter}` in it stands for one word. */
function routingKeyTest(keys: readonly string[]): (routingKey: string) => boolean {
  if (!keys.some((key) => key.includes('{'))) return (routingKey) => keys.includes(routingKey);
  const escape = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^(?:${keys.map((key) => key.split(/\{[^}]*\}/).map(escape).join('[^.]+')).join('|')})$`);
  return (routingKey) => pattern.test(routingKey);
}

/** The prefix before `contractUser` in the user a service actually connects as ('' if none). */
export function deployedUserPrefix(connectedAs: string | undefined, contractUser: string): string {
  return connectedAs !== undefined && connectedAs.endsWith(contractUser) ? connectedAs.slice(0, connectedAs.length - contractUser.length) : '';
}

/**
 * How a delivery reached the queue, which decides what its headers are worth:
 * - `retry`: back from this service's own retry ladder (published by its own user, the only
 *   writer of the retry exchange): the `x-ep-*` ladder headers are the service's own;
 * - `replay`: published by an operator (`eventplane dlq replay`): the `x-ep-original-*` headers
 *   say who sent it first and with which routing key, and the sender rule applies to those;
 * - `publish`: anything else, whose only evidence is the broker-verified user_id.
 * Replays are recognised by user_id, which the broker verifies, never by a header, which anyone
 * can write.
 */
export type DeliveryOrigin = 'publish' | 'retry' | 'replay';

export function deliveryOrigin(message: IncomingMessage, decoder: QueueDecoder): DeliveryOrigin {
  const userId = message.properties.userId;
  if (userId !== undefined && decoder.operators.has(userId)) return 'replay';
  if (message.exchange === decoder.retryExchange && (decoder.ownUser === undefined || userId === decoder.ownUser)) return 'retry';
  return 'publish';
}

const EMPTY: WireHeaders = {};

export function decodeIncoming(message: IncomingMessage, decoder: QueueDecoder): Decoded {
  const properties = message.properties;
  const headers = properties.headers ?? EMPTY;
  const messageId = properties.messageId ?? headerString(headers, CE.id);
  const type = properties.type ?? headerString(headers, CE.type);
  if (!messageId) return { ok: false, reason: 'invalid-envelope', detail: 'no message id (message_id property or ce-id header)', ...(type ? { type } : {}) };
  if (!type) return { ok: false, reason: 'invalid-envelope', detail: 'no message type (type property or ce-type header)' };
  if (message.content.length > decoder.maxBytes) {
    return { ok: false, reason: 'too-large', detail: `body of ${message.content.length} bytes exceeds the consumer's limit of ${decoder.maxBytes} bytes`, type };
  }
  const descriptor = decoder.byType.get(type);
  if (!descriptor) {
    return { ok: false, reason: 'unknown-type', detail: `queue ${decoder.queue} does not receive "${type}" (it receives ${decoder.types})`, type };
  }
  const contentType = properties.contentType;
  if (contentType !== undefined && contentType !== 'application/json' && !contentType.startsWith('application/json;')) {
    return { ok: false, reason: 'unsupported-content-type', detail: `content type "${contentType}" is not application/json`, type };
  }
  if (properties.contentEncoding !== undefined && properties.contentEncoding !== 'utf-8' && properties.contentEncoding !== 'identity') {
    return { ok: false, reason: 'unsupported-content-type', detail: `content encoding "${properties.contentEncoding}" is not supported`, type };
  }
  const origin = deliveryOrigin(message, decoder);
  // Repliers may write to the default exchange (for direct reply-to), and through it to any queue
  // by name; only an operator's replay, or a type whose channel is an `is: queue`, reaches a
  // consumer queue that way.
  if (message.exchange === '' && origin !== 'replay' && !decoder.viaDefaultExchange.has(type)) {
    return { ok: false, reason: 'forbidden-sender', detail: `${type} arrived through the default exchange, which carries only replies and operators' replays (sent by ${properties.userId ?? 'an unknown user'})`, type };
  }
  const trusted = origin !== 'publish';
  const sender = trusted ? headerString(headers, EP.originalUserId) : properties.userId;
  const routingKey = trusted ? (headerString(headers, EP.originalRoutingKey) ?? message.routingKey) : message.routingKey;
  const refused = origin === 'retry' ? undefined : refusedSender(decoder, type, origin, properties.userId, sender);
  if (refused !== undefined) return { ok: false, reason: 'forbidden-sender', detail: refused, type };
  const route = decoder.routes.get(type);
  if (route !== undefined && !route.matches(routingKey)) {
    return { ok: false, reason: 'type-mismatch', detail: `${type} is published with routing key ${route.keys.join(' or ')}; this one came with ${routingKey}`, type };
  }
  const dataVersion = headerString(headers, CE.dataVersion) ?? descriptor.version;
  if (major(dataVersion) !== major(descriptor.version)) {
    return {
      ok: false,
      reason: 'version-mismatch',
      detail: `${type} version ${dataVersion} is not compatible with the consumer's ${descriptor.version} (different major)`,
      type,
    };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(message.content.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: 'undecodable', detail: `body is not JSON: ${(error as Error).message}`, type };
  }
  if (!descriptor.validate(payload)) {
    return { ok: false, reason: 'invalid-payload', detail: formatFieldErrors(describeSchemaErrors(descriptor.validate.errors)), type };
  }
  if (descriptor.validateHeaders && !descriptor.validateHeaders(headers as never)) {
    return { ok: false, reason: 'invalid-headers', detail: formatFieldErrors(describeSchemaErrors(descriptor.validateHeaders.errors)), type };
  }
  const timestamp = properties.timestamp;
  const envelope: Envelope = {
    messageId,
    type,
    source: properties.appId ?? headerString(headers, CE.source) ?? '',
    time: headerString(headers, CE.time) ?? (timestamp !== undefined ? new Date(timestamp * 1000).toISOString() : ''),
    dataVersion,
    correlationId: properties.correlationId ?? headerString(headers, CE.correlationId),
    causationId: headerString(headers, CE.causationId),
    tenantId: headerString(headers, CE.tenantId),
    subject: headerString(headers, CE.subject),
    // user_id is verified by the broker; a retry or a replay went out under the service's or the
    // operator's user, and the original sender is in the header they kept (see deliveryOrigin).
    userId: sender,
    traceparent: headerString(headers, CE.traceparent),
    tracestate: headerString(headers, CE.tracestate),
    exchange: trusted ? (headerString(headers, EP.originalExchange) ?? message.exchange) : message.exchange,
    routingKey,
    headers,
    replyTo: properties.replyTo,
  };
  return { ok: true, descriptor, payload, envelope, attempt: origin === 'retry' ? (headerNumber(headers, EP.attempts) ?? 0) + 1 : 1 };
}

/**
 * Why the sender may not send this message, if it may not. Only user_id is evidence: the broker
 * refuses a publish whose user_id is not the connection's user. An operator's replay is judged by
 * the original sender its dead-lettering recorded, so a replay cannot launder a forged message.
 */
function refusedSender(decoder: QueueDecoder, type: string, origin: DeliveryOrigin, userId: string | undefined, sender: string | undefined): string | undefined {
  const allowed = decoder.senders?.get(type);
  if (allowed === undefined) return undefined;
  const rule = `${type} may only be sent by ${allowed.join(', ')}`;
  if (origin === 'replay') {
    if (sender !== undefined && allowed.includes(sender)) return undefined;
    return `${rule}; this one is a replay by ${userId} of a message sent by ${sender ?? 'an unknown user'}`;
  }
  if (userId === undefined) return `${rule}; this one has no user_id`;
  if (allowed.includes(userId)) return undefined;
  return `${rule}; this one was sent by ${userId}`;
}

function major(version: string): string {
  const dot = version.indexOf('.');
  return dot === -1 ? version : version.slice(0, dot);
}

/**
 * Reading a delivery: envelope, type, payload, validation. A failure here is a property of the
 * message, not of the handler, so the consumer dead-letters it at once (never retries it).
 * Pure: no I/O, no clock.
 */
import type { Envelope, MessageDescriptor, ReceiveDescriptor, SenderCheck } from './contract.js';
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

/** What decoding needs to know about a queue, prepared once per subscription. */
export interface QueueDecoder {
  readonly queue: string;
  readonly retryExchange: string;
  readonly byType: ReadonlyMap<string, MessageDescriptor>;
  readonly types: string;
  readonly maxBytes: number;
  readonly senders: SenderCheck | undefined;
}

/**
 * `userPrefix`: what a namespaced deployment (tests, chaos) puts before every broker user name
 * of the contract; the sender check compares against the deployed names.
 */
export function queueDecoder(receive: ReceiveDescriptor, maxBytes = DEFAULT_MAX_MESSAGE_BYTES, userPrefix = ''): QueueDecoder {
  const byType = new Map(receive.messages.map((m) => [m.type, m]));
  const senders = receive.senders && userPrefix !== '' ? prefixUsers(receive.senders, userPrefix) : receive.senders;
  return { queue: receive.queue, retryExchange: receive.retry.exchange, byType, types: [...byType.keys()].join(', '), maxBytes, senders };
}

function prefixUsers(check: SenderCheck, prefix: string): SenderCheck {
  const byType = Object.fromEntries(Object.entries(check.byType).map(([type, users]) => [type, users.map((user) => prefix + user)]));
  return { byType, serviceUsers: check.serviceUsers.map((user) => prefix + user) };
}

/** The prefix before `contractUser` in the user a service actually connects as ('' if none). */
export function deployedUserPrefix(connectedAs: string | undefined, contractUser: string): string {
  return connectedAs !== undefined && connectedAs.endsWith(contractUser) ? connectedAs.slice(0, connectedAs.length - contractUser.length) : '';
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
  // Repliers may write to the default exchange (for direct reply-to), and through it to any queue
  // by name; no contract routes a message to a consumer queue that way, so none is accepted.
  if (message.exchange === '') {
    return { ok: false, reason: 'forbidden-sender', detail: `${type} arrived through the default exchange, which carries only replies (sent by ${properties.userId ?? 'an unknown user'})`, type };
  }
  const viaRetry = message.exchange === decoder.retryExchange;
  const check = decoder.senders;
  const allowed = check?.byType[type];
  if (check !== undefined && allowed !== undefined && !viaRetry) {
    const refused = refusedSender(properties.userId, headers, allowed, check.serviceUsers);
    if (refused !== undefined) return { ok: false, reason: 'forbidden-sender', detail: `${type} may only be sent by ${allowed.join(', ')}; ${refused}`, type };
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
    // user_id is verified by the broker; after a retry the consumer republished the message under
    // its own user, and only this service can write to its retry exchange, so the header it kept is trusted.
    userId: viaRetry ? headerString(headers, EP.originalUserId) : properties.userId,
    traceparent: headerString(headers, CE.traceparent),
    tracestate: headerString(headers, CE.tracestate),
    exchange: viaRetry ? (headerString(headers, EP.originalExchange) ?? message.exchange) : message.exchange,
    routingKey: viaRetry ? (headerString(headers, EP.originalRoutingKey) ?? message.routingKey) : message.routingKey,
    headers,
    replyTo: properties.replyTo,
  };
  return { ok: true, descriptor, payload, envelope, attempt: viaRetry ? (headerNumber(headers, EP.attempts) ?? 0) + 1 : 1 };
}

/**
 * Why the sender may not send this message, if it may not. Only user_id is evidence: the broker
 * refuses a publish whose user_id is not the connection's user. A retry needs no check (only this
 * service writes to its retry exchange, and the first delivery was checked).
 */
function refusedSender(userId: string | undefined, headers: WireHeaders, allowed: readonly string[], serviceUsers: readonly string[]): string | undefined {
  if (userId === undefined) return 'this one has no user_id';
  if (allowed.includes(userId)) return undefined;
  if (headers[EP.replayed] !== undefined && !serviceUsers.includes(userId)) {
    const original = headerString(headers, EP.originalUserId);
    if (original !== undefined && allowed.includes(original)) return undefined;
    return `this one is a replay by ${userId} of a message sent by ${original ?? 'an unknown user'}`;
  }
  return `this one was sent by ${userId}`;
}

function major(version: string): string {
  const dot = version.indexOf('.');
  return dot === -1 ? version : version.slice(0, dot);
}

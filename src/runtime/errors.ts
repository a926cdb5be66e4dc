/**
 * Typed errors a caller can branch on (`instanceof`) instead of parsing broker messages.
 * Each says in its message what happened and what usually causes it.
 */
import type { FieldError } from './schema-errors.js';

export class EventplaneError extends Error {
  override readonly name: string = 'EventplaneError';
}

/** The payload (or its declared headers) does not match the message's schema; nothing was sent. */
export class InvalidPayloadError extends EventplaneError {
  override readonly name = 'InvalidPayloadError';
  constructor(
    readonly messageType: string,
    readonly fields: readonly FieldError[],
    readonly part: 'payload' | 'headers' = 'payload',
  ) {
    super(`${messageType} ${part} is invalid: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`);
  }
}

interface Destination {
  readonly exchange: string;
  readonly routingKey: string;
  readonly messageId: string;
}

/** The broker returned a mandatory message: no queue is bound for its routing key. */
export class UnroutableError extends EventplaneError {
  override readonly name = 'UnroutableError';
  constructor(
    readonly destination: Destination,
    readonly replyCode: number,
    readonly replyText: string,
  ) {
    super(
      `message ${destination.messageId} to exchange "${destination.exchange}" with routing key "${destination.routingKey}" ` +
        `was returned by the broker (${replyCode} ${replyText}): no queue is bound for it`,
    );
  }
}

/**
 * The broker refused the message (publisher confirm nack). With eventplane's topology this means
 * a queue it routes to is full and has `overflow: reject-publish`: the broker-side circuit breaker.
 */
export class QueueFullError extends EventplaneError {
  override readonly name = 'QueueFullError';
  constructor(readonly destination: Destination) {
    super(
      `the broker refused message ${destination.messageId} to exchange "${destination.exchange}" with routing key ` +
        `"${destination.routingKey}" (nack): a queue it routes to is full (overflow reject-publish); back off and retry later`,
    );
  }
}

/** No confirm arrived within the per-publish timeout; the message may or may not have been stored. */
export class PublishTimeoutError extends EventplaneError {
  override readonly name: string = 'PublishTimeoutError';
  constructor(
    readonly destination: Destination,
    readonly timeoutMs: number,
  ) {
    super(
      `message ${destination.messageId} to exchange "${destination.exchange}" was not confirmed within ${timeoutMs} ms ` +
        '(broker unreachable, blocked by a resource alarm, or overloaded); it may still be delivered',
    );
  }
}

/**
 * The broker blocks publishers (a memory or disk alarm: `connection.blocked`) and the publish's
 * timeout passed while it was blocked. A PublishTimeoutError, so whoever retries timeouts (the
 * outbox relay) retries this too. `sent` false: the message never left this process and the
 * broker does not have it; true: it was on the wire when the alarm struck and may still be
 * delivered (consumers' inboxes absorb the resend).
 */
export class BrokerBlockedError extends PublishTimeoutError {
  override readonly name = 'BrokerBlockedError';
  constructor(
    destination: Destination,
    timeoutMs: number,
    /** The broker's reason, e.g. `low on memory` or `low on disk`. */
    readonly reason: string,
    /** How long the broker had been blocking publishers when the publish gave up. */
    readonly blockedForMs: number,
    readonly sent: boolean,
  ) {
    super(destination, timeoutMs);
    this.message =
      `message ${destination.messageId} to exchange "${destination.exchange}" was not ${sent ? 'confirmed' : 'sent'} within ${timeoutMs} ms: ` +
      `the broker blocks publishers (${reason}, for ${Math.round(blockedForMs / 1000)} s); ` +
      (sent ? 'it may still be delivered once the alarm clears' : 'the broker does not have it; publish it again once the alarm clears');
  }
}

/** The broker refused the publish for lack of permission (write or topic permission). */
export class AccessRefusedError extends EventplaneError {
  override readonly name = 'AccessRefusedError';
  constructor(
    readonly destination: Destination,
    readonly brokerMessage: string,
  ) {
    super(`the broker refused message ${destination.messageId}: ${brokerMessage}`);
  }
}

/** The bus was closed (or is closing) before the operation could complete. */
export class BusClosedError extends EventplaneError {
  override readonly name = 'BusClosedError';
  constructor(what = 'the bus is closed') {
    super(what);
  }
}

export interface MissingObject {
  readonly kind: 'exchange' | 'queue';
  readonly name: string;
  /** Why the runtime needs it: `publish shop.OrderCreated`, `retry for billing.orders`. */
  readonly usedFor: string;
}

/**
 * The runtime never declares broker objects; the topology (`generated/topology.json`, applied by
 * Pulumi or `eventplane local-cluster`) does. This names what the broker lacks.
 */
export class MissingTopologyError extends EventplaneError {
  override readonly name = 'MissingTopologyError';
  constructor(
    readonly vhost: string,
    readonly missing: readonly MissingObject[],
  ) {
    super(
      `the broker (vhost "${vhost}") lacks ${missing.length} object(s) this service uses: ` +
        `${missing.map((m) => `${m.kind} "${m.name}" (${m.usedFor})`).join(', ')}. ` +
        'The runtime never declares objects: apply the topology (generated/topology.json) first.',
    );
  }
}

/** No broker in the URL list accepted a connection before the start-up deadline. */
export class BrokerUnreachableError extends EventplaneError {
  override readonly name = 'BrokerUnreachableError';
  constructor(
    readonly urls: readonly string[],
    readonly lastError: string,
  ) {
    super(`cannot connect to RabbitMQ at ${urls.join(', ')}: ${lastError}`);
  }
}

/** No reply arrived within the request's timeout; the replier may still process the request. */
export class RequestTimeoutError extends EventplaneError {
  override readonly name = 'RequestTimeoutError';
  constructor(
    readonly requestType: string,
    readonly messageId: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply to ${requestType} ${messageId} within ${timeoutMs} ms (replier down, slow or overloaded); a reply arriving later is dropped`);
  }
}

/** Why a replier answered with an error instead of a reply. */
export type RemoteErrorCode = 'handler-failed' | 'invalid-reply' | 'unreadable-request';

/** The replier answered with an error reply: its handler threw, or its reply broke the contract. */
export class RemoteError extends EventplaneError {
  override readonly name = 'RemoteError';
  constructor(
    readonly requestType: string,
    readonly code: RemoteErrorCode,
    /** The error's name on the replier (`UserNotFound`, `Error`, …). */
    readonly remoteName: string,
    readonly remoteMessage: string,
    /** The replying service (app_id). */
    readonly replier: string,
  ) {
    super(`${replier} answered ${requestType} with an error (${code}): ${remoteName}: ${remoteMessage}`);
  }
}

/** The reply does not match the contract's reply messages; the requester refuses it. */
export class InvalidReplyError extends EventplaneError {
  override readonly name = 'InvalidReplyError';
  constructor(
    readonly requestType: string,
    readonly detail: string,
  ) {
    super(`the reply to ${requestType} is invalid: ${detail}`);
  }
}

/**
 * The connection (or the channel replies arrive on) was lost while the request waited: a reply
 * can no longer reach this process. The replier may still have processed the request.
 */
export class RequestInterruptedError extends EventplaneError {
  override readonly name = 'RequestInterruptedError';
  constructor(
    readonly requestType: string,
    readonly messageId: string,
    readonly reason: string,
  ) {
    super(`request ${requestType} ${messageId} was interrupted before its reply arrived: ${reason}`);
  }
}

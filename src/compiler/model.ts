/**
 * The contract model: the compiler's intermediate representation. Plain data, no I/O, no
 * parser objects — every emitter (types, validators, clients, topology, catalog) and every
 * gate (`check`) is a pure function of it.
 *
 * Ids are stable strings so emitters and diffs can cross-reference without pointers:
 *   service  `shop/order`
 *   message  `shop/OrderCreated`            (names are unique within a system)
 *   channel  `shop/order#orderCreated`      (owning service + channel key)
 *   operation `shop/cart#onPriceChanged`    (service + operation key)
 * All lists are sorted by id, so output built from the model is deterministic.
 */

/** 1-based position in a spec file; `file` is relative to the working directory. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A JSON Schema (draft-07 subset AsyncAPI uses), self-contained: no external `$ref`.
 * References are inlined; the only `$ref`s left are recursive ones, `#/$defs/<Name>` (defined in
 * the root's `$defs`) or `#` (the root itself). A schema inlined from a named component
 * (`#/components/schemas/Money`) carries the name in `x-ep-name`, so generated types keep it.
 */
export type JsonSchema = { readonly [key: string]: unknown } | boolean;

export interface ContractModel {
  /** The directory the documents were read from (relative to the working directory). */
  readonly specDir: string;
  readonly systems: readonly SystemModel[];
  /** The envelope every message carries (from the shared message trait). */
  readonly envelope: EnvelopeModel;
}

export interface EnvelopeModel {
  /** Header schema of the envelope (`ce-*`, traceparent, …). */
  readonly headers: JsonSchema;
  readonly location?: SourceLocation;
}

export interface SystemModel {
  /** Directory name under asyncapi/: `shop`. */
  readonly name: string;
  /** One vhost per system; equals `name`. */
  readonly vhost: string;
  readonly services: readonly ServiceModel[];
  readonly exchanges: readonly ExchangeModel[];
  readonly channels: readonly ChannelModel[];
  readonly messages: readonly MessageModel[];
  readonly operations: readonly OperationModel[];
}

export interface ServiceModel {
  readonly id: string;
  readonly system: string;
  /** `info.title`, equal to the file's base name: `order`. */
  readonly name: string;
  readonly description?: string;
  /** `info.x-owner`: the team that owns the contract. */
  readonly owner: string;
  /** `info.version` (semver). */
  readonly version: string;
  readonly file: string;
  readonly location: SourceLocation;
  /** Operation ids, send and receive. */
  readonly sends: readonly string[];
  readonly receives: readonly string[];
  /** The broker user the topology creates for it: `shop-order`. */
  readonly brokerUser: string;
  readonly tags: readonly string[];
}

export type ExchangeKind = 'topic' | 'direct' | 'fanout' | 'headers';

export interface ExchangeModel {
  readonly vhost: string;
  readonly name: string;
  readonly type: ExchangeKind;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  /** Channels routed through it (channel ids). */
  readonly channels: readonly string[];
}

export interface ChannelModel {
  readonly id: string;
  readonly key: string;
  readonly system: string;
  /** The service whose document defines the channel (its only sender). */
  readonly owner: string;
  /**
   * The routing key: `shop.order.created`. With parameters it is a template
   * (`streetlights.{streetlightId}.measured`) the publisher fills in and consumers bind with `*`.
   */
  readonly address: string;
  /** The exchange; `''` is RabbitMQ's default exchange (`is: queue` channels: the key is the queue). */
  readonly exchange: string;
  readonly exchangeType: ExchangeKind;
  readonly title?: string;
  readonly description?: string;
  /** Message ids this channel carries. */
  readonly messages: readonly string[];
  readonly location: SourceLocation;
  /**
   * A reply channel with `address: null` (AsyncAPI's dynamic address): its messages travel over
   * RabbitMQ direct reply-to, so `exchange` is the default exchange ('') and `address`
   * `amq.rabbitmq.reply-to`. Absent on every other channel.
   */
  readonly directReplyTo?: true;
  /** Address parameters (absent when there are none), in address order. */
  readonly parameters?: readonly ChannelParameterModel[];
}

/** A channel parameter: one routing-key word the publisher supplies. */
export interface ChannelParameterModel {
  readonly name: string;
  readonly description?: string;
  /** The values it may take (the publisher's argument is typed as their union). */
  readonly enum?: readonly string[];
}

export interface MessageExample {
  readonly name?: string;
  readonly summary?: string;
  readonly payload: unknown;
  readonly headers?: Readonly<Record<string, unknown>>;
}

export interface MessageModel {
  readonly id: string;
  readonly system: string;
  /** PascalCase, unique within the system: `OrderCreated`. Also the payload's type name. */
  readonly name: string;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  /** `x-version`, semver, default `1.0.0`. */
  readonly version: string;
  /** CloudEvents type / AMQP type: `{system}.{name}`. */
  readonly type: string;
  readonly contentType: string;
  /** The channel that carries it (and so its owner, routing key and exchange). */
  readonly channel: string;
  /** The service that sends it. */
  readonly owner: string;
  readonly payload: JsonSchema;
  /** Application headers the message declares beyond the envelope (an object schema). */
  readonly headers?: JsonSchema;
  readonly examples: readonly MessageExample[];
  readonly tags: readonly string[];
  readonly location: SourceLocation;
}

export interface OperationModel {
  readonly id: string;
  /** Key in the document's `operations`: `onPaymentSucceeded`. */
  readonly key: string;
  readonly service: string;
  readonly action: 'send' | 'receive';
  /** Channel id (for receives: the producer's channel, reached through `$ref`). */
  readonly channel: string;
  readonly messages: readonly string[];
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly location: SourceLocation;
  /** Receive operations only: resolved `x-queue`, `x-retry`, `x-dead-letter` with defaults applied. */
  readonly queue?: QueuePolicy;
  readonly retry?: RetryPolicy;
  readonly deadLetter?: DeadLetterPolicy;
  /**
   * Receive operations only: `x-bind`, the values this consumer asks for, by channel parameter.
   * A parameter it does not name binds with `*` (every value).
   */
  readonly bind?: Readonly<Record<string, readonly string[]>>;
  /**
   * AsyncAPI `operation.reply`: on a receive, this service is the replier and answers every
   * request with one of the reply messages; on a send, this service is a requester and waits
   * for the reply. Both ends of one request channel name the same reply channel.
   */
  readonly reply?: ReplyModel;
}

/** Request/reply (docs/CONTRACTS.md, "Request/reply"). */
export interface ReplyModel {
  /** The reply channel (owned by the replier, which sends its messages). */
  readonly channel: string;
  /** Reply message ids: the replier answers with one of them. */
  readonly messages: readonly string[];
  /** True when the reply channel has `address: null`: replies go over direct reply-to. */
  readonly directReplyTo: boolean;
  /**
   * A fixed reply channel (`is: queue`): the queue replies wait in. The requester consumes it and
   * puts its name in reply_to; the replier publishes there through the default exchange.
   */
  readonly queue?: string;
  readonly location: SourceLocation;
}

export interface QueuePolicy {
  readonly name: string;
  readonly type: 'quorum' | 'classic';
  readonly maxLength?: number;
  readonly maxLengthBytes?: number;
  readonly overflow: 'reject-publish' | 'reject-publish-dlx' | 'drop-head';
  /** Broker-side redelivery cap: the safety net for crash loops. */
  readonly deliveryLimit: number;
  readonly messageTtlMs?: number;
  readonly prefetch: number;
  readonly concurrency: number;
  /** Ready messages above which monitoring alerts (default 1000). */
  readonly depthAlert: number;
}

export interface RetryPolicy {
  /** Retries after the first failure; 0 disables retrying. */
  readonly retries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
  /** Delay before each retry, length `retries`, capped at maxDelayMs. */
  readonly delaysMs: readonly number[];
}

export interface DeadLetterPolicy {
  readonly queue: string;
  readonly maxLength?: number;
  readonly messageTtlMs?: number;
  /** Dead-letter depth for a warning (default 1) and for paging (default 100). */
  readonly warnAt: number;
  readonly pageAt: number;
}

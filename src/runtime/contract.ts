/**
 * The contract between generated clients and the runtime. The compiler copies this file
 * verbatim into every output directory (`generated/runtime-contract.ts`), so generated code
 * typechecks on its own, anywhere; the runtime implements these interfaces structurally.
 * Hence: no imports, types only.
 */
export type ExchangeType = 'topic' | 'direct' | 'fanout' | 'headers';

/** The shape of an ajv error, without importing ajv into generated code. */
export interface SchemaError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** A precompiled (ajv standalone) validator. `T` is a phantom: the type the schema describes. */
export interface PayloadValidator<T = unknown> {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
  /** Never set; carries `T` so descriptors stay typed end to end. */
  readonly __type?: T;
}

export type HeaderValue = string | number | boolean | null;

/** One message of the contracts: what its bytes must look like and how it is named. */
export interface MessageDescriptor<TPayload = unknown, THeaders = Record<string, HeaderValue>> {
  /** Message name, unique within its system: `OrderCreated`. */
  readonly name: string;
  /** CloudEvents type and AMQP `type` property: `{system}.{name}`, e.g. `shop.OrderCreated`. */
  readonly type: string;
  /** Semver of the message schema (`x-version`); the major is part of its identity. */
  readonly version: string;
  readonly system: string;
  readonly contentType: 'application/json';
  readonly validate: PayloadValidator<TPayload>;
  /** Validates the application headers the message declares beyond the envelope. */
  readonly validateHeaders?: PayloadValidator<THeaders>;
}

/** A send operation: where a service publishes one of its messages. */
export interface SendDescriptor<TPayload = unknown, THeaders = Record<string, HeaderValue>> {
  readonly operationId: string;
  /** Service id `system/service`. */
  readonly service: string;
  readonly vhost: string;
  readonly exchange: string;
  readonly exchangeType: ExchangeType;
  readonly routingKey: string;
  readonly message: MessageDescriptor<TPayload, THeaders>;
}

/** The envelope as the runtime reads it off AMQP properties and `ce-*` headers (docs/CONTRACTS.md). */
export interface Envelope {
  /** message_id (CloudEvents id): the idempotency key. */
  readonly messageId: string;
  /** type (CloudEvents type). */
  readonly type: string;
  /** app_id (CloudEvents source): the producing service id. */
  readonly source: string;
  /** ce-time (timestamp property carries seconds only). */
  readonly time: string;
  /** ce-dataversion: the message schema version. */
  readonly dataVersion: string;
  readonly correlationId?: string;
  /** ce-causationid: the message id that caused this one. */
  readonly causationId?: string;
  readonly tenantId?: string;
  /** ce-subject: usually the aggregate id, which orders events of one aggregate. */
  readonly subject?: string;
  /** user_id, checked by the broker against the connection's user. */
  readonly userId?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly routingKey: string;
  readonly exchange: string;
  /** All application headers as received. */
  readonly headers: Readonly<Record<string, unknown>>;
  /** reply_to: where a request's reply goes (direct reply-to address). */
  readonly replyTo?: string;
}

export interface PublishOptions<THeaders = Record<string, HeaderValue>> {
  readonly messageId?: string;
  readonly correlationId?: string;
  readonly tenantId?: string;
  readonly subject?: string;
  /** The delivery this publish reacts to: copies correlation, tenant and trace context. */
  readonly causedBy?: Envelope;
  readonly headers?: Partial<THeaders> & Record<string, HeaderValue | undefined>;
  /** Per-publish confirm timeout. */
  readonly timeoutMs?: number;
  /**
   * The event's place in its aggregate's sequence (set by the outbox relay): lets consumers apply
   * an aggregate's events in order however they were published (docs/ARCHITECTURE.md).
   */
  readonly sequence?: AggregateSequence;
}

/** Position of an event among its producer aggregate's events (headers `x-ep-sequence*`). */
export interface AggregateSequence {
  /** The aggregate type (`order`); with the source and `subject` (the aggregate id) it names the stream. */
  readonly aggregate: string;
  /** 1, 2, 3… per aggregate, without gaps. */
  readonly seq: number;
  /** Per event type of the aggregate: the seq of its latest event before this one. */
  readonly after: Readonly<Record<string, number>>;
}

export interface PublishReceipt {
  readonly messageId: string;
}

export interface EventPublisher {
  publish<TPayload, THeaders>(
    send: SendDescriptor<TPayload, THeaders>,
    payload: TPayload,
    options?: PublishOptions<THeaders>,
  ): Promise<PublishReceipt>;
}

/** What a handler receives: the message name narrows the payload when a queue carries several. */
export interface Delivery<TName extends string = string, TPayload = unknown> {
  readonly name: TName;
  readonly payload: TPayload;
  readonly envelope: Envelope;
  /** 1 on the first handling, 2 on the first retry, … */
  readonly attempt: number;
  readonly redelivered: boolean;
}

export interface HandlerContext {
  /** Aborted when the consumer shuts down and the in-flight grace period has run out. */
  readonly signal: AbortSignal;
  /** A logger bound to the message (correlation id, message id, type). */
  readonly log: {
    info(object: object, message?: string): void;
    warn(object: object, message?: string): void;
    error(object: object, message?: string): void;
  };
}

export type Handler<TDelivery extends Delivery = Delivery> = (delivery: TDelivery, context: HandlerContext) => Promise<void>;

/**
 * The handler of a receive operation with `reply`: what it resolves to is the reply (validated,
 * then sent to the requester). A handler that throws makes the requester's call fail with a
 * RemoteError instead of a timeout.
 */
export type Replier<TDelivery extends Delivery = Delivery, TReply = unknown> = (delivery: TDelivery, context: HandlerContext) => Promise<TReply>;

/** The reply side of a request: the messages the replier may answer with. */
export interface ReplyDescriptor<TReply = unknown> {
  /** One of these is the reply; both ends validate it. */
  readonly messages: readonly MessageDescriptor[];
  /**
   * The fixed reply queue the document names (an `is: queue` reply channel): the requester
   * consumes it and sends it as reply_to. Absent: RabbitMQ direct reply-to.
   */
  readonly queue?: string;
  /** Never set; carries the reply type. */
  readonly __reply?: TReply;
}

/** A send operation with `reply`: published like a send, answered over direct reply-to or the fixed reply queue. */
export interface RequestDescriptor<TPayload = unknown, TReply = unknown, THeaders = Record<string, HeaderValue>> extends SendDescriptor<TPayload, THeaders> {
  readonly reply: ReplyDescriptor<TReply>;
}

export interface RequestOptions<THeaders = Record<string, HeaderValue>> extends PublishOptions<THeaders> {
  /** How long to wait for the reply before RequestTimeoutError (default 30 s). */
  readonly timeoutMs?: number;
}

export interface EventRequester {
  /** Publishes the request and resolves with the validated reply payload. */
  request<TPayload, TReply, THeaders>(send: RequestDescriptor<TPayload, TReply, THeaders>, payload: TPayload, options?: RequestOptions<THeaders>): Promise<TReply>;
}

/** What subscribe runs per delivery: a Handler, or a Replier whose result the runtime sends back. */
export type DeliveryHandler<TDelivery extends Delivery = Delivery> = (delivery: TDelivery, context: HandlerContext) => Promise<unknown>;

export interface RetryDescriptor {
  /** Retries after the first failure (the handler runs at most retries + 1 times). */
  readonly retries: number;
  /** Delay before retry n (ladder order, one per retry queue). */
  readonly delaysMs: readonly number[];
  /** The service's retry exchange; retry queue n is bound with routing key `queues[n]`. */
  readonly exchange: string;
  readonly queues: readonly string[];
}

export interface DeadLetterDescriptor {
  readonly exchange: string;
  readonly routingKey: string;
  readonly queue: string;
}

/**
 * One consumer queue of a service: the receive operations it serves (several when grouped by
 * `x-queue.name`; the generated code dispatches on `delivery.name`) and how failures are handled.
 */
export interface ReceiveDescriptor<TDelivery extends Delivery = Delivery> {
  readonly operationIds: readonly string[];
  readonly service: string;
  readonly vhost: string;
  readonly queue: string;
  readonly messages: readonly MessageDescriptor[];
  readonly retry: RetryDescriptor;
  readonly deadLetter: DeadLetterDescriptor;
  readonly prefetch: number;
  readonly concurrency: number;
  /** Who may send what with which routing key (see SenderCheck); generated clients always set it. */
  readonly senders?: SenderCheck;
  /** Request message type → its reply: the handler's result is sent to the request's reply_to. */
  readonly replies?: Readonly<Record<string, ReplyDescriptor>>;
  /** Never set; carries the delivery union for typed subscribe. */
  readonly __delivery?: TDelivery;
}

/**
 * Who may send what, and with which routing key: the consumer accepts a message only when its
 * broker-verified user_id is a contract sender of that message type (or an operator's replay of
 * a message such a sender published), and only when it arrived with a routing key the contract
 * publishes that type with. Otherwise it is dead-lettered (`forbidden-sender`, `type-mismatch`).
 * RabbitMQ's own permissions cannot do this: a writer of a direct exchange may use any routing
 * key, topic permissions do not look at the type property, and user_id may be left out.
 */
export interface SenderCheck {
  /** Message type → the contract broker users allowed to send it (services with a send operation for it). */
  readonly byType: Readonly<Record<string, readonly string[]>>;
  /** Message type → the routing keys it is published with (channel addresses; `{parameter}` is one word). */
  readonly routingKeys?: Readonly<Record<string, readonly string[]>>;
  /**
   * Message types whose channel is on the default exchange (`is: queue`): they arrive through it
   * by design. Every other type arriving through the default exchange, which any writer can aim
   * at any queue by name, is refused unless it is an operator's replay.
   */
  readonly viaDefaultExchange?: readonly string[];
}

export interface Subscription {
  readonly queue: string;
  /** Stops consuming, waits for in-flight handlers, then resolves. */
  cancel(): Promise<void>;
}

export interface EventSubscriber {
  subscribe<TDelivery extends Delivery>(receive: ReceiveDescriptor<TDelivery>, handler: DeliveryHandler<TDelivery>): Promise<Subscription>;
}

/** Identity of a service as the compiler knows it; the runtime uses it for app_id and user_id. */
export interface ServiceDescriptor {
  /** `system/service` */
  readonly id: string;
  readonly system: string;
  readonly name: string;
  readonly vhost: string;
  /** The broker user the topology creates for this service. */
  readonly brokerUser: string;
  /**
   * Property names the contracts mark `x-pii: true` in the messages this service sends,
   * receives or replies with: its logger censors them wherever they appear.
   */
  readonly personalData?: readonly string[];
}

/**
 * The transport-neutral shape of a message on the wire: what the AMQP transport hands to amqplib
 * and what the in-memory transport stores. Field names follow amqplib's, so the AMQP transport
 * passes these objects through without copying.
 */
export type WireHeaders = Record<string, unknown>;

export interface WireProperties {
  contentType?: string | undefined;
  contentEncoding?: string | undefined;
  headers?: WireHeaders | undefined;
  /** 2 = persistent. */
  deliveryMode?: number | undefined;
  persistent?: boolean | undefined;
  priority?: number | undefined;
  correlationId?: string | undefined;
  replyTo?: string | undefined;
  expiration?: string | undefined;
  messageId?: string | undefined;
  /** Seconds since the epoch. */
  timestamp?: number | undefined;
  type?: string | undefined;
  userId?: string | undefined;
  appId?: string | undefined;
  mandatory?: boolean | undefined;
}

/** A message ready to be published. */
export interface OutgoingMessage {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  readonly properties: WireProperties;
  /** For errors, metrics and logs. */
  readonly messageId: string;
  readonly type: string;
}

/** A message as a consumer receives it. */
export interface IncomingMessage {
  readonly content: Buffer;
  readonly properties: WireProperties;
  readonly exchange: string;
  readonly routingKey: string;
  readonly redelivered: boolean;
}

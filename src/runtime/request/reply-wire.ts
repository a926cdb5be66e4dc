/**
 * Request/reply on the wire (docs/CONTRACTS.md, "Request/reply"). A request is an ordinary
 * message of its channel plus `reply_to`; a reply goes to the default exchange with the
 * request's `reply_to` as routing key, transient and not mandatory (the requester may be gone).
 * The reply keeps the flow's correlation id (`correlation_id` is the CloudEvents correlation of
 * the whole flow here, shared by every request of one flow) and names the request it answers in
 * `ce-causationid`, which is unique; a reply without it is matched on `correlation_id`, as a
 * replier written after RabbitMQ's tutorial sends it. Pure functions.
 */
import type { Envelope, MessageDescriptor, ReplyDescriptor, SendDescriptor } from '../contract.js';
import { buildOutgoing, CE, headerString, type PublishContext } from '../envelope.js';
import { InvalidReplyError, RemoteError, type RemoteErrorCode } from '../errors.js';
import type { IncomingMessage, OutgoingMessage } from '../message.js';
import { describeSchemaErrors, formatFieldErrors } from '../schema-errors.js';

/** RabbitMQ's pseudo-queue for direct reply-to. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';
/** Set on an error reply; its value is the RemoteErrorCode. */
export const REPLY_ERROR_HEADER = 'x-ep-reply-error';
export const ERROR_REPLY_TYPE = 'eventplane.ErrorReply';

/** The request as published: the send's message, with where to reply. */
export function asRequest(message: OutgoingMessage, replyTo: string): OutgoingMessage {
  // Transient: a request means something only while its requester waits.
  return { ...message, properties: { ...message.properties, replyTo, deliveryMode: 1 } };
}

function toRequester(request: Envelope, message: MessageDescriptor): SendDescriptor {
  return { operationId: '', service: '', vhost: '', exchange: '', exchangeType: 'direct', routingKey: request.replyTo ?? '', message };
}

function transient(message: OutgoingMessage): OutgoingMessage {
  return { ...message, properties: { ...message.properties, deliveryMode: 1, mandatory: false } };
}

/** The reply to `request`; throws InvalidPayloadError when `payload` breaks `message`'s schema. */
export function replyMessage(request: Envelope, message: MessageDescriptor, payload: unknown, context: PublishContext): OutgoingMessage {
  return transient(buildOutgoing(toRequester(request, message), payload, { causedBy: request }, context));
}

const ERROR_REPLY: MessageDescriptor = {
  name: 'ErrorReply',
  type: ERROR_REPLY_TYPE,
  version: '1.0.0',
  system: 'eventplane',
  contentType: 'application/json',
  validate: () => true,
};

/** An error reply: the error's name and message, never its stack (that stays in the replier's log). */
export function errorReplyMessage(request: Envelope, code: RemoteErrorCode, error: unknown, context: PublishContext): OutgoingMessage {
  const body = { code, name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) };
  const message = transient(buildOutgoing(toRequester(request, ERROR_REPLY), body, { causedBy: request }, context));
  message.properties.headers![REPLY_ERROR_HEADER] = code;
  return message;
}

/** The request a reply answers (its message id). */
export function answeredRequest(reply: IncomingMessage): string | undefined {
  return headerString(reply.properties.headers, CE.causationId) ?? reply.properties.correlationId;
}

export type ReadReply = { readonly ok: true; readonly payload: unknown } | { readonly ok: false; readonly error: Error };

/** Decodes and validates a reply against the request's reply messages. */
export function readReply(reply: IncomingMessage, requestType: string, expected: ReplyDescriptor): ReadReply {
  const headers = reply.properties.headers;
  const replier = reply.properties.appId ?? 'the replier';
  let body: unknown;
  try {
    body = JSON.parse(reply.content.toString('utf8'));
  } catch (error) {
    return { ok: false, error: new InvalidReplyError(requestType, `body is not JSON: ${(error as Error).message}`) };
  }
  const code = headerString(headers, REPLY_ERROR_HEADER);
  if (code !== undefined) {
    const detail = (typeof body === 'object' && body !== null ? body : {}) as { name?: unknown; message?: unknown };
    return {
      ok: false,
      error: new RemoteError(requestType, code as RemoteErrorCode, String(detail.name ?? 'Error'), String(detail.message ?? ''), replier),
    };
  }
  const type = reply.properties.type;
  const message = type === undefined ? expected.messages[0] : expected.messages.find((m) => m.type === type);
  if (message === undefined) {
    return { ok: false, error: new InvalidReplyError(requestType, `type ${String(type)} is not a reply of ${requestType} (${expected.messages.map((m) => m.type).join(', ')})`) };
  }
  if (!message.validate(body)) {
    return { ok: false, error: new InvalidReplyError(requestType, formatFieldErrors(describeSchemaErrors(message.validate.errors))) };
  }
  return { ok: true, payload: body };
}

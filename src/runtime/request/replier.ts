/**
 * The replier half of request/reply: the handler of a receive operation with `reply` resolves
 * to the reply, which is validated and sent to the request's `reply_to`. A handler that throws
 * (or resolves to something that is no reply message) answers with an error reply, so the
 * requester fails at once with a RemoteError instead of waiting for its timeout; the request
 * itself is acknowledged, never retried (its requester is waiting now, not in five minutes).
 */
import { randomUUID } from 'node:crypto';
import type { Delivery, DeliveryHandler, Envelope, Handler, HandlerContext, ReceiveDescriptor, ReplyDescriptor } from '../contract.js';
import type { PublishContext } from '../envelope.js';
import type { OutgoingMessage } from '../message.js';
import type { RuntimeMetrics } from '../metrics.js';
import { describeSchemaErrors, formatFieldErrors } from '../schema-errors.js';
import type { PublisherIdentity } from '../traced-publish.js';
import { ERROR_REPLY_TYPE, errorReplyMessage, replyMessage } from './reply-wire.js';

export interface ReplierDependencies {
  readonly identity: () => PublisherIdentity;
  /** Publishes a reply; resolves once the broker took it. */
  readonly send: (message: OutgoingMessage) => Promise<void>;
  readonly metrics: RuntimeMetrics;
}

/** `handler` as the pipeline runs it: unchanged for a queue without replies. */
export function replyingHandler(receive: ReceiveDescriptor, handler: DeliveryHandler, deps: ReplierDependencies): Handler {
  const replies = receive.replies;
  if (replies === undefined) return handler as Handler;
  return async (delivery: Delivery, context: HandlerContext): Promise<void> => {
    const reply = replies[delivery.envelope.type];
    if (reply === undefined) {
      await handler(delivery, context);
      return;
    }
    // A request without reply_to (a tutorial-style requester) is still answered when the
    // document names the reply queue.
    const request = delivery.envelope.replyTo === undefined && reply.queue !== undefined ? { ...delivery.envelope, replyTo: reply.queue } : delivery.envelope;
    let result: unknown;
    try {
      result = await handler(delivery, context);
    } catch (error) {
      // Without reply_to nobody waits: the failure takes the usual retry ladder.
      if (request.replyTo === undefined) throw error;
      context.log.warn({ err: error }, 'replier failed: answering with an error reply');
      answer(request, errorReplyMessage(request, 'handler-failed', error, publishContext(deps)), context, deps);
      return;
    }
    if (request.replyTo === undefined) {
      context.log.warn({}, 'request without reply_to: the reply has nowhere to go');
      return;
    }
    answer(request, replyOrError(request, reply, result, context, deps), context, deps);
  };
}

function publishContext(deps: ReplierDependencies): PublishContext {
  const identity = deps.identity();
  return { source: identity.source, userId: identity.userId, now: Date.now(), newId: randomUUID };
}

function replyOrError(request: Envelope, reply: ReplyDescriptor, result: unknown, context: HandlerContext, deps: ReplierDependencies): OutgoingMessage {
  const publish = publishContext(deps);
  const message = reply.messages.length === 1 ? reply.messages[0] : reply.messages.find((m) => m.validate(result));
  if (message !== undefined && message.validate(result)) return replyMessage(request, message, result, publish);
  const first = reply.messages[0]!;
  first.validate(result);
  const detail = `the reply is not a valid ${reply.messages.map((m) => m.name).join(' or ')}: ${formatFieldErrors(describeSchemaErrors(first.validate.errors))}`;
  context.log.error({ detail }, 'replier returned an invalid reply: answering with an error reply');
  return errorReplyMessage(request, 'invalid-reply', new Error(detail), publish);
}

function answer(request: Envelope, message: OutgoingMessage, context: HandlerContext, deps: ReplierDependencies): void {
  if (message.type === ERROR_REPLY_TYPE) deps.metrics.errorReplySent(request.type).inc();
  // Not awaited: a direct reply-to reply is never stored, so its confirm says only that the broker
  // took it, and waiting for it before acking the request cost two thirds of the throughput with
  // 64 requests in flight (bench/rpc.ts). A reply lost with its channel leaves the requester to its
  // timeout or RequestInterruptedError; a retry would not reach it sooner.
  deps.send(message).catch((failure: unknown) => context.log.warn({ err: failure }, 'could not send the reply'));
}

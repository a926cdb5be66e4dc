/**
 * The transport-neutral half of a request: a PRODUCER span, the envelope (inheriting the cause
 * of the delivery being handled), validation, registration with the pending requests, then
 * `transmit` — the transport's publish with a reply address.
 */
import { randomUUID } from 'node:crypto';
import type { Tracer } from '@opentelemetry/api';
import { currentCause } from '../causation.js';
import type { RequestDescriptor, RequestOptions } from '../contract.js';
import { buildOutgoing } from '../envelope.js';
import type { OutgoingMessage } from '../message.js';
import type { PublisherIdentity } from '../traced-publish.js';
import { endSpan, startPublishSpan } from '../tracing.js';
import type { PendingRequests } from './pending-requests.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export function sendRequest<TPayload, TReply, THeaders>(
  tracer: Tracer,
  identity: PublisherIdentity,
  send: RequestDescriptor<TPayload, TReply, THeaders>,
  payload: TPayload,
  options: RequestOptions<THeaders> | undefined,
  pending: PendingRequests,
  transmit: (message: OutgoingMessage) => Promise<void>,
): Promise<TReply> {
  const { span, headers } = startPublishSpan(tracer, send.exchange, send.routingKey, send.message.type);
  let message: OutgoingMessage;
  try {
    message = buildOutgoing(send, payload, options, {
      source: identity.source,
      userId: identity.userId,
      now: Date.now(),
      newId: randomUUID,
      inherited: currentCause(),
      trace: headers,
    });
  } catch (error) {
    endSpan(span, error);
    return Promise.reject(error);
  }
  const reply = pending.wait(message, send.reply, options?.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) as Promise<TReply>;
  transmit(message).catch((error: Error) => pending.fail(message.messageId, error.name === 'UnroutableError' ? 'unroutable' : 'interrupted', error));
  return reply.then(
    (payload) => {
      endSpan(span);
      return payload;
    },
    (error: unknown) => {
      endSpan(span, error);
      throw error;
    },
  );
}

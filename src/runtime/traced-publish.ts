/**
 * The transport-neutral half of a publish: a PRODUCER span, the envelope (inheriting the cause
 * from the delivery being handled), validation, then `deliver` — the transport's confirmed send.
 */
import { randomUUID } from 'node:crypto';
import type { Tracer } from '@opentelemetry/api';
import { currentCause } from './causation.js';
import type { PublishOptions, PublishReceipt, SendDescriptor } from './contract.js';
import { buildOutgoing } from './envelope.js';
import type { OutgoingMessage } from './message.js';
import { describeMessage, endSpan, startPublishSpan } from './tracing.js';

export interface PublisherIdentity {
  /** `system/service`: the app_id property (CloudEvents source). */
  readonly source: string;
  /** The broker user publishes go out under (user_id). */
  readonly userId: string | undefined;
}

export function tracedPublish<TPayload, THeaders>(
  tracer: Tracer,
  identity: PublisherIdentity,
  send: SendDescriptor<TPayload, THeaders>,
  payload: TPayload,
  options: PublishOptions<THeaders> | undefined,
  deliver: (message: OutgoingMessage, timeoutMs: number | undefined) => Promise<void>,
): Promise<PublishReceipt> {
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
  describeMessage(span, message.messageId, message.properties.correlationId);
  // Plain promise chaining, not async/await: this runs once per message.
  return deliver(message, options?.timeoutMs).then(
    () => {
      endSpan(span);
      return { messageId: message.messageId };
    },
    (error: unknown) => {
      endSpan(span, error);
      throw error;
    },
  );
}

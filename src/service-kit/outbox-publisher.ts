/**
 * The generated typed publishers (`createOrderPublisher(bus)`) take any EventPublisher. This
 * one writes to the outbox inside a transaction instead of publishing, so a service keeps the
 * typed API and gets the outbox's guarantee: the events exist if and only if its change commits.
 *
 *   await db.store.transaction(async (tx) => {
 *     await tx.query('UPDATE … ');
 *     await createOrderPublisher(kit.publisherIn(tx)).publishOrderCreated(payload, { subject: String(orderId) });
 *   });
 *
 * `subject` (ce-subject) is required: it is the aggregate whose events the relay keeps in order.
 */
import type { Outbox } from '../durable/outbox.js';
import type { Transaction } from '../durable/store.js';
import type { EventPublisher, HeaderValue, PublishOptions, PublishReceipt, SendDescriptor } from '../runtime/contract.js';

export function outboxPublisher(outbox: Outbox, tx: Transaction): EventPublisher {
  return {
    async publish<TPayload, THeaders>(send: SendDescriptor<TPayload, THeaders>, payload: TPayload, options: PublishOptions<THeaders> = {}): Promise<PublishReceipt> {
      if (!options.subject) {
        throw new Error(`${send.message.name}: give { subject } (the aggregate id) when publishing through the outbox, so its events stay in order`);
      }
      const { timeoutMs: _timeout, subject, ...rest } = options;
      return outbox.add(tx, {
        ...rest,
        send,
        payload,
        aggregateId: subject,
        headers: rest.headers as (Partial<THeaders> & Record<string, HeaderValue | undefined>) | undefined,
      });
    },
  };
}

/** The send descriptors among a generated client module's exports (`import * as client from …`). */
export function sendsOf(client: Readonly<Record<string, unknown>>): SendDescriptor<any, any>[] {
  return Object.values(client).filter(
    (value): value is SendDescriptor<any, any> =>
      typeof value === 'object' && value !== null && 'operationId' in value && 'routingKey' in value && 'exchange' in value && 'message' in value,
  );
}

/**
 * Interleaved events of many aggregates for the ordering tests: each aggregate gets, in turn,
 * OrderCreated, OrderCancelled (both received by billing.orders) and OrderArchived (received by
 * audit.archive only), so billing sees gaps in every aggregate's sequence it must not wait for.
 */
import { randomUUID } from 'node:crypto';
import { Outbox } from '../../../src/durable/outbox.js';
import type { DurableStore } from '../../../src/durable/store.js';
import { publishOrderArchived, publishOrderCancelled, publishOrderCreated } from '../../fixtures/runtime/shop-contract.js';

/** aggregate id → the message ids billing must apply, in order. */
export type BillingExpectation = Map<string, string[]>;

export async function addInterleaved(store: DurableStore, aggregates: number, perAggregate: number): Promise<BillingExpectation> {
  const outbox = new Outbox(store);
  const orders = Array.from({ length: aggregates }, () => randomUUID());
  const expected: BillingExpectation = new Map(orders.map((id) => [id, []]));
  for (let n = 0; n < perAggregate; n++) {
    await store.transaction(async (tx) => {
      for (const orderId of orders) {
        const kind = n % 3;
        if (kind === 2) {
          await outbox.add(tx, { send: publishOrderArchived, payload: { orderId }, aggregateId: orderId });
          continue;
        }
        const { messageId } =
          kind === 0
            ? await outbox.add(tx, {
                send: publishOrderCreated,
                payload: { orderId, customerId: `c-${n}`, total: n, currency: 'EUR', lines: [{ sku: 'SKU-1', quantity: 1, price: n }] },
                aggregateId: orderId,
              })
            : await outbox.add(tx, { send: publishOrderCancelled, payload: { orderId, reason: `r-${n}` }, aggregateId: orderId });
        expected.get(orderId)!.push(messageId);
      }
    });
  }
  return expected;
}

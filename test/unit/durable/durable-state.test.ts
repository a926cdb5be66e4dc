import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { openDurableState } from '../../../src/durable/index.js';
import { checkoutSaga, events } from './checkout-saga.js';
import { delivery, publishNoteAdded, RecordingPublisher } from './fixtures.js';

describe('openDurableState', () => {
  it('wires store, outbox, relay, inbox and sagas, and stops them all on close', async () => {
    const publisher = new RecordingPublisher();
    const durable = await openDurableState({
      publisher,
      service: 'orbita/notes',
      sends: [publishNoteAdded],
      sagas: [checkoutSaga()],
      registry: new Registry(),
      logger: pino({ level: 'silent' }),
    });
    await durable.start();
    try {
      expect(durable.store.kind).toBe('pglite');
      const { messageId } = await durable.store.transaction((tx) =>
        durable.outbox.add(tx, { send: publishNoteAdded, payload: { noteId: 'n', n: 1 }, aggregateId: 'n' }),
      );
      await publisher.waitFor(1);
      expect(publisher.published[0]).toMatchObject({ messageId, send: publishNoteAdded });
      const outcome = await durable.sagas!.dispatch(
        delivery(events.CheckoutRequested, { checkoutId: 'co', customerId: 'c', lines: [{ sku: 's', quantity: 1 }], total: 1 }),
      );
      expect(outcome).toMatchObject([{ kind: 'started', to: 'reservingStock' }]);
      // The saga's command belongs to shop/checkout, not to this relay's service: it stays for that service's relay.
      expect((await durable.relay.backlog()).pending).toBe(0);
    } finally {
      await durable.close();
    }
    await expect(durable.store.query('SELECT 1')).rejects.toThrow();
  }, 60_000);
});

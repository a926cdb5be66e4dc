/** orbita/calendar's one handler shape for the three block events: apply to the mirror entry in order, recording the producer's sequence number. */
import * as client from '../../../generated/clients/orbita/calendar.js';
import { EVENTPLANE_HEADERS, type Delivery, type Handler } from '../../../src/runtime/index.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { applyBlockEvent, type BlockEvent } from './domain.js';
import type { CalendarRepository } from './repository.js';

interface BlockPayload {
  readonly blockId: string;
  readonly userId: string;
  readonly kind: string;
}

/** The block's number in its aggregate's sequence, as the outbox gave it (absent on a message not sent through an outbox). */
function sequenceOf(delivery: Delivery): number | undefined {
  const value = Number(delivery.envelope.headers[EVENTPLANE_HEADERS.sequence]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

export function mirrorHandler<D extends Delivery<string, BlockPayload>>(kit: ServiceKit<Config>, repo: CalendarRepository, toEvent: (payload: D['payload']) => BlockEvent): Handler<D> {
  return kit.handle(client.calendarQueueReceive, async (delivery, context, tx) => {
    const block = delivery.payload;
    const event = toEvent(block);
    const { entry, anomaly } = applyBlockEvent(await repo.entry(tx, block.blockId, true), event);
    const seq = sequenceOf(delivery);
    if (anomaly) context.log.warn({ blockId: block.blockId, event: event.type, seq, anomaly }, 'block event does not follow the mirror entry');
    await repo.apply(tx, { blockId: block.blockId, userId: block.userId, kind: block.kind, entry, event: event.type, ...(seq !== undefined ? { seq } : {}), ...(anomaly ? { anomaly } : {}) });
  });
}

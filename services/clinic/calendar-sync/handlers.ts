/**
 * clinic/calendar-sync's message handlers (apt.calendar-sync.queue, one appointment's events in
 * order): each event updates the appointment's calendar entry in one transaction with its inbox
 * row, so a redelivery changes nothing.
 */
import * as client from '../../../generated/clients/clinic/calendar-sync.js';
import type { Delivery } from '../../../src/runtime/index.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { entryOf, type AppointmentEvent } from './domain.js';
import type { CalendarSyncRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: CalendarSyncRepository): client.CalendarSyncHandlers {
  const apply = <D extends Delivery & AppointmentEvent>() =>
    kit.handle<D>(client.aptCalendarSyncQueueReceive, async (delivery, _context, tx) => {
      await repo.apply(tx, delivery.envelope.messageId, delivery.envelope.time, entryOf(delivery));
    });
  return {
    onAppointmentCreated: apply(),
    onAppointmentRescheduled: apply(),
    onAppointmentCancelled: apply(),
  };
}

/**
 * clinic/notifications' message handlers (apt.notifications.queue). For each appointment event,
 * in ONE transaction with the event's inbox row: update the doctor's booked slots, queue the
 * notifications, write the audit entry; then wake the dispatcher to send what was queued.
 */
import * as client from '../../../generated/clients/clinic/notifications.js';
import type { Delivery } from '../../../src/runtime/index.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import type { NotificationDispatcher } from './dispatcher.js';
import type { NotificationsRepository } from './repository.js';
import { draftsFor, type AppointmentEvent } from './templates.js';

/** Who made the change, and what changed — ids, slot and reason only: personal data stays out of the audit log. */
function auditEntry(event: AppointmentEvent): { actor: string; details: object } {
  const p = event.payload;
  const actor = 'bookedBy' in p ? p.bookedBy : 'rescheduledBy' in p ? p.rescheduledBy : p.cancelledBy;
  const details = {
    type: p.type,
    doctorId: p.doctor.doctorId,
    patientId: p.patient.patientId,
    slot: p.slot,
    ...('previousSlot' in p ? { previousSlot: p.previousSlot, ...(p.previousDoctorId ? { previousDoctorId: p.previousDoctorId } : {}) } : {}),
    ...('lateCancellation' in p ? { reason: p.reason, lateCancellation: p.lateCancellation } : {}),
  };
  return { actor, details };
}

export function handlers(kit: ServiceKit<Config>, repo: NotificationsRepository, dispatcher: NotificationDispatcher): client.NotificationsHandlers {
  const handle = <D extends Delivery & AppointmentEvent>() => {
    const inTransaction = kit.handle<D>(client.aptNotificationsQueueReceive, async (delivery, _context, tx) => {
      await repo.applyAvailability(tx, delivery, delivery);
      await repo.queueNotifications(tx, delivery, delivery, draftsFor(delivery));
      const { actor, details } = auditEntry(delivery);
      await repo.writeAudit(tx, delivery, delivery.payload.appointmentId, actor, details);
    });
    return async (delivery: D, context: Parameters<typeof inTransaction>[1]) => {
      await inTransaction(delivery, context);
      dispatcher.wake();
    };
  };
  return {
    onAppointmentCreated: handle(),
    onAppointmentRescheduled: handle(),
    onAppointmentCancelled: handle(),
  };
}

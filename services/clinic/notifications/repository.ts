/**
 * clinic/notifications' persistence: the statements over its booked slots and audit log, and the
 * queueing of notifications (the dispatcher, ./dispatcher.ts, sends and marks them).
 */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { Delivery } from '../../../src/runtime/index.js';
import { nameBasedUuid, type ServiceDatabase } from '../../../src/service-kit/index.js';
import type { AppointmentEvent, NotificationDraft } from './templates.js';

export type NotificationsRepository = ReturnType<typeof notificationsRepository>;

export function notificationsRepository(db: ServiceDatabase) {
  const slots = db.table('booked_slots');
  const notifications = db.table('notifications');
  const audit = db.table('audit_log');
  return {
    /** The notifications table, for the dispatcher that sends what is queued in it. */
    notificationsTable: notifications,

    /** Takes (or frees) the slot unless a newer event of the appointment was applied already. */
    async applyAvailability(tx: Transaction, event: AppointmentEvent, delivery: Delivery): Promise<void> {
      const p = event.payload;
      await tx.query(
        `INSERT INTO ${slots} (appointment_id, doctor_id, slot_start, slot_end, status, as_of, event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (appointment_id) DO UPDATE
           SET doctor_id = EXCLUDED.doctor_id, slot_start = EXCLUDED.slot_start, slot_end = EXCLUDED.slot_end,
               status = EXCLUDED.status, as_of = EXCLUDED.as_of, event_id = EXCLUDED.event_id
           WHERE ${slots}.as_of <= EXCLUDED.as_of`,
        [p.appointmentId, p.doctor.doctorId, p.slot.start, p.slot.end, event.name === 'AppointmentCancelled' ? 'cancelled' : 'booked', delivery.envelope.time, delivery.envelope.messageId],
      );
    },

    async queueNotifications(tx: Transaction, event: AppointmentEvent, delivery: Delivery, drafts: readonly NotificationDraft[]): Promise<void> {
      for (const draft of drafts) {
        await tx.query(
          `INSERT INTO ${notifications} (id, event_id, appointment_id, recipient, channel, address, template, subject, body)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
          [
            nameBasedUuid(delivery.envelope.messageId, draft.recipient),
            delivery.envelope.messageId,
            event.payload.appointmentId,
            draft.recipient,
            draft.channel,
            draft.address,
            draft.template,
            draft.subject ?? null,
            draft.body,
          ],
        );
      }
    },

    async writeAudit(tx: Transaction, delivery: Delivery, appointmentId: string, actor: string, details: object): Promise<void> {
      await tx.query(
        `INSERT INTO ${audit} (event_id, event_type, appointment_id, actor, source, correlation_id, occurred_at, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) ON CONFLICT (event_id) DO NOTHING`,
        [delivery.envelope.messageId, delivery.envelope.type, appointmentId, actor, delivery.envelope.source, delivery.envelope.correlationId ?? null, delivery.envelope.time, JSON.stringify(details)],
      );
    },

    /** A doctor's booked slots overlapping [from, to) (either bound optional), by start. */
    async bookedSlots(sql: Sql, doctorId: string, from: string | undefined, to: string | undefined): Promise<Array<{ appointmentId: string; start: string; end: string }>> {
      const { rows } = await sql.query<{ appointment_id: string; slot_start: Date | string; slot_end: Date | string }>(
        `SELECT appointment_id, slot_start, slot_end FROM ${slots}
         WHERE doctor_id = $1 AND status = 'booked' AND ($2::timestamptz IS NULL OR slot_end > $2) AND ($3::timestamptz IS NULL OR slot_start < $3)
         ORDER BY slot_start`,
        [doctorId, from ?? null, to ?? null],
      );
      return rows.map((r) => ({ appointmentId: r.appointment_id, start: new Date(r.slot_start).toISOString(), end: new Date(r.slot_end).toISOString() }));
    },

    async notificationsOf(sql: Sql, appointmentId: string): Promise<unknown[]> {
      const { rows } = await sql.query(
        `SELECT id, event_id AS "eventId", recipient, channel, template, status, attempts, created_at AS "createdAt", sent_at AS "sentAt", last_error AS "lastError"
         FROM ${notifications} WHERE appointment_id = $1 ORDER BY created_at, recipient`,
        [appointmentId],
      );
      return rows;
    },

    async auditOf(sql: Sql, appointmentId: string): Promise<unknown[]> {
      const { rows } = await sql.query(
        `SELECT event_id AS "eventId", event_type AS "eventType", actor, source, correlation_id AS "correlationId", occurred_at AS "occurredAt", recorded_at AS "recordedAt", details
         FROM ${audit} WHERE appointment_id = $1 ORDER BY occurred_at, recorded_at`,
        [appointmentId],
      );
      return rows;
    },
  };
}

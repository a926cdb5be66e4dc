/**
 * clinic/notifications — the worker behind `apt.notifications.queue`. For each appointment
 * event, in ONE transaction with the event's inbox row: update the doctor's booked slots, queue
 * the notifications (sent afterwards by the dispatcher through the pluggable sender), write the
 * audit entry. A redelivered event is skipped; a crash at any point neither loses nor repeats
 * an effect.
 *
 * HTTP (read side): the doctor's availability, the notifications and the audit log of an
 * appointment.
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/clinic/notifications.js';
import type { Transaction } from '../../../src/durable/index.js';
import type { Delivery } from '../../../src/runtime/index.js';
import { defineService, nameBasedUuid, sendsOf, type ConfigOf, type EnvSchema } from '../../../src/service-kit/index.js';
import { freeIntervals } from './availability.js';
import { NotificationDispatcher } from './dispatcher.js';
import { JsonlFileSender, LogSender, type NotificationSender } from './senders.js';
import { draftsFor, type AppointmentEvent } from './templates.js';

const env = {
  type: 'object',
  properties: {
    NOTIFICATIONS_FILE: { type: 'string', minLength: 1, description: 'append sent notifications to this JSON-lines file; log them (without personal data) when unset' },
    NOTIFICATIONS_POLL_MS: { type: 'integer', minimum: 50, maximum: 60000, default: 1000 },
  },
  required: ['NOTIFICATIONS_POLL_MS'],
} as const satisfies EnvSchema;

const uuid = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

export interface NotificationsOptions {
  /** Replace the sender chosen from the environment (tests, other channels). */
  readonly sender?: NotificationSender;
}

export function notificationsService(options: NotificationsOptions = {}) {
  return defineService<ConfigOf<typeof env>>({
    service: client.notificationsService,
    description: "Keeps doctors' availability, notifies patients and doctors, and writes the audit log, from the appointment events.",
    sends: sendsOf(client),
    env,
    migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
    setup(kit) {
      const { store, app, log } = kit;
      const slots = kit.db.table('booked_slots');
      const notifications = kit.db.table('notifications');
      const audit = kit.db.table('audit_log');
      const sender = options.sender ?? (kit.config.NOTIFICATIONS_FILE ? new JsonlFileSender(kit.config.NOTIFICATIONS_FILE) : new LogSender(log));
      const dispatcher = new NotificationDispatcher({ store, table: notifications, sender, log, metrics: kit.metrics, pollMs: kit.config.NOTIFICATIONS_POLL_MS });
      kit.onStart(() => dispatcher.start());
      kit.onClose(() => dispatcher.stop());

      /** Takes (or frees) the slot unless a newer event of the appointment was applied already. */
      const applyAvailability = async (tx: Transaction, event: AppointmentEvent, delivery: Delivery) => {
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
      };

      const queueNotifications = async (tx: Transaction, event: AppointmentEvent, delivery: Delivery) => {
        for (const draft of draftsFor(event)) {
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
      };

      const writeAudit = async (tx: Transaction, event: AppointmentEvent, delivery: Delivery) => {
        const p = event.payload;
        const actor = 'bookedBy' in p ? p.bookedBy : 'rescheduledBy' in p ? p.rescheduledBy : p.cancelledBy;
        // Personal data stays out of the audit log: ids, slot and what changed only.
        const details = {
          type: p.type,
          doctorId: p.doctor.doctorId,
          patientId: p.patient.patientId,
          slot: p.slot,
          ...('previousSlot' in p ? { previousSlot: p.previousSlot, ...(p.previousDoctorId ? { previousDoctorId: p.previousDoctorId } : {}) } : {}),
          ...('lateCancellation' in p ? { reason: p.reason, lateCancellation: p.lateCancellation } : {}),
        };
        await tx.query(
          `INSERT INTO ${audit} (event_id, event_type, appointment_id, actor, source, correlation_id, occurred_at, details)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) ON CONFLICT (event_id) DO NOTHING`,
          [delivery.envelope.messageId, delivery.envelope.type, p.appointmentId, actor, delivery.envelope.source, delivery.envelope.correlationId ?? null, delivery.envelope.time, JSON.stringify(details)],
        );
      };

      const handle = <D extends Delivery & AppointmentEvent>() => {
        const inTransaction = kit.handle<D>(client.aptNotificationsQueueReceive, async (delivery, _context, tx) => {
          await applyAvailability(tx, delivery, delivery);
          await queueNotifications(tx, delivery, delivery);
          await writeAudit(tx, delivery, delivery);
        });
        return async (delivery: D, context: Parameters<typeof inTransaction>[1]) => {
          await inTransaction(delivery, context);
          dispatcher.wake();
        };
      };
      const handlers: client.NotificationsHandlers = {
        onAppointmentCreated: handle(),
        onAppointmentRescheduled: handle(),
        onAppointmentCancelled: handle(),
      };

      app.get(
        '/doctors/:doctorId/availability',
        {
          schema: {
            tags: ['availability'],
            summary: "A doctor's booked slots, and the free intervals between `from` and `to` when both are given",
            params: { type: 'object', required: ['doctorId'], properties: { doctorId: uuid } },
            querystring: { type: 'object', additionalProperties: false, properties: { from: dateTime, to: dateTime } },
          },
        },
        async (request) => {
          const { doctorId } = request.params;
          const { from, to } = request.query;
          const { rows } = await store.query<{ appointment_id: string; slot_start: Date | string; slot_end: Date | string }>(
            `SELECT appointment_id, slot_start, slot_end FROM ${slots}
             WHERE doctor_id = $1 AND status = 'booked' AND ($2::timestamptz IS NULL OR slot_end > $2) AND ($3::timestamptz IS NULL OR slot_start < $3)
             ORDER BY slot_start`,
            [doctorId, from ?? null, to ?? null],
          );
          const booked = rows.map((r) => ({ appointmentId: r.appointment_id, start: new Date(r.slot_start).toISOString(), end: new Date(r.slot_end).toISOString() }));
          return { doctorId, booked, ...(from && to ? { free: freeIntervals(from, to, booked) } : {}) };
        },
      );

      app.get(
        '/notifications',
        {
          schema: {
            tags: ['notifications'],
            summary: 'Notifications queued or sent for an appointment',
            querystring: { type: 'object', required: ['appointmentId'], additionalProperties: false, properties: { appointmentId: uuid } },
          },
        },
        async (request) => {
          const { rows } = await store.query(
            `SELECT id, event_id AS "eventId", recipient, channel, template, status, attempts, created_at AS "createdAt", sent_at AS "sentAt", last_error AS "lastError"
             FROM ${notifications} WHERE appointment_id = $1 ORDER BY created_at, recipient`,
            [request.query.appointmentId],
          );
          return rows;
        },
      );

      app.get(
        '/audit',
        {
          schema: {
            tags: ['audit'],
            summary: 'The audit log of an appointment, oldest first',
            querystring: { type: 'object', required: ['appointmentId'], additionalProperties: false, properties: { appointmentId: uuid } },
          },
        },
        async (request) => {
          const { rows } = await store.query(
            `SELECT event_id AS "eventId", event_type AS "eventType", actor, source, correlation_id AS "correlationId", occurred_at AS "occurredAt", recorded_at AS "recordedAt", details
             FROM ${audit} WHERE appointment_id = $1 ORDER BY occurred_at, recorded_at`,
            [request.query.appointmentId],
          );
          return rows;
        },
      );

      return { subscribe: (bus) => client.subscribeNotifications(bus, handlers) };
    },
  });
}

export const notifications = notificationsService();

/** clinic/calendar-sync's persistence: the doctors' calendar entries. */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { CalendarEntry, entryOf } from './domain.js';

export type CalendarSyncRepository = ReturnType<typeof calendarSyncRepository>;

interface EntryRow {
  appointment_id: string;
  doctor_id: string;
  doctor_name: string | null;
  visit_type: string;
  slot_start: Date | string;
  slot_end: Date | string;
  timezone: string;
  room: string | null;
  status: 'confirmed' | 'cancelled';
  sequence: number;
  as_of: Date | string;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export function calendarSyncRepository(db: ServiceDatabase) {
  const entries = db.table('calendar_entries');
  return {
    /**
     * Applies an event to the appointment's entry unless a newer one was applied already (the
     * queue keeps one appointment's events in order; this guards replays from the dead-letter
     * queue). The room, given only at booking, is kept through later changes.
     */
    async apply(tx: Transaction, eventId: string, occurredAt: string, entry: ReturnType<typeof entryOf>): Promise<void> {
      await tx.query(
        `INSERT INTO ${entries} (appointment_id, doctor_id, doctor_name, visit_type, slot_start, slot_end, timezone, room, status, sequence, as_of, event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11)
         ON CONFLICT (appointment_id) DO UPDATE
           SET doctor_id = EXCLUDED.doctor_id, doctor_name = COALESCE(EXCLUDED.doctor_name, ${entries}.doctor_name),
               visit_type = EXCLUDED.visit_type, slot_start = EXCLUDED.slot_start, slot_end = EXCLUDED.slot_end,
               timezone = EXCLUDED.timezone, room = COALESCE(EXCLUDED.room, ${entries}.room), status = EXCLUDED.status,
               sequence = ${entries}.sequence + 1, as_of = EXCLUDED.as_of, event_id = EXCLUDED.event_id
           WHERE ${entries}.as_of <= EXCLUDED.as_of`,
        [entry.appointmentId, entry.doctorId, entry.doctorName ?? null, entry.visitType, entry.start, entry.end, entry.timezone, entry.room ?? null, entry.status, occurredAt, eventId],
      );
    },

    /** A doctor's entries overlapping [from, to) (either bound optional), by start. */
    async calendar(sql: Sql, doctorId: string, from?: string, to?: string): Promise<CalendarEntry[]> {
      const { rows } = await sql.query<EntryRow>(
        `SELECT appointment_id, doctor_id, doctor_name, visit_type, slot_start, slot_end, timezone, room, status, sequence, as_of
         FROM ${entries}
         WHERE doctor_id = $1 AND ($2::timestamptz IS NULL OR slot_end > $2) AND ($3::timestamptz IS NULL OR slot_start < $3)
         ORDER BY slot_start, appointment_id`,
        [doctorId, from ?? null, to ?? null],
      );
      return rows.map((r) => ({
        appointmentId: r.appointment_id,
        doctorId: r.doctor_id,
        ...(r.doctor_name !== null ? { doctorName: r.doctor_name } : {}),
        visitType: r.visit_type,
        start: iso(r.slot_start),
        end: iso(r.slot_end),
        timezone: r.timezone,
        ...(r.room !== null ? { room: r.room } : {}),
        status: r.status,
        sequence: Number(r.sequence),
        updatedAt: iso(r.as_of),
      }));
    },
  };
}

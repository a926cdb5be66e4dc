/** clinic/analytics' persistence: the facts it counted and the aggregates over them. */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { BookingCounts, BookingFact } from './domain.js';

export type AnalyticsRepository = ReturnType<typeof analyticsRepository>;

export interface GroupCounts extends BookingCounts {
  readonly doctorId: string;
  readonly visitType: string;
}

interface CountsRow {
  doctor_id: string;
  visit_type: string;
  bookings: string | number;
  rescheduled: string | number;
  cancelled: string | number;
  late_cancelled: string | number;
  lead_hours: string | number | null;
}

const toCounts = (r: CountsRow): GroupCounts => ({
  doctorId: r.doctor_id,
  visitType: r.visit_type,
  bookings: Number(r.bookings),
  rescheduled: Number(r.rescheduled),
  cancelled: Number(r.cancelled),
  lateCancelled: Number(r.late_cancelled),
  leadTimeHoursTotal: r.lead_hours === null ? null : Number(r.lead_hours),
});

export function analyticsRepository(db: ServiceDatabase) {
  const events = db.table('booking_events');
  return {
    /** Records one counted event; the event id makes a redelivery count once. */
    async record(tx: Transaction, eventId: string, occurredAt: string, fact: BookingFact): Promise<void> {
      await tx.query(
        `INSERT INTO ${events} (event_id, kind, appointment_id, doctor_id, visit_type, occurred_at, slot_start, late)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id) DO NOTHING`,
        [eventId, fact.kind, fact.appointmentId, fact.doctorId, fact.visitType, occurredAt, fact.slotStart, fact.late],
      );
    },

    /** Counts per doctor and visit type (optionally one doctor's), busiest first. */
    async counts(sql: Sql, doctorId?: string): Promise<GroupCounts[]> {
      const { rows } = await sql.query<CountsRow>(
        `SELECT doctor_id::text AS doctor_id, visit_type,
                count(*) FILTER (WHERE kind = 'created') AS bookings,
                count(DISTINCT appointment_id) FILTER (WHERE kind = 'rescheduled') AS rescheduled,
                count(DISTINCT appointment_id) FILTER (WHERE kind = 'cancelled') AS cancelled,
                count(DISTINCT appointment_id) FILTER (WHERE kind = 'cancelled' AND late) AS late_cancelled,
                sum(EXTRACT(EPOCH FROM (slot_start - occurred_at)) / 3600) FILTER (WHERE kind = 'created') AS lead_hours
         FROM ${events}
         WHERE ($1::uuid IS NULL OR doctor_id = $1::uuid)
         GROUP BY doctor_id, visit_type
         ORDER BY bookings DESC, doctor_id, visit_type`,
        [doctorId ?? null],
      );
      return rows.map(toCounts);
    },
  };
}

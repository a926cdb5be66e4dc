/**
 * clinic/analytics' rules (pure): what an appointment event counts as, and the booking metrics
 * of one group of counts (rates and the mean lead time, rounded for a dashboard).
 */
import type { AppointmentCancelled, AppointmentCreated, AppointmentRescheduled } from '../../../generated/types/clinic.js';

export type AppointmentEvent =
  | { readonly name: 'AppointmentCreated'; readonly payload: AppointmentCreated }
  | { readonly name: 'AppointmentRescheduled'; readonly payload: AppointmentRescheduled }
  | { readonly name: 'AppointmentCancelled'; readonly payload: AppointmentCancelled };

export interface BookingFact {
  readonly kind: 'created' | 'rescheduled' | 'cancelled';
  readonly appointmentId: string;
  readonly doctorId: string;
  readonly visitType: string;
  readonly slotStart: string;
  /** A cancellation less than 24 h before the visit. */
  readonly late: boolean;
}

const KIND = { AppointmentCreated: 'created', AppointmentRescheduled: 'rescheduled', AppointmentCancelled: 'cancelled' } as const;

export function factOf(event: AppointmentEvent): BookingFact {
  const p = event.payload;
  return {
    kind: KIND[event.name],
    appointmentId: p.appointmentId,
    doctorId: p.doctor.doctorId,
    visitType: p.type,
    slotStart: p.slot.start,
    late: event.name === 'AppointmentCancelled' && event.payload.lateCancellation,
  };
}

/** The counts of one group (a doctor and visit type, or everything), as the repository sums them. */
export interface BookingCounts {
  readonly bookings: number;
  /** Appointments moved at least once (not moves: an appointment moved twice counts once). */
  readonly rescheduled: number;
  readonly cancelled: number;
  readonly lateCancelled: number;
  /** Sum over bookings of (slot start − booking time), in hours; null when there are none. */
  readonly leadTimeHoursTotal: number | null;
}

export interface BookingMetrics {
  readonly bookings: number;
  readonly rescheduled: number;
  readonly cancelled: number;
  readonly lateCancelled: number;
  readonly meanLeadTimeHours: number | null;
  readonly rescheduleRate: number | null;
  readonly cancellationRate: number | null;
  readonly lateCancellationRate: number | null;
}

/** A share rounded to 4 decimals; null without a denominator (no bookings yet: no rate, not 0). */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

export function metricsOf(counts: BookingCounts): BookingMetrics {
  const { bookings, rescheduled, cancelled, lateCancelled, leadTimeHoursTotal } = counts;
  return {
    bookings,
    rescheduled,
    cancelled,
    lateCancelled,
    meanLeadTimeHours: bookings > 0 && leadTimeHoursTotal !== null ? Math.round((leadTimeHoursTotal / bookings) * 100) / 100 : null,
    rescheduleRate: rate(rescheduled, bookings),
    cancellationRate: rate(cancelled, bookings),
    // Late cancellations as a share of all cancellations: the policy question is "how many cancel late".
    lateCancellationRate: rate(lateCancelled, cancelled),
  };
}

/** clinic/analytics' HTTP API: the booking metrics, overall and per doctor and visit type. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { metricsOf, type BookingCounts } from './domain.js';
import type { AnalyticsRepository } from './repository.js';

const tags = ['analytics'];

function total(groups: readonly BookingCounts[]): BookingCounts {
  const lead = groups.filter((g) => g.leadTimeHoursTotal !== null);
  return {
    bookings: groups.reduce((n, g) => n + g.bookings, 0),
    rescheduled: groups.reduce((n, g) => n + g.rescheduled, 0),
    cancelled: groups.reduce((n, g) => n + g.cancelled, 0),
    lateCancelled: groups.reduce((n, g) => n + g.lateCancelled, 0),
    leadTimeHoursTotal: lead.length > 0 ? lead.reduce((n, g) => n + g.leadTimeHoursTotal!, 0) : null,
  };
}

export function registerRoutes(kit: ServiceKit<Config>, repo: AnalyticsRepository): void {
  const { app, store } = kit;
  app.get(
    '/api/analytics/bookings',
    {
      schema: {
        tags,
        summary: 'Booking metrics: bookings, mean lead time, reschedule, cancellation and late-cancellation rates — overall and per doctor and visit type',
        querystring: { type: 'object', additionalProperties: false, properties: { doctorId: { type: 'string', format: 'uuid' } } },
      },
    },
    async (request) => {
      const groups = await repo.counts(store, request.query.doctorId);
      return {
        total: metricsOf(total(groups)),
        byDoctorAndType: groups.map((g) => ({ doctorId: g.doctorId, visitType: g.visitType, ...metricsOf(g) })),
      };
    },
  );
}

/**
 * clinic/analytics' message handlers: each appointment event, on its own queue, is recorded as a
 * fact in one transaction with its inbox row (a redelivery counts once).
 */
import * as client from '../../../generated/clients/clinic/analytics.js';
import type { Delivery, ReceiveDescriptor } from '../../../src/runtime/index.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { factOf, type AppointmentEvent } from './domain.js';
import type { AnalyticsRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: AnalyticsRepository): client.AnalyticsHandlers {
  const count = <D extends Delivery & AppointmentEvent>(receive: ReceiveDescriptor<D>) =>
    kit.handle<D>(receive, async (delivery, _context, tx) => {
      await repo.record(tx, delivery.envelope.messageId, delivery.envelope.time, factOf(delivery));
    });
  return {
    onAppointmentCreated: count(client.analyticsClinicAppointmentCreatedReceive),
    onAppointmentRescheduled: count(client.analyticsClinicAppointmentRescheduledReceive),
    onAppointmentCancelled: count(client.analyticsClinicAppointmentCancelledReceive),
  };
}

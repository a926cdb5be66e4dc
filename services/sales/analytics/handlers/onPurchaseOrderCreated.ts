/** sales/analytics onPurchaseOrderCreated: books the PO's revenue. */
import * as client from '../../../../generated/clients/sales/analytics.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { AnalyticsRepository } from '../repository.js';

export function onPurchaseOrderCreated(kit: ServiceKit<Config>, repo: AnalyticsRepository): client.AnalyticsHandlers['onPurchaseOrderCreated'] {
  return kit.handle(client.analyticsQueueReceive, async ({ payload }, _context, tx) => repo.booked(tx, payload));
}

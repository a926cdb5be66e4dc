/** sales/analytics onStockReserved: counts the stock held for quotes. */
import * as client from '../../../../generated/clients/sales/analytics.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { AnalyticsRepository } from '../repository.js';

export function onStockReserved(kit: ServiceKit<Config>, repo: AnalyticsRepository): client.AnalyticsHandlers['onStockReserved'] {
  return kit.handle(client.analyticsQueueReceive, async ({ payload }, _context, tx) => repo.stockReserved(tx, payload));
}

/**
 * sales/analytics's message handlers: the generated AnalyticsHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * sales/analytics` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/sales/analytics.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onPurchaseOrderCreated } from './handlers/onPurchaseOrderCreated.js';
import { onStockReserved } from './handlers/onStockReserved.js';
import type { AnalyticsRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: AnalyticsRepository): client.AnalyticsHandlers {
  return {
    onPurchaseOrderCreated: onPurchaseOrderCreated(kit, repo),
    onStockReserved: onStockReserved(kit, repo),
  };
}

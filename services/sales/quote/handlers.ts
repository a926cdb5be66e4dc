/**
 * sales/quote's message handlers: the generated QuoteHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * sales/quote` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/sales/quote.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onApprovalGranted } from './handlers/onApprovalGranted.js';
import { onApprovalRejected } from './handlers/onApprovalRejected.js';
import { onStockReservationFailed } from './handlers/onStockReservationFailed.js';
import { onStockReserved } from './handlers/onStockReserved.js';
import type { QuoteRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: QuoteRepository): client.QuoteHandlers {
  return {
    onApprovalGranted: onApprovalGranted(kit, repo),
    onApprovalRejected: onApprovalRejected(kit, repo),
    onStockReservationFailed: onStockReservationFailed(kit, repo),
    onStockReserved: onStockReserved(kit, repo),
  };
}

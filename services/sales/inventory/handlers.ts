/**
 * sales/inventory's message handlers: the generated InventoryHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * sales/inventory` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/sales/inventory.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onApprovalRejected } from './handlers/onApprovalRejected.js';
import { onPurchaseOrderCreated } from './handlers/onPurchaseOrderCreated.js';
import { onQuoteCreated } from './handlers/onQuoteCreated.js';
import type { InventoryRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: InventoryRepository): client.InventoryHandlers {
  return {
    onApprovalRejected: onApprovalRejected(kit, repo),
    onPurchaseOrderCreated: onPurchaseOrderCreated(kit, repo),
    onQuoteCreated: onQuoteCreated(kit, repo),
  };
}

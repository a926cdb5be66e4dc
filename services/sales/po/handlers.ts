/**
 * sales/po's message handlers: the generated PoHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * sales/po` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/sales/po.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onApprovalGranted } from './handlers/onApprovalGranted.js';
import { onApprovalRejected } from './handlers/onApprovalRejected.js';
import type { PoRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: PoRepository): client.PoHandlers {
  return {
    onApprovalGranted: onApprovalGranted(kit, repo),
    onApprovalRejected: onApprovalRejected(kit, repo),
  };
}

/**
 * sales/approval's message handlers: the generated ApprovalHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * sales/approval` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/sales/approval.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onQuoteApprovalRequested } from './handlers/onQuoteApprovalRequested.js';
import type { ApprovalRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: ApprovalRepository): client.ApprovalHandlers {
  return {
    onQuoteApprovalRequested: onQuoteApprovalRequested(kit, repo),
  };
}

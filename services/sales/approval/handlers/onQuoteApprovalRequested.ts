/** sales/approval onQuoteApprovalRequested: opens an approval task for the level the quote needs. */
import * as client from '../../../../generated/clients/sales/approval.js';
import { nameBasedUuid, type ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { ApprovalRepository } from '../repository.js';

export function onQuoteApprovalRequested(kit: ServiceKit<Config>, repo: ApprovalRepository): client.ApprovalHandlers['onQuoteApprovalRequested'] {
  return kit.handle(client.approvalQueueReceive, async ({ payload }, _context, tx) => {
    await repo.open(tx, nameBasedUuid('sales/approval', payload.quote_id), payload);
  });
}

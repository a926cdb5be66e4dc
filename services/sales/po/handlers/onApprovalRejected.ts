/** sales/po onApprovalRejected: the POs held for the quote are cancelled; none will be created. */
import * as client from '../../../../generated/clients/sales/po.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { PoRepository } from '../repository.js';

export function onApprovalRejected(kit: ServiceKit<Config>, repo: PoRepository): client.PoHandlers['onApprovalRejected'] {
  return kit.handle(client.poQueueReceive, async ({ payload }, _context, tx) => {
    await repo.lockQuote(tx, payload.quote_id);
    await repo.recordDecision(tx, payload.quote_id, 'rejected', payload.reason);
    for (const row of await repo.ofQuote(tx, payload.quote_id, 'held')) await repo.setStatus(tx, row.id, 'cancelled', `quote rejected: ${payload.reason}`);
  });
}

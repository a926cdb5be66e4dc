/** sales/po onApprovalGranted: the POs held for the quote are created. */
import * as client from '../../../../generated/clients/sales/po.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { release } from '../domain.js';
import type { PoRepository } from '../repository.js';

export function onApprovalGranted(kit: ServiceKit<Config>, repo: PoRepository): client.PoHandlers['onApprovalGranted'] {
  return kit.handle(client.poQueueReceive, async ({ payload }, _context, tx) => {
    await repo.lockQuote(tx, payload.quote_id);
    await repo.recordDecision(tx, payload.quote_id, 'granted');
    for (const row of await repo.ofQuote(tx, payload.quote_id, 'held')) await release(kit, repo, tx, row);
  });
}

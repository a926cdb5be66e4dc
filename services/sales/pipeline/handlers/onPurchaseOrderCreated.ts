/** sales/pipeline onPurchaseOrderCreated: the quote's opportunity is won. */
import * as client from '../../../../generated/clients/sales/pipeline.js';
import { nameBasedUuid, type ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { PipelineRepository } from '../repository.js';

export function onPurchaseOrderCreated(kit: ServiceKit<Config>, repo: PipelineRepository): client.PipelineHandlers['onPurchaseOrderCreated'] {
  return kit.handle(client.pipelineQueueReceive, async ({ payload: po }, _context, tx) => {
    const fields = { customer_id: po.customer_id, quote_id: po.quote_id, quote_number: po.quote_number, amount: po.total, po_number: po.po_number };
    let found = await repo.find(tx, { column: 'quote_id', value: po.quote_id });
    if (!found) {
      // The PO overtook the quote's QuoteCreated: open the opportunity here; QuoteCreated will not move it back.
      const id = nameBasedUuid('sales/pipeline', po.quote_id);
      await repo.create(tx, { id, stage: 'won', event: `PO ${po.po_number}`, customerId: po.customer_id });
      found = (await repo.find(tx, { column: 'id', value: id }))!;
    }
    await repo.update(tx, found, 'won', `PO ${po.po_number}`, fields);
  });
}

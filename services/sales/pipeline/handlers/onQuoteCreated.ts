/** sales/pipeline onQuoteCreated: the quote's opportunity (named, or opened by its email, or the customer's open one) moves to quoted. */
import * as client from '../../../../generated/clients/sales/pipeline.js';
import { nameBasedUuid, type ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { advance } from '../domain.js';
import type { PipelineRepository } from '../repository.js';

export function onQuoteCreated(kit: ServiceKit<Config>, repo: PipelineRepository): client.PipelineHandlers['onQuoteCreated'] {
  return kit.handle(client.pipelineQueueReceive, async ({ payload: quote }, _context, tx) => {
    const fields = { customer_id: quote.customer_id, quote_id: quote.quote_id, quote_number: quote.quote_number, amount: quote.total };
    const found =
      (quote.opportunity_id ? await repo.find(tx, { column: 'id', value: quote.opportunity_id }) : undefined) ??
      (quote.source_email_id ? await repo.find(tx, { column: 'source_email_id', value: quote.source_email_id }) : undefined) ??
      (await repo.find(tx, { column: 'customer_id', value: quote.customer_id, openOnly: true }));
    if (found) return repo.update(tx, found, advance(found.stage, 'quoted'), `quote ${quote.quote_number}`, fields);
    const id = quote.opportunity_id ?? nameBasedUuid('sales/pipeline', quote.quote_id);
    await repo.create(tx, { id, stage: 'quoted', event: `quote ${quote.quote_number}`, customerId: quote.customer_id, ...(quote.source_email_id ? { sourceEmailId: quote.source_email_id } : {}) });
    await repo.update(tx, (await repo.find(tx, { column: 'id', value: id }))!, 'quoted', `quote ${quote.quote_number}`, fields);
  });
}

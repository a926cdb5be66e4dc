/** sales/quote onApprovalRejected: the approver refused: the quote goes back to its rep as rejected. */
import * as client from '../../../../generated/clients/sales/quote.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { QuoteRepository } from '../repository.js';

export function onApprovalRejected(kit: ServiceKit<Config>, repo: QuoteRepository): client.QuoteHandlers['onApprovalRejected'] {
  return kit.handle(client.quoteQueueReceive, async ({ payload }, context, tx) => {
    const quote = await repo.byId(tx, payload.quote_id, true);
    if (!quote) return context.log.warn({ quoteId: payload.quote_id }, 'ApprovalRejected for a quote this service never issued: nothing to reject');
    if (quote.status !== 'pending_approval') return context.log.info({ quoteId: quote.id, status: quote.status }, 'quote already decided: ApprovalRejected ignored');
    await repo.decide(tx, quote.id, 'rejected', { approval_id: payload.approval_id, level: payload.level, by: payload.rejected_by, reason: payload.reason });
  });
}

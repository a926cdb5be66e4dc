/** sales/quote onApprovalGranted: the approver accepted: the quote is approved (a PO may follow). */
import * as client from '../../../../generated/clients/sales/quote.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { QuoteRepository } from '../repository.js';

export function onApprovalGranted(kit: ServiceKit<Config>, repo: QuoteRepository): client.QuoteHandlers['onApprovalGranted'] {
  return kit.handle(client.quoteQueueReceive, async ({ payload }, context, tx) => {
    const quote = await repo.byId(tx, payload.quote_id, true);
    if (!quote) return context.log.warn({ quoteId: payload.quote_id }, 'ApprovalGranted for a quote this service never issued: nothing to unlock');
    if (quote.status !== 'pending_approval') return context.log.info({ quoteId: quote.id, status: quote.status }, 'quote already decided: ApprovalGranted ignored');
    await repo.decide(tx, quote.id, 'approved', { approval_id: payload.approval_id, level: payload.level, by: payload.approved_by, ...(payload.comment ? { comment: payload.comment } : {}), conditions: payload.conditions ?? [] });
  });
}

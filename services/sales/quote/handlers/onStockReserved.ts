/** sales/quote onStockReserved: inventory holds the quoted quantities until the reservation expires. */
import * as client from '../../../../generated/clients/sales/quote.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { QuoteRepository } from '../repository.js';

export function onStockReserved(kit: ServiceKit<Config>, repo: QuoteRepository): client.QuoteHandlers['onStockReserved'] {
  return kit.handle(client.quoteQueueReceive, async ({ payload }, context, tx) => {
    const quote = await repo.byId(tx, payload.quote_id, true);
    if (!quote) return context.log.warn({ quoteId: payload.quote_id }, 'StockReserved for a quote this service never issued');
    await repo.stockReserved(tx, quote.id, payload.reservation_id, payload.expires_at);
  });
}

/** sales/quote onStockReservationFailed: the quote cannot be delivered from stock: the shortfall is shown to its rep. */
import * as client from '../../../../generated/clients/sales/quote.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { QuoteRepository } from '../repository.js';

export function onStockReservationFailed(kit: ServiceKit<Config>, repo: QuoteRepository): client.QuoteHandlers['onStockReservationFailed'] {
  return kit.handle(client.quoteQueueReceive, async ({ payload }, context, tx) => {
    const quote = await repo.byId(tx, payload.quote_id, true);
    if (!quote) return context.log.warn({ quoteId: payload.quote_id }, 'StockReservationFailed for a quote this service never issued');
    await repo.stockShort(tx, quote.id, payload.shortfall);
  });
}

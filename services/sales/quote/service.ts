/**
 * sales/quote — quotes for B2B customers. A rep issues one over POST /api/quotes: the lines are
 * priced exactly (./domain.ts), QuoteCreated goes out, and beyond the rep's authority so does
 * QuoteApprovalRequested with the level the approval policy requires. On `quote.queue` it
 * follows its quotes: ApprovalGranted / ApprovalRejected decide them, StockReserved /
 * StockReservationFailed tell whether the stock is held.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/sales/quote.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { quoteRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const quote = defineService<Config>({
  service: client.quoteService,
  description: 'Quotes with priced lines and totals; asks for approval beyond the rep’s authority; follows approval and stock.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = quoteRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeQuote(bus, received) };
  },
});

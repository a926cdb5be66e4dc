/**
 * shop/payment — takes and refunds payments for the checkout saga, from one queue
 * (`payment-service-queue`): `process.payment` → PaymentSucceeded or PaymentFailed,
 * `refund.payment` → RefundProcessed. Both are deduplicated on the ids the saga assigns
 * (payment id, refund id), so a redelivered command never charges or refunds twice.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/payment.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { TestModeProvider, type PaymentProvider } from './provider.js';
import { paymentRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export function paymentService(provider: PaymentProvider = new TestModeProvider()) {
  return defineService<Config>({
    service: client.paymentService,
    description: 'Takes and refunds payments for the checkout saga (test-mode provider: the payment-method token decides the outcome).',
    sends: sendsOf(client),
    env,
    migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
    setup(kit) {
      const repo = paymentRepository(kit.db);
      registerRoutes(kit, repo);
      const received = handlers(kit, repo, provider);
      return { subscribe: (bus) => client.subscribePayment(bus, received) };
    },
  });
}

export const payment = paymentService();

/**
 * shop/email's message handlers (email-service-queue): each event's email is rendered and
 * recorded in one transaction with the event's inbox row, so a redelivery never mails twice.
 * Messages that fail validation or exceed the consumer's size limit never reach these handlers:
 * the runtime dead-letters them with the reason (`x-ep-reason`) and keeps consuming.
 */
import * as client from '../../../generated/clients/shop/email.js';
import type { Delivery } from '../../../src/runtime/index.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { Counter } from 'prom-client';
import type { Config } from './config.js';
import type { EmailRepository } from './repository.js';
import { render, renderRefund, type ShopEmailEvent } from './templates.js';

export function handlers(kit: ServiceKit<Config>, repo: EmailRepository): client.EmailHandlers {
  const rendered = new Counter({ name: 'shop_email_rendered_total', help: 'Emails rendered and recorded, by template and status (sent or skipped).', labelNames: ['template', 'status'], registers: [kit.metrics] });
  const email = <D extends Delivery & ShopEmailEvent>() =>
    kit.handle<D>(client.emailServiceQueueReceive, async (delivery, _context, tx) => {
      let mail = render(delivery);
      if (delivery.name === 'RefundProcessed') {
        const to = await repo.addressOf(tx, delivery.payload.orderId, delivery.payload.checkoutId);
        if (to) mail = renderRefund(delivery.payload, to);
      }
      await repo.record(tx, delivery.envelope.messageId, mail);
      rendered.inc({ template: mail.template, status: mail.status });
    });
  return {
    onOrderCreated: email(),
    onOrderShipped: email(),
    onCheckoutFailed: email(),
    onRefundProcessed: email(),
    onCartExpired: email(),
  };
}

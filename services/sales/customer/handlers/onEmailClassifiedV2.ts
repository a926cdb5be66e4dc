/**
 * sales/customer onEmailClassifiedV2: the email joins its customer's timeline (the customer the
 * inbox matched, else the one owning the sender's domain), or opens a lead for an unknown sender.
 * v2 is what makes this possible: v1 has neither the sender's domain nor the ranked categories.
 */
import * as client from '../../../../generated/clients/sales/customer.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { CustomerRepository } from '../repository.js';

export function onEmailClassifiedV2(kit: ServiceKit<Config>, repo: CustomerRepository): client.CustomerHandlers['onEmailClassifiedV2'] {
  return kit.handle(client.customerQueueReceive, async ({ payload }, _context, tx) => {
    if (payload.classifications[0]!.category === 'SPAM') return;
    const customer = (payload.sender.customer_id ? await repo.byId(tx, payload.sender.customer_id) : undefined) ?? (await repo.byDomain(tx, payload.sender.domain));
    if (customer) await repo.attach(tx, customer.id, payload);
    else await repo.noteLead(tx, payload);
  });
}

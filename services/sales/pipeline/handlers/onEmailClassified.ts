/** sales/pipeline onEmailClassified (v1): an inquiry opens a lead; a quote request or order opens or qualifies the sender's opportunity. */
import * as client from '../../../../generated/clients/sales/pipeline.js';
import { nameBasedUuid, type ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { advance, domainOf, stageForEmail } from '../domain.js';
import type { PipelineRepository } from '../repository.js';

export function onEmailClassified(kit: ServiceKit<Config>, repo: PipelineRepository): client.PipelineHandlers['onEmailClassified'] {
  return kit.handle(client.pipelineQueueReceive, async ({ payload }, context, tx) => {
    const stage = stageForEmail(payload.category);
    if (!stage) return context.log.info({ emailId: payload.email_id, category: payload.category }, 'email is no sales signal: pipeline unchanged');
    const domain = domainOf(payload.from_address);
    const open =
      (payload.customer_id ? await repo.find(tx, { column: 'customer_id', value: payload.customer_id, openOnly: true }) : undefined) ??
      (await repo.find(tx, { column: 'sender_domain', value: domain, openOnly: true }));
    if (open) return repo.update(tx, open, advance(open.stage, stage), `email ${payload.category}`, { ...(payload.customer_id ? { customer_id: payload.customer_id } : {}), source_email_id: payload.email_id });
    await repo.create(tx, {
      id: nameBasedUuid('sales/pipeline', payload.email_id),
      stage,
      event: `email ${payload.category}`,
      senderDomain: domain,
      sourceEmailId: payload.email_id,
      ...(payload.customer_id ? { customerId: payload.customer_id } : {}),
    });
  });
}

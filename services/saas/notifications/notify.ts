/**
 * The one step every handler of saas/notifications takes: in the event's transaction (with its
 * inbox row), issue the `send.email` command the event warrants through the outbox and record
 * it. The command inherits the event's correlation, tenant and trace context and names the event
 * as its cause; its id is derived from the event and template, so it is the same command however
 * often the event arrives.
 */
import * as client from '../../../generated/clients/saas/notifications.js';
import type { SendEmail } from '../../../generated/types/saas.js';
import type { Delivery, Handler } from '../../../src/runtime/index.js';
import { nameBasedUuid, type ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import type { NotificationsRepository } from './repository.js';

export function notify<D extends Delivery>(kit: ServiceKit<Config>, repo: NotificationsRepository, queue: { readonly queue: string }, decide: (payload: D['payload']) => SendEmail | undefined): Handler<D> {
  return kit.handle<D>(queue, async (delivery, context, tx) => {
    const command = decide(delivery.payload);
    if (!command) return;
    const { messageId, subject, tenantId, type } = delivery.envelope;
    const commandId = nameBasedUuid(messageId, command.template);
    await client.createNotificationsPublisher(kit.publisherIn(tx)).sendEmail(command, { messageId: commandId, subject: subject ?? messageId });
    await repo.record(tx, { commandId, tenantId, eventId: messageId, eventType: type, template: command.template, recipients: command.to.map((r) => r.email) });
    context.log.info({ commandId, template: command.template }, 'send.email issued');
  });
}

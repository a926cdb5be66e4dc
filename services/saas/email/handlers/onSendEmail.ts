/**
 * saas/email onSendEmail: render the template and send it through SMTP, once per command
 * (SendEmail). The send and its record commit with the command's inbox row: a redelivery after
 * the commit is skipped; a send that failed (server down, refused) throws and climbs the retry
 * ladder, then is dead-lettered with the reason.
 */
import * as client from '../../../../generated/clients/saas/email.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { Mailer } from '../mailer.js';
import type { EmailRepository } from '../repository.js';
import { render } from '../templates.js';

export function onSendEmail(kit: ServiceKit<Config>, repo: EmailRepository, mailer: Mailer): client.EmailHandlers['onSendEmail'] {
  return kit.handle(client.emailSendEmailReceive, async (delivery, context, tx) => {
    const command = delivery.payload;
    const { messageId: commandId, tenantId } = delivery.envelope;
    if (await repo.wasSent(tx, commandId)) return;
    const rendered = render(command.template, command.locale, command.variables);
    const sent = await mailer.send({
      commandId,
      ...(tenantId ? { tenantId } : {}),
      template: command.template,
      to: command.to,
      ...(command.cc ? { cc: command.cc } : {}),
      ...(command.replyTo ? { replyTo: command.replyTo } : {}),
      ...rendered,
    });
    await repo.recordSent(tx, {
      commandId,
      tenantId,
      template: command.template,
      locale: command.locale,
      recipients: command.to.map((r) => r.email),
      subject: rendered.subject,
      messageId: sent.messageId,
      smtpResponse: sent.response,
      attempts: delivery.attempt,
    });
    context.log.info({ commandId, template: command.template, smtp: sent.response }, 'email sent');
  });
}

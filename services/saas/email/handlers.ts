/**
 * saas/email's message handlers: the generated EmailHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts.
 */
import type * as client from '../../../generated/clients/saas/email.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onSendEmail } from './handlers/onSendEmail.js';
import type { Mailer } from './mailer.js';
import type { EmailRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: EmailRepository, mailer: Mailer): client.EmailHandlers {
  return {
    onSendEmail: onSendEmail(kit, repo, mailer),
  };
}

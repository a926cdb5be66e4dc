/**
 * saas/email — the email worker: consumes `send.email` commands from its work queue on the
 * direct `tasks.exchange` (scale it by running more of it: the queue shares the work), renders
 * each template (templates.ts) and sends it through SMTP with nodemailer (SMTP_HOST, SMTP_PORT;
 * `npm start` runs a local sink that writes to .eventplane/mail/). Each command is sent once
 * per its ce-id; SMTP errors are retried with the queue's backoff, then dead-lettered.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/saas/email.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { smtpMailer, type Mailer } from './mailer.js';
import { emailRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export function emailService(options: { mailer?: (config: Config) => Mailer } = {}) {
  return defineService<Config>({
    service: client.emailService,
    description: 'The email worker: renders each send.email command and sends it through SMTP (nodemailer), once per command.',
    sends: sendsOf(client),
    env,
    migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
    setup(kit) {
      const repo = emailRepository(kit.db);
      const mailer = (options.mailer ?? smtpMailer)(kit.config);
      kit.onClose(() => mailer.close());
      registerRoutes(kit, repo);
      const received = handlers(kit, repo, mailer);
      return { subscribe: (bus) => client.subscribeEmail(bus, received) };
    },
  });
}

export const email = emailService();

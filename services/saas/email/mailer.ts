/**
 * Sends rendered emails through SMTP with nodemailer (one pooled transport per process). The
 * Message-ID is derived from the `send.email` command's id, so a receiving system can recognise
 * a repeat: SMTP has no idempotency key, and a worker killed after the server's 250 but before
 * its commit sends that one command again on redelivery (at least once).
 */
import nodemailer from 'nodemailer';
import type { Config } from './config.js';
import type { RenderedEmail } from './templates.js';

export interface OutgoingEmail extends RenderedEmail {
  readonly commandId: string;
  readonly tenantId?: string;
  readonly template: string;
  readonly to: readonly { readonly email: string; readonly name?: string }[];
  readonly cc?: readonly { readonly email: string; readonly name?: string }[];
  readonly replyTo?: string;
}

export interface Mailer {
  /** Resolves with the server's reply once it accepted the message; rejects otherwise. */
  send(email: OutgoingEmail): Promise<{ readonly messageId: string; readonly response: string }>;
  close(): void;
}

const address = (r: { email: string; name?: string }) => (r.name ? { name: r.name, address: r.email } : r.email);

/** `<command id@domain of EMAIL_FROM>`: stable across resends of one command. */
export function messageIdOf(commandId: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'eventplane.local';
  return `<${commandId}@${domain}>`;
}

export function smtpMailer(config: Config): Mailer {
  const transport = nodemailer.createTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    pool: true,
    maxConnections: 5,
    connectionTimeout: config.SMTP_TIMEOUT_MS,
    greetingTimeout: config.SMTP_TIMEOUT_MS,
    socketTimeout: config.SMTP_TIMEOUT_MS,
    ...(config.SMTP_USER ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } } : {}),
  });
  return {
    async send(email) {
      const messageId = messageIdOf(email.commandId, config.EMAIL_FROM);
      const info = await transport.sendMail({
        from: config.EMAIL_FROM,
        to: email.to.map(address),
        ...(email.cc?.length ? { cc: email.cc.map(address) } : {}),
        ...(email.replyTo ? { replyTo: email.replyTo } : {}),
        subject: email.subject,
        text: email.text,
        messageId,
        headers: {
          'X-Eventplane-Command-Id': email.commandId,
          'X-Eventplane-Template': email.template,
          ...(email.tenantId ? { 'X-Tenant-Id': email.tenantId } : {}),
        },
      });
      return { messageId, response: String(info.response) };
    },
    close: () => transport.close(),
  };
}

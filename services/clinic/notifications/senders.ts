/**
 * Where notifications go. A sender must treat `notification.id` as an idempotency key: the
 * dispatcher may hand the same notification over twice after a crash (real providers accept
 * such a key; the file sink below honours it itself).
 *
 * Built in: `file` appends JSON lines to a file (a local "mailbox" to read during development),
 * `log` writes one log line per notification without the address or text (personal data).
 * Plug in SMTP or an SMS gateway by implementing NotificationSender.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';

export interface OutgoingNotification {
  readonly id: string;
  readonly channel: 'email' | 'sms';
  readonly to: string;
  readonly subject?: string;
  readonly body: string;
  readonly template: string;
  readonly appointmentId: string;
}

export interface NotificationSender {
  readonly name: string;
  send(notification: OutgoingNotification): Promise<void>;
}

export class JsonlFileSender implements NotificationSender {
  readonly name = 'file';
  private sent: Promise<Set<string>> | undefined;
  /** The file ends in a line torn by a crash: start the next line on a fresh one. */
  private torn = false;

  constructor(private readonly file: string) {}

  async send(notification: OutgoingNotification): Promise<void> {
    const sent = await (this.sent ??= this.load());
    if (sent.has(notification.id)) return;
    const line = `${this.torn ? '\n' : ''}${JSON.stringify({ ...notification, sentAt: new Date().toISOString() })}\n`;
    await appendFile(this.file, line, { mode: 0o600 });
    this.torn = false;
    sent.add(notification.id);
  }

  /** The ids already in the file, so a resend after a crash does not write the line twice. */
  private async load(): Promise<Set<string>> {
    await mkdir(dirname(this.file), { recursive: true });
    const text = await readFile(this.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    this.torn = text !== '' && !text.endsWith('\n');
    const ids = new Set<string>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        ids.add((JSON.parse(line) as { id: string }).id);
      } catch {
        // A line torn by a crash mid-write: its notification was not recorded as sent and will be written again.
      }
    }
    return ids;
  }
}

export class LogSender implements NotificationSender {
  readonly name = 'log';
  constructor(private readonly log: Logger) {}

  async send(notification: OutgoingNotification): Promise<void> {
    this.log.info({ notificationId: notification.id, channel: notification.channel, template: notification.template, appointmentId: notification.appointmentId }, 'notification sent (log sink)');
  }
}

/**
 * Sends the notifications the handlers committed. Rows are leased (FOR UPDATE SKIP LOCKED, then
 * a lease time rather than a transaction held open while sending), so several workers share the
 * table and a crashed worker's rows are picked up when its lease runs out. A failed send is
 * retried with exponential backoff, up to `maxAttempts`, then marked failed.
 */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { DurableStore } from '../../../src/durable/index.js';
import type { NotificationSender, OutgoingNotification } from './senders.js';

export interface DispatcherOptions {
  readonly store: DurableStore;
  readonly table: string;
  readonly sender: NotificationSender;
  readonly log: Logger;
  readonly metrics: Registry;
  readonly pollMs?: number;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  readonly maxAttempts?: number;
}

interface Row {
  id: string;
  appointment_id: string;
  channel: 'email' | 'sms';
  address: string;
  template: string;
  subject: string | null;
  body: string;
  attempts: number;
}

export class NotificationDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly sent: Counter<'channel' | 'template'>;
  private readonly failed: Counter<'channel' | 'template' | 'final'>;

  constructor(private readonly options: DispatcherOptions) {
    this.sent = new Counter({ name: 'clinic_notifications_sent_total', help: 'Notifications handed to the sender.', labelNames: ['channel', 'template'], registers: [options.metrics] });
    this.failed = new Counter({
      name: 'clinic_notifications_failed_total',
      help: 'Failed sends (final="true" once the attempts are used up).',
      labelNames: ['channel', 'template', 'final'],
      registers: [options.metrics],
    });
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.options.pollMs ?? 1_000);
    this.timer.unref();
    this.wake();
  }

  /** Runs a cycle now (or right after the current one): called when a handler committed new rows. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const claimed = await this.cycle();
        if (claimed === (this.options.batchSize ?? 20)) this.again = true;
      } catch (error) {
        this.options.log.warn({ err: error }, 'notification dispatch failed; will try again');
      }
    } while (this.again && !this.stopped);
  }

  /** One batch: lease, send, mark. Returns how many rows it leased. */
  async cycle(): Promise<number> {
    const { store, table, sender } = this.options;
    const leaseMs = this.options.leaseMs ?? 30_000;
    const { rows } = await store.query<Row>(
      `UPDATE ${table} SET lease_until = now() + $2 * interval '1 millisecond', attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM ${table}
         WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
         ORDER BY created_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED)
       RETURNING id, appointment_id, channel, address, template, subject, body, attempts`,
      [this.options.batchSize ?? 20, leaseMs],
    );
    for (const row of rows) {
      if (this.stopped) break;
      const notification: OutgoingNotification = {
        id: row.id,
        channel: row.channel,
        to: row.address,
        ...(row.subject !== null ? { subject: row.subject } : {}),
        body: row.body,
        template: row.template,
        appointmentId: row.appointment_id,
      };
      try {
        await sender.send(notification);
        await store.query(`UPDATE ${table} SET status = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL WHERE id = $1`, [row.id]);
        this.sent.inc({ channel: row.channel, template: row.template });
      } catch (error) {
        const final = row.attempts >= (this.options.maxAttempts ?? 8);
        const delayMs = Math.min(300_000, 1_000 * 2 ** (row.attempts - 1));
        await store.query(
          `UPDATE ${table} SET status = $2, last_error = $3, lease_until = NULL, next_attempt_at = now() + $4 * interval '1 millisecond' WHERE id = $1`,
          [row.id, final ? 'failed' : 'pending', String((error as Error).message).slice(0, 1000), delayMs],
        );
        this.failed.inc({ channel: row.channel, template: row.template, final: String(final) });
        this.options.log.warn({ notificationId: row.id, template: row.template, attempts: row.attempts, final, err: error }, 'notification send failed');
      }
    }
    return rows.length;
  }
}

/** saas/email's persistence: the emails it sent (./migrations/). */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';

export interface SentEmail {
  readonly commandId: string;
  readonly template: string;
  readonly locale: string;
  readonly recipients: readonly string[];
  readonly subject: string;
  readonly messageId: string;
  readonly smtpResponse: string;
  readonly attempts: number;
  readonly sentAt: string;
}

interface Row {
  command_id: string;
  template: string;
  locale: string;
  recipients: string[];
  subject: string;
  message_id: string;
  smtp_response: string;
  attempts: number;
  sent_at: Date | string;
}

export type EmailRepository = ReturnType<typeof emailRepository>;

export function emailRepository(db: ServiceDatabase) {
  const table = db.table('sent_emails');
  return {
    async wasSent(sql: Sql, commandId: string): Promise<boolean> {
      const { rows } = await sql.query(`SELECT 1 FROM ${table} WHERE command_id = $1`, [commandId]);
      return rows.length > 0;
    },

    async recordSent(tx: Transaction, sent: Omit<SentEmail, 'sentAt'> & { tenantId: string | undefined }): Promise<void> {
      await tx.query(
        `INSERT INTO ${table} (command_id, tenant_id, template, locale, recipients, subject, message_id, smtp_response, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (command_id) DO NOTHING`,
        [sent.commandId, sent.tenantId ?? null, sent.template, sent.locale, sent.recipients, sent.subject, sent.messageId, sent.smtpResponse.slice(0, 500), sent.attempts],
      );
    },

    async ofTenant(sql: Sql, tenantId: string, limit: number): Promise<SentEmail[]> {
      const { rows } = await sql.query<Row>(
        `SELECT command_id, template, locale, recipients, subject, message_id, smtp_response, attempts, sent_at FROM ${table} WHERE tenant_id = $1 ORDER BY sent_at DESC LIMIT $2`,
        [tenantId, limit],
      );
      return rows.map((r) => ({
        commandId: r.command_id,
        template: r.template,
        locale: r.locale,
        recipients: r.recipients,
        subject: r.subject,
        messageId: r.message_id,
        smtpResponse: r.smtp_response,
        attempts: r.attempts,
        sentAt: new Date(r.sent_at).toISOString(),
      }));
    },
  };
}

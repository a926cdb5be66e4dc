/** sales/email's persistence: the classified emails (./migrations/). */
import type { Classification } from '../../../generated/types/sales.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { Classified } from './classifier.js';
import type { IncomingEmail } from './domain.js';

export interface EmailRow {
  id: string;
  message_id: string | null;
  mailbox: string;
  from_address: string;
  from_name: string | null;
  subject: string;
  customer_id: string | null;
  received_at: Date | string;
  category: string;
  classifications: Classification[];
  priority_score: number;
  priority_band: string;
  language: string;
  model_version: string;
}

export type EmailRepository = ReturnType<typeof emailRepository>;

export function emailRepository(db: ServiceDatabase) {
  const emails = db.table('emails');
  return {
    async byMessageId(sql: Sql, messageId: string): Promise<EmailRow | undefined> {
      const { rows } = await sql.query<EmailRow>(`SELECT * FROM ${emails} WHERE message_id = $1`, [messageId]);
      return rows[0];
    },

    async byId(sql: Sql, id: string): Promise<EmailRow | undefined> {
      const { rows } = await sql.query<EmailRow>(`SELECT * FROM ${emails} WHERE id = $1`, [id]);
      return rows[0];
    },

    async insert(tx: Transaction, email: IncomingEmail & { messageId?: string; body: string }, result: Classified, modelVersion: string): Promise<void> {
      await tx.query(
        `INSERT INTO ${emails} (id, message_id, mailbox, from_address, from_name, subject, body, customer_id, received_at, category, classifications, priority_score, priority_band, language, model_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15)`,
        [
          email.emailId,
          email.messageId ?? null,
          email.mailbox,
          email.fromAddress,
          email.fromName ?? null,
          email.subject,
          email.body,
          email.customerId ?? null,
          email.receivedAt,
          result.classifications[0]!.category,
          JSON.stringify(result.classifications),
          result.priority.score,
          result.priority.band,
          result.language,
          modelVersion,
        ],
      );
    },

    async recent(sql: Sql, limit: number): Promise<EmailRow[]> {
      const { rows } = await sql.query<EmailRow>(`SELECT * FROM ${emails} ORDER BY received_at DESC, created_at DESC LIMIT $1`, [limit]);
      return rows;
    },
  };
}

/** sales/notification's persistence: the notifications (./migrations/). */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { Draft } from './domain.js';

export interface NotificationRow {
  id: string;
  event_type: string;
  recipient: string;
  about: string;
  subject: string;
  text: string;
  created_at: Date | string;
}

export type NotificationRepository = ReturnType<typeof notificationRepository>;

export function notificationRepository(db: ServiceDatabase) {
  const notifications = db.table('notifications');
  return {
    async add(tx: Transaction, id: string, eventId: string, eventType: string, draft: Draft): Promise<void> {
      await tx.query(
        `INSERT INTO ${notifications} (id, event_id, event_type, recipient, about, subject, text) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [id, eventId, eventType, draft.recipient, draft.about, draft.subject, draft.text],
      );
    },

    async list(sql: Sql, about: string | undefined, limit: number): Promise<NotificationRow[]> {
      const { rows } = await sql.query<NotificationRow>(
        `SELECT id, event_type, recipient, about, subject, text, created_at FROM ${notifications} WHERE ($1::uuid IS NULL OR about = $1) ORDER BY created_at DESC, recipient LIMIT $2`,
        [about ?? null, limit],
      );
      return rows;
    },
  };
}

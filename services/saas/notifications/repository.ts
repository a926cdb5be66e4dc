/** saas/notifications' persistence: the send.email commands it issued (./migrations/). */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';

export interface IssuedCommand {
  readonly commandId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly template: string;
  readonly recipients: readonly string[];
  readonly createdAt: string;
}

export type NotificationsRepository = ReturnType<typeof notificationsRepository>;

export function notificationsRepository(db: ServiceDatabase) {
  const table = db.table('sent_commands');
  return {
    async record(tx: Transaction, command: Omit<IssuedCommand, 'createdAt'> & { tenantId: string | undefined }): Promise<void> {
      await tx.query(
        `INSERT INTO ${table} (command_id, tenant_id, event_id, event_type, template, recipients) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (command_id) DO NOTHING`,
        [command.commandId, command.tenantId ?? null, command.eventId, command.eventType, command.template, command.recipients],
      );
    },

    async ofTenant(sql: Sql, tenantId: string, limit: number): Promise<IssuedCommand[]> {
      const { rows } = await sql.query<{ command_id: string; event_id: string; event_type: string; template: string; recipients: string[]; created_at: Date | string }>(
        `SELECT command_id, event_id, event_type, template, recipients, created_at FROM ${table} WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT $2`,
        [tenantId, limit],
      );
      return rows.map((r) => ({ commandId: r.command_id, eventId: r.event_id, eventType: r.event_type, template: r.template, recipients: r.recipients, createdAt: new Date(r.created_at).toISOString() }));
    },
  };
}

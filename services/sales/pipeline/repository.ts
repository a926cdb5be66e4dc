/** sales/pipeline's persistence: opportunities (./migrations/). */
import type { Money } from '../../../generated/types/sales.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { Stage } from './domain.js';

export interface OpportunityRow {
  id: string;
  customer_id: string | null;
  sender_domain: string | null;
  stage: Stage;
  source_email_id: string | null;
  quote_id: string | null;
  quote_number: string | null;
  amount: Money | null;
  po_number: string | null;
  history: Array<{ stage: Stage; event: string; at: string }>;
}

export type Finder = { column: 'id' | 'quote_id' | 'source_email_id'; value: string } | { column: 'customer_id' | 'sender_domain'; value: string; openOnly: true };

export type PipelineRepository = ReturnType<typeof pipelineRepository>;

export function pipelineRepository(db: ServiceDatabase) {
  const opportunities = db.table('opportunities');
  return {
    /** The first opportunity matching, locked for update (the newest when several match). */
    async find(tx: Transaction, by: Finder): Promise<OpportunityRow | undefined> {
      const open = 'openOnly' in by ? ` AND stage <> 'won'` : '';
      const { rows } = await tx.query<OpportunityRow>(`SELECT * FROM ${opportunities} WHERE ${by.column} = $1${open} ORDER BY created_at DESC LIMIT 1 FOR UPDATE`, [by.value]);
      return rows[0];
    },

    async create(tx: Transaction, o: { id: string; stage: Stage; event: string; customerId?: string; senderDomain?: string; sourceEmailId?: string }): Promise<void> {
      await tx.query(
        `INSERT INTO ${opportunities} (id, customer_id, sender_domain, stage, source_email_id, history) VALUES ($1, $2, $3, $4, $5, jsonb_build_array(jsonb_build_object('stage', $4::text, 'event', $6::text, 'at', now())))
         ON CONFLICT (id) DO NOTHING`,
        [o.id, o.customerId ?? null, o.senderDomain ?? null, o.stage, o.sourceEmailId ?? null, o.event],
      );
    },

    /** Sets the stage (recording the move when it changed) and any of the other fields given. */
    async update(
      tx: Transaction,
      row: OpportunityRow,
      stage: Stage,
      event: string,
      fields: { customer_id?: string; quote_id?: string; quote_number?: string; amount?: Money; po_number?: string; source_email_id?: string },
    ): Promise<void> {
      const moved = stage !== row.stage;
      await tx.query(
        `UPDATE ${opportunities} SET stage = $2,
           history = CASE WHEN $3 THEN history || jsonb_build_array(jsonb_build_object('stage', $2::text, 'event', $4::text, 'at', now())) ELSE history END,
           customer_id = COALESCE($5, customer_id), quote_id = COALESCE($6, quote_id), quote_number = COALESCE($7, quote_number),
           amount = COALESCE($8::jsonb, amount), po_number = COALESCE($9, po_number), source_email_id = COALESCE(source_email_id, $10), updated_at = now()
         WHERE id = $1`,
        [
          row.id,
          stage,
          moved,
          event,
          fields.customer_id ?? null,
          fields.quote_id ?? null,
          fields.quote_number ?? null,
          fields.amount ? JSON.stringify(fields.amount) : null,
          fields.po_number ?? null,
          fields.source_email_id ?? null,
        ],
      );
    },

    async byId(sql: Sql, id: string): Promise<OpportunityRow | undefined> {
      const { rows } = await sql.query<OpportunityRow>(`SELECT * FROM ${opportunities} WHERE id = $1`, [id]);
      return rows[0];
    },

    async list(sql: Sql, filter: { customer_id?: string; quote_id?: string; source_email_id?: string; stage?: string }, limit: number): Promise<OpportunityRow[]> {
      const { rows } = await sql.query<OpportunityRow>(
        `SELECT * FROM ${opportunities} WHERE ($1::uuid IS NULL OR customer_id = $1) AND ($2::uuid IS NULL OR quote_id = $2) AND ($3::uuid IS NULL OR source_email_id = $3) AND ($4::text IS NULL OR stage = $4)
         ORDER BY updated_at DESC LIMIT $5`,
        [filter.customer_id ?? null, filter.quote_id ?? null, filter.source_email_id ?? null, filter.stage ?? null, limit],
      );
      return rows;
    },
  };
}

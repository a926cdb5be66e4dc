/** sales/approval's persistence: the approval tasks (./migrations/). */
import type { Money, QuoteApprovalRequested, SalesUser } from '../../../generated/types/sales.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';

export interface ApprovalRow {
  id: string;
  quote_id: string;
  quote_number: string;
  customer_id: string;
  total: Money;
  max_discount_percent: string | number | null;
  reasons: string[];
  required_level: 'manager' | 'director' | 'vp' | 'cfo';
  requested_by: SalesUser;
  status: 'pending' | 'granted' | 'rejected';
  decided_by: SalesUser | null;
  decided_level: string | null;
  comment: string | null;
  conditions: string[] | null;
  reason: string | null;
  created_at: Date | string;
  decided_at: Date | string | null;
}

export type ApprovalRepository = ReturnType<typeof approvalRepository>;

export function approvalRepository(db: ServiceDatabase) {
  const approvals = db.table('approvals');
  return {
    /** Opens the task; a second request for the same quote changes nothing. */
    async open(tx: Transaction, id: string, r: QuoteApprovalRequested): Promise<void> {
      await tx.query(
        `INSERT INTO ${approvals} (id, quote_id, quote_number, customer_id, total, max_discount_percent, reasons, required_level, requested_by)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9::jsonb) ON CONFLICT (quote_id) DO NOTHING`,
        [id, r.quote_id, r.quote_number, r.customer_id, JSON.stringify(r.total), r.max_discount_percent ?? null, JSON.stringify(r.reasons), r.required_level, JSON.stringify(r.requested_by)],
      );
    },

    async byId(sql: Sql, id: string, lock = false): Promise<ApprovalRow | undefined> {
      const { rows } = await sql.query<ApprovalRow>(`SELECT * FROM ${approvals} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
      return rows[0];
    },

    async list(sql: Sql, filter: { status?: string; quoteId?: string }, limit: number): Promise<ApprovalRow[]> {
      const { rows } = await sql.query<ApprovalRow>(
        `SELECT * FROM ${approvals} WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR quote_id = $2) ORDER BY created_at LIMIT $3`,
        [filter.status ?? null, filter.quoteId ?? null, limit],
      );
      return rows;
    },

    async decide(
      tx: Transaction,
      id: string,
      d: { status: 'granted' | 'rejected'; by: SalesUser; level: string; comment?: string; conditions?: readonly string[]; reason?: string },
    ): Promise<void> {
      await tx.query(
        `UPDATE ${approvals} SET status = $2, decided_by = $3::jsonb, decided_level = $4, comment = $5, conditions = $6::jsonb, reason = $7, decided_at = now() WHERE id = $1`,
        [id, d.status, JSON.stringify(d.by), d.level, d.comment ?? null, d.conditions ? JSON.stringify(d.conditions) : null, d.reason ?? null],
      );
    },
  };
}

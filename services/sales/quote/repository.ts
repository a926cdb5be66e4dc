/** sales/quote's persistence: quotes and their number sequence (./migrations/). */
import type { Money, QuoteLine, SalesUser, Shortfall } from '../../../generated/types/sales.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { Totals } from './domain.js';

export interface QuoteRow {
  id: string;
  quote_number: string;
  customer_id: string;
  opportunity_id: string | null;
  source_email_id: string | null;
  lines: QuoteLine[];
  subtotal: Money;
  discount_total: Money;
  total: Money;
  max_discount_percent: string | number;
  valid_until: Date | string;
  created_by: SalesUser;
  status: 'approved' | 'pending_approval' | 'rejected';
  required_level: string | null;
  decision: Record<string, unknown> | null;
  stock_status: 'pending' | 'reserved' | 'short';
  reservation_id: string | null;
  reservation_expires_at: Date | string | null;
  shortfall: Shortfall[] | null;
}

export interface NewQuote {
  readonly id: string;
  readonly quoteNumber: string;
  readonly customerId: string;
  readonly opportunityId?: string;
  readonly sourceEmailId?: string;
  readonly totals: Totals;
  readonly validUntil: string;
  readonly createdBy: SalesUser;
  readonly status: 'approved' | 'pending_approval';
  readonly requiredLevel?: string;
}

export type QuoteRepository = ReturnType<typeof quoteRepository>;

export function quoteRepository(db: ServiceDatabase) {
  const quotes = db.table('quotes');
  const numbers = db.table('quote_numbers');
  return {
    async nextNumber(tx: Transaction, year: number): Promise<number> {
      const { rows } = await tx.query<{ last: number }>(
        `INSERT INTO ${numbers} (year, last) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE SET last = ${numbers}.last + 1 RETURNING last`,
        [year],
      );
      return rows[0]!.last;
    },

    async insert(tx: Transaction, q: NewQuote): Promise<void> {
      const t = q.totals;
      await tx.query(
        `INSERT INTO ${quotes} (id, quote_number, customer_id, opportunity_id, source_email_id, lines, subtotal, discount_total, total, max_discount_percent, valid_until, created_by, status, required_level)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10, $11, $12::jsonb, $13, $14)`,
        [
          q.id,
          q.quoteNumber,
          q.customerId,
          q.opportunityId ?? null,
          q.sourceEmailId ?? null,
          JSON.stringify(t.lines),
          JSON.stringify(t.subtotal),
          JSON.stringify(t.discount_total),
          JSON.stringify(t.total),
          t.max_discount_percent,
          q.validUntil,
          JSON.stringify(q.createdBy),
          q.status,
          q.requiredLevel ?? null,
        ],
      );
    },

    async byId(sql: Sql, id: string, lock = false): Promise<QuoteRow | undefined> {
      const { rows } = await sql.query<QuoteRow>(`SELECT * FROM ${quotes} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
      return rows[0];
    },

    async list(sql: Sql, filter: { customerId?: string; status?: string }, limit: number): Promise<QuoteRow[]> {
      const { rows } = await sql.query<QuoteRow>(
        `SELECT * FROM ${quotes} WHERE ($1::uuid IS NULL OR customer_id = $1) AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC LIMIT $3`,
        [filter.customerId ?? null, filter.status ?? null, limit],
      );
      return rows;
    },

    async decide(tx: Transaction, id: string, status: 'approved' | 'rejected', decision: Record<string, unknown>): Promise<void> {
      await tx.query(`UPDATE ${quotes} SET status = $2, decision = $3::jsonb, updated_at = now() WHERE id = $1`, [id, status, JSON.stringify(decision)]);
    },

    async stockReserved(tx: Transaction, id: string, reservationId: string, expiresAt: string): Promise<void> {
      await tx.query(`UPDATE ${quotes} SET stock_status = 'reserved', reservation_id = $2, reservation_expires_at = $3, shortfall = NULL, updated_at = now() WHERE id = $1`, [
        id,
        reservationId,
        expiresAt,
      ]);
    },

    async stockShort(tx: Transaction, id: string, shortfall: readonly Shortfall[]): Promise<void> {
      await tx.query(`UPDATE ${quotes} SET stock_status = 'short', shortfall = $2::jsonb, updated_at = now() WHERE id = $1`, [id, JSON.stringify(shortfall)]);
    },
  };
}

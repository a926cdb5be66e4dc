/** sales/po's persistence: purchase orders, approval decisions, the PO number sequence (./migrations/). */
import type { Money, PurchaseOrderCreated, QuoteLine } from '../../../generated/types/sales.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';

export interface PoRow {
  id: string;
  po_number: string;
  customer_po_reference: string | null;
  quote_id: string;
  quote_number: string;
  customer_id: string;
  lines: QuoteLine[];
  total: Money;
  payment_terms: PurchaseOrderCreated['payment_terms'];
  requested_delivery_date: Date | string | null;
  status: 'held' | 'created' | 'cancelled';
  cancel_reason: string | null;
}

export type PoRepository = ReturnType<typeof poRepository>;

export function poRepository(db: ServiceDatabase) {
  const orders = db.table('purchase_orders');
  const decisions = db.table('quote_decisions');
  const numbers = db.table('po_numbers');
  return {
    /** Serialises everything about one quote (PO entry against decisions arriving). */
    async lockQuote(tx: Transaction, quoteId: string): Promise<void> {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('sales.po.quote'), hashtext($1))`, [quoteId]);
    },

    async nextNumber(tx: Transaction, year: number): Promise<number> {
      const { rows } = await tx.query<{ last: number }>(`INSERT INTO ${numbers} (year, last) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE SET last = ${numbers}.last + 1 RETURNING last`, [year]);
      return rows[0]!.last;
    },

    async decisionOf(sql: Sql, quoteId: string): Promise<{ decision: 'granted' | 'rejected'; reason: string | null } | undefined> {
      const { rows } = await sql.query<{ decision: 'granted' | 'rejected'; reason: string | null }>(`SELECT decision, reason FROM ${decisions} WHERE quote_id = $1`, [quoteId]);
      return rows[0];
    },

    async recordDecision(tx: Transaction, quoteId: string, decision: 'granted' | 'rejected', reason?: string): Promise<void> {
      await tx.query(`INSERT INTO ${decisions} (quote_id, decision, reason) VALUES ($1, $2, $3) ON CONFLICT (quote_id) DO NOTHING`, [quoteId, decision, reason ?? null]);
    },

    async insert(tx: Transaction, po: Omit<PoRow, 'cancel_reason'>): Promise<void> {
      await tx.query(
        `INSERT INTO ${orders} (id, po_number, customer_po_reference, quote_id, quote_number, customer_id, lines, total, payment_terms, requested_delivery_date, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11)`,
        [po.id, po.po_number, po.customer_po_reference, po.quote_id, po.quote_number, po.customer_id, JSON.stringify(po.lines), JSON.stringify(po.total), po.payment_terms, po.requested_delivery_date, po.status],
      );
    },

    async byId(sql: Sql, id: string): Promise<PoRow | undefined> {
      const { rows } = await sql.query<PoRow>(`SELECT * FROM ${orders} WHERE id = $1`, [id]);
      return rows[0];
    },

    async ofQuote(sql: Sql, quoteId: string, status?: PoRow['status']): Promise<PoRow[]> {
      const { rows } = await sql.query<PoRow>(`SELECT * FROM ${orders} WHERE quote_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at`, [quoteId, status ?? null]);
      return rows;
    },

    async setStatus(tx: Transaction, id: string, status: 'created' | 'cancelled', reason?: string): Promise<void> {
      await tx.query(`UPDATE ${orders} SET status = $2, cancel_reason = $3, updated_at = now() WHERE id = $1`, [id, status, reason ?? null]);
    },
  };
}

/** sales/customer's persistence: customers, timelines and leads (./migrations/). */
import type { EmailClassifiedV2 } from '../../../generated/types/sales.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';

export interface CustomerRow {
  id: string;
  name: string;
  domain: string;
}

export interface TimelineRow {
  email_id: string;
  subject: string;
  category: string;
  priority: number;
  band: string;
  language: string;
  received_at: Date | string;
}

export interface LeadRow {
  domain: string;
  address: string;
  display_name: string | null;
  first_email_id: string;
  last_email_id: string;
  emails: number;
  top_category: string;
  best_priority: number;
}

export type CustomerRepository = ReturnType<typeof customerRepository>;

export function customerRepository(db: ServiceDatabase) {
  const customers = db.table('customers');
  const timeline = db.table('timeline');
  const leads = db.table('leads');
  return {
    async create(tx: Transaction, c: CustomerRow): Promise<boolean> {
      const { rows } = await tx.query(`INSERT INTO ${customers} (id, name, domain) VALUES ($1, $2, $3) ON CONFLICT (domain) DO NOTHING RETURNING id`, [c.id, c.name, c.domain]);
      return rows.length === 1;
    },

    async byId(sql: Sql, id: string): Promise<CustomerRow | undefined> {
      const { rows } = await sql.query<CustomerRow>(`SELECT id, name, domain FROM ${customers} WHERE id = $1`, [id]);
      return rows[0];
    },

    async byDomain(sql: Sql, domain: string): Promise<CustomerRow | undefined> {
      const { rows } = await sql.query<CustomerRow>(`SELECT id, name, domain FROM ${customers} WHERE domain = $1`, [domain]);
      return rows[0];
    },

    async attach(tx: Transaction, customerId: string, e: EmailClassifiedV2): Promise<void> {
      await tx.query(
        `INSERT INTO ${timeline} (email_id, customer_id, subject, category, priority, band, language, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (email_id) DO NOTHING`,
        [e.email_id, customerId, e.subject, e.classifications[0]!.category, e.priority.score, e.priority.band, e.language, e.received_at],
      );
    },

    async timelineOf(sql: Sql, customerId: string, limit: number): Promise<TimelineRow[]> {
      const { rows } = await sql.query<TimelineRow>(`SELECT * FROM ${timeline} WHERE customer_id = $1 ORDER BY received_at DESC LIMIT $2`, [customerId, limit]);
      return rows;
    },

    /** Opens the lead of an unknown sender's domain, or counts one more email on it. */
    async noteLead(tx: Transaction, e: EmailClassifiedV2): Promise<void> {
      await tx.query(
        `INSERT INTO ${leads} (domain, address, display_name, first_email_id, last_email_id, top_category, best_priority) VALUES ($1, $2, $3, $4, $4, $5, $6)
         ON CONFLICT (domain) DO UPDATE SET last_email_id = EXCLUDED.last_email_id, emails = ${leads}.emails + 1, top_category = EXCLUDED.top_category,
           best_priority = GREATEST(${leads}.best_priority, EXCLUDED.best_priority), display_name = COALESCE(EXCLUDED.display_name, ${leads}.display_name), updated_at = now()`,
        [e.sender.domain, e.sender.address, e.sender.display_name ?? null, e.email_id, e.classifications[0]!.category, e.priority.score],
      );
    },

    async leadsList(sql: Sql, domain: string | undefined, limit: number): Promise<LeadRow[]> {
      const { rows } = await sql.query<LeadRow>(`SELECT * FROM ${leads} WHERE ($1::text IS NULL OR domain = $1) ORDER BY best_priority DESC, updated_at DESC LIMIT $2`, [domain ?? null, limit]);
      return rows;
    },

    /** A lead whose domain became a customer is no lead any more. */
    async dropLead(tx: Transaction, domain: string): Promise<void> {
      await tx.query(`DELETE FROM ${leads} WHERE domain = $1`, [domain]);
    },
  };
}

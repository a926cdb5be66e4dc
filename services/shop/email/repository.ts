/** shop/email's persistence: the emails it rendered (or skipped, with the reason). */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { Rendered } from './templates.js';

export type EmailRepository = ReturnType<typeof emailRepository>;

export interface EmailRecord {
  readonly eventId: string;
  readonly template: string;
  readonly status: 'sent' | 'skipped';
  readonly to?: string;
  readonly subject?: string;
  readonly body?: string;
  readonly skipReason?: string;
  readonly orderId?: number;
  readonly checkoutId?: string;
  readonly cartId?: string;
  readonly createdAt: string;
}

interface Row {
  event_id: string;
  template: string;
  status: 'sent' | 'skipped';
  recipient: string | null;
  subject: string | null;
  body: string | null;
  skip_reason: string | null;
  order_id: string | number | null;
  checkout_id: string | null;
  cart_id: string | null;
  created_at: Date | string;
}

const toRecord = (r: Row): EmailRecord => ({
  eventId: r.event_id,
  template: r.template,
  status: r.status,
  ...(r.recipient !== null ? { to: r.recipient } : {}),
  ...(r.subject !== null ? { subject: r.subject } : {}),
  ...(r.body !== null ? { body: r.body } : {}),
  ...(r.skip_reason !== null ? { skipReason: r.skip_reason } : {}),
  ...(r.order_id !== null ? { orderId: Number(r.order_id) } : {}),
  ...(r.checkout_id !== null ? { checkoutId: r.checkout_id } : {}),
  ...(r.cart_id !== null ? { cartId: r.cart_id } : {}),
  createdAt: new Date(r.created_at).toISOString(),
});

export interface EmailFilter {
  readonly to?: string | undefined;
  readonly orderId?: number | undefined;
  readonly checkoutId?: string | undefined;
  readonly cartId?: string | undefined;
  readonly limit: number;
}

export function emailRepository(db: ServiceDatabase) {
  const emails = db.table('emails');
  return {
    /** Records the email of an event (sent or skipped) once: the event id is the idempotency key. */
    async record(tx: Transaction, eventId: string, email: Rendered): Promise<void> {
      await tx.query(
        `INSERT INTO ${emails} (event_id, template, status, recipient, subject, body, skip_reason, order_id, checkout_id, cart_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id) DO NOTHING`,
        [
          eventId,
          email.template,
          email.status,
          email.status === 'sent' ? email.to : null,
          email.status === 'sent' ? email.subject : null,
          email.status === 'sent' ? email.body : null,
          email.status === 'skipped' ? email.reason : null,
          email.orderId ?? null,
          email.checkoutId ?? null,
          email.cartId ?? null,
        ],
      );
    },

    /** The address an earlier email of the same order or checkout went to (for the refund confirmation). */
    async addressOf(sql: Sql, orderId: number | undefined, checkoutId: string | undefined): Promise<string | undefined> {
      const { rows } = await sql.query<{ recipient: string }>(
        `SELECT recipient FROM ${emails} WHERE recipient IS NOT NULL AND (order_id = $1 OR checkout_id = $2) ORDER BY created_at LIMIT 1`,
        [orderId ?? null, checkoutId ?? null],
      );
      return rows[0]?.recipient;
    },

    async find(sql: Sql, filter: EmailFilter): Promise<EmailRecord[]> {
      const { rows } = await sql.query<Row>(
        `SELECT * FROM ${emails}
         WHERE ($1::text IS NULL OR recipient = $1) AND ($2::bigint IS NULL OR order_id = $2) AND ($3::uuid IS NULL OR checkout_id = $3) AND ($4::uuid IS NULL OR cart_id = $4)
         ORDER BY created_at DESC, event_id LIMIT $5`,
        [filter.to ?? null, filter.orderId ?? null, filter.checkoutId ?? null, filter.cartId ?? null, filter.limit],
      );
      return rows.map(toRecord);
    },
  };
}

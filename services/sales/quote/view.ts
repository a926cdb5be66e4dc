/** A quote as the API shows it. */
import type { QuoteRow } from './repository.js';

const day = (value: Date | string) => (typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10));

export const toQuote = (row: QuoteRow) => ({
  quote_id: row.id,
  quote_number: row.quote_number,
  customer_id: row.customer_id,
  ...(row.opportunity_id ? { opportunity_id: row.opportunity_id } : {}),
  ...(row.source_email_id ? { source_email_id: row.source_email_id } : {}),
  lines: row.lines,
  subtotal: row.subtotal,
  discount_total: row.discount_total,
  total: row.total,
  max_discount_percent: Number(row.max_discount_percent),
  valid_until: day(row.valid_until),
  created_by: row.created_by,
  status: row.status,
  ...(row.required_level ? { required_level: row.required_level } : {}),
  ...(row.decision ? { decision: row.decision } : {}),
  stock: {
    status: row.stock_status,
    ...(row.reservation_id ? { reservation_id: row.reservation_id } : {}),
    ...(row.reservation_expires_at ? { expires_at: new Date(row.reservation_expires_at).toISOString() } : {}),
    ...(row.shortfall ? { shortfall: row.shortfall } : {}),
  },
});

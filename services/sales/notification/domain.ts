/**
 * sales/notification's rules, pure: who hears of each event and what they are told. An email
 * reaches its account owner only when urgent (v1 priority 8 or more); the rest always notify.
 */
import type * as T from '../../../generated/types/sales.js';

export type SalesEvent =
  | { name: 'EmailClassified'; payload: T.EmailClassified }
  | { name: 'QuoteCreated'; payload: T.QuoteCreated }
  | { name: 'QuoteApprovalRequested'; payload: T.QuoteApprovalRequested }
  | { name: 'ApprovalGranted'; payload: T.ApprovalGranted }
  | { name: 'ApprovalRejected'; payload: T.ApprovalRejected }
  | { name: 'StockReservationFailed'; payload: T.StockReservationFailed }
  | { name: 'PurchaseOrderCreated'; payload: T.PurchaseOrderCreated };

export interface Draft {
  /** A person (their address) or a team's role address. */
  readonly recipient: string;
  /** The aggregate the notification is about (email, quote), for finding it again. */
  readonly about: string;
  readonly subject: string;
  readonly text: string;
}

export const URGENT_EMAIL_PRIORITY = 8;

const money = (m: T.Money) => `${m.amount} ${m.currency}`;

export function drafts(event: SalesEvent): Draft[] {
  switch (event.name) {
    case 'EmailClassified': {
      const e = event.payload;
      if (e.priority_score < URGENT_EMAIL_PRIORITY) return [];
      const owner = e.customer_id ? `account-owner:${e.customer_id}` : 'role:sales-inbox';
      return [{ recipient: owner, about: e.email_id, subject: `Urgent ${e.category.toLowerCase()} from ${e.from_address}`, text: `"${e.subject}" (priority ${e.priority_score}/10) reached ${e.mailbox}.` }];
    }
    case 'QuoteCreated': {
      const q = event.payload;
      return [{ recipient: `account-team:${q.customer_id}`, about: q.quote_id, subject: `Quote ${q.quote_number} issued`, text: `${q.created_by.name} quoted ${money(q.total)}, valid until ${q.valid_until}${q.requires_approval ? ', pending approval' : ''}.` }];
    }
    case 'QuoteApprovalRequested': {
      const r = event.payload;
      return [{ recipient: `role:${r.required_level}`, about: r.quote_id, subject: `Approve quote ${r.quote_number}?`, text: `${r.requested_by.name} asks a ${r.required_level} to approve ${money(r.total)} (${r.reasons.join(', ')}).` }];
    }
    case 'ApprovalGranted': {
      const a = event.payload;
      return [{ recipient: 'role:quote-author', about: a.quote_id, subject: `Quote ${a.quote_number} approved`, text: `${a.approved_by.name} (${a.level}) approved it${a.conditions?.length ? ` on conditions: ${a.conditions.join('; ')}` : ''}.` }];
    }
    case 'ApprovalRejected': {
      const a = event.payload;
      return [{ recipient: 'role:quote-author', about: a.quote_id, subject: `Quote ${a.quote_number} rejected`, text: `${a.rejected_by.name} (${a.level}): ${a.reason}` }];
    }
    case 'StockReservationFailed': {
      const f = event.payload;
      const short = f.shortfall.map((s) => `${s.sku} ${s.available}/${s.requested}`).join(', ');
      return [{ recipient: 'role:account-team', about: f.quote_id, subject: 'Stock short for a quote', text: `${f.reason}: ${short}${f.next_availability ? `; expected ${f.next_availability}` : ''}.` }];
    }
    case 'PurchaseOrderCreated': {
      const p = event.payload;
      const text = `PO ${p.po_number} for quote ${p.quote_number}: ${money(p.total)}, ${p.payment_terms}${p.requested_delivery_date ? `, delivery by ${p.requested_delivery_date}` : ''}.`;
      return ['role:finance', 'role:fulfilment', `account-team:${p.customer_id}`].map((recipient) => ({ recipient, about: p.quote_id, subject: `PO ${p.po_number} received`, text }));
    }
  }
}


/** sales/po's steps shared by its routes and handlers: a PO as the API shows it and as the event carries it, and releasing it. */
import * as client from '../../../generated/clients/sales/po.js';
import type { PurchaseOrderCreated } from '../../../generated/types/sales.js';
import type { Transaction } from '../../../src/durable/index.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import type { PoRepository, PoRow } from './repository.js';

/** PO-2026-000042 from the year and the yearly sequence number. */
export const poNumber = (year: number, sequence: number): string => `PO-${year}-${String(sequence).padStart(6, '0')}`;

const day = (value: Date | string) => (typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10));

export function toEvent(row: PoRow): PurchaseOrderCreated {
  return {
    po_id: row.id,
    po_number: row.po_number,
    ...(row.customer_po_reference ? { customer_po_reference: row.customer_po_reference } : {}),
    quote_id: row.quote_id,
    quote_number: row.quote_number,
    customer_id: row.customer_id,
    lines: row.lines,
    total: row.total,
    payment_terms: row.payment_terms,
    ...(row.requested_delivery_date ? { requested_delivery_date: day(row.requested_delivery_date) } : {}),
  };
}

export const toView = (row: PoRow) => ({ ...toEvent(row), status: row.status, ...(row.cancel_reason ? { cancel_reason: row.cancel_reason } : {}) });

/** Marks the PO created and publishes PurchaseOrderCreated, in `tx`. */
export async function release(kit: ServiceKit<Config>, repo: PoRepository, tx: Transaction, row: PoRow): Promise<void> {
  await repo.setStatus(tx, row.id, 'created');
  await client.createPoPublisher(kit.publisherIn(tx)).publishPurchaseOrderCreated(toEvent(row), { subject: row.quote_id, correlationId: row.quote_id });
}

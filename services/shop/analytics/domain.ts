/**
 * shop/analytics' rules (pure): the dashboard's derived figures — rates with no denominator are
 * null (not 0), money stays exact (decimal strings, ../_shared/money.ts) and a net revenue may be
 * negative (more refunded than paid in the period).
 */
import { fromUnits, toUnits } from '../_shared/money.js';

/** A share rounded to 4 decimals; null when there is nothing to divide by. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

export interface RevenueRow {
  readonly currency: string;
  readonly paid: string;
  readonly refunded: string;
  readonly orders: number;
  readonly refunds: number;
}

export interface Revenue extends RevenueRow {
  /** paid − refunded, signed. */
  readonly net: string;
}

/** A numeric from the database ("104.9900", "0") in the contracts' spelling ("104.99", "0.00"). */
export function decimal(value: string | number): string {
  return fromUnits(toUnits(String(value).replace(/(\.\d{4})\d+$/, '$1')));
}

export function revenueOf(row: RevenueRow): Revenue {
  const units = toUnits(decimal(row.paid)) - toUnits(decimal(row.refunded));
  return { ...row, paid: decimal(row.paid), refunded: decimal(row.refunded), net: units < 0n ? `-${fromUnits(-units)}` : fromUnits(units) };
}

export interface FunnelCounts {
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  readonly meanDurationMs: number | null;
}

export function funnelOf(counts: FunnelCounts) {
  return {
    ...counts,
    meanDurationMs: counts.meanDurationMs === null ? null : Math.round(counts.meanDurationMs),
    inProgress: Math.max(0, counts.started - counts.completed - counts.failed),
    conversionRate: rate(counts.completed, counts.started),
  };
}

export interface StockCounts {
  readonly reserved: number;
  readonly released: number;
  readonly confirmed: number;
}

/** Reservations that became sales, among those settled either way. */
export function stockOf(counts: StockCounts) {
  return { ...counts, reservationToSaleRate: rate(counts.confirmed, counts.confirmed + counts.released) };
}

/** Carts that expired unpurchased, among carts that ended (expired, or cleared by a checkout). */
export function cartsOf(expired: number, checkedOut: number, emptied: number) {
  return { expired, checkedOut, emptied, abandonmentRate: rate(expired, expired + checkedOut) };
}

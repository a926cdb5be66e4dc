/** sales/inventory's rules, pure: what a quote's lines need, whether stock covers it, and when the hold ends. */
import type { QuoteLine, Shortfall, StockReservationFailedReason } from '../../../generated/types/sales.js';

export interface Need {
  readonly sku: string;
  readonly quantity: number;
}

/** The quote's quantities per sku (a sku may be on several lines), in sku order so rows lock in one order. */
export function needs(lines: readonly Pick<QuoteLine, 'sku' | 'quantity'>[]): Need[] {
  const bySku = new Map<string, number>();
  for (const line of lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  return [...bySku].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, quantity]) => ({ sku, quantity }));
}

export type Check = { readonly ok: true } | { readonly ok: false; readonly reason: StockReservationFailedReason; readonly shortfall: Shortfall[] };

/** Whether `available` (per known sku) covers every need; an unknown sku is short by all of it. */
export function check(wanted: readonly Need[], available: ReadonlyMap<string, number>): Check {
  const shortfall: Shortfall[] = [];
  let unknown = false;
  for (const need of wanted) {
    const have = available.get(need.sku);
    if (have === undefined) unknown = true;
    if ((have ?? 0) < need.quantity) shortfall.push({ sku: need.sku, requested: need.quantity, available: Math.max(0, have ?? 0) });
  }
  return shortfall.length === 0 ? { ok: true } : { ok: false, reason: unknown ? 'unknown_sku' : 'insufficient_stock', shortfall };
}

/** The hold ends at the end of the quote's last valid day, or `maxHoldMs` from now if that is sooner. */
export function expiresAt(validUntil: string, now: number, maxHoldMs: number): Date {
  const endOfValidity = Date.parse(`${validUntil}T23:59:59.999Z`);
  return new Date(Math.min(endOfValidity, now + maxHoldMs));
}

/** shop/order's rules (pure): whether an order can be accepted. */
import type { CreateOrder, OrderFailedReason } from '../../../generated/types/shop.js';
import { equal, sum, times } from '../_shared/money.js';

export type Review = { readonly ok: true } | { readonly ok: false; readonly reason: OrderFailedReason; readonly message: string };

/** Whether the order can be accepted (pure): deliverable, and its sums add up. */
export function reviewOrder(command: CreateOrder, shipTo: ReadonlySet<string>): Review {
  if (!shipTo.has(command.shippingAddress.country)) {
    return { ok: false, reason: 'undeliverable_address', message: `We do not deliver to ${command.shippingAddress.country}.` };
  }
  const currency = command.total.currency;
  for (const line of command.lines) {
    if (line.unitPrice.currency !== currency || !equal(times(line.unitPrice, line.quantity), line.lineTotal)) {
      return { ok: false, reason: 'price_mismatch', message: `Line ${line.sku} does not add up.` };
    }
  }
  if (!equal(sum(command.lines.map((l) => l.lineTotal), currency), command.total)) {
    return { ok: false, reason: 'price_mismatch', message: 'The order total is not the sum of its lines.' };
  }
  return { ok: true };
}

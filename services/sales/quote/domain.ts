/**
 * sales/quote's rules, pure: line and quote totals in exact decimal arithmetic, and who must
 * approve a quote.
 *
 * Approval policy. A rep may give up to 5 % off and quote up to 25,000 on their own (the quote
 * is approved as it is issued). Beyond that the deepest discount and the total each call for a
 * level, and the higher of the two decides:
 *
 * | level    | max discount | max total  |
 * |----------|--------------|------------|
 * | rep      | 5 %          | 25,000     |
 * | manager  | 10 %         | 100,000    |
 * | director | 20 %         | 500,000    |
 * | vp       | 30 %         | 2,000,000  |
 * | cfo      | above        | above      |
 *
 * The contract's example (12.5 % off, 18,375.00 in total) needs a director for its discount
 * alone. Totals are compared in the quote's currency: the sales org quotes in one.
 */
import type { ApprovalLevel, Money, QuoteApprovalRequestedReasonsItem, QuoteLine } from '../../../generated/types/sales.js';

/** Amounts as integers of 1/10,000 (the contracts allow 4 fractional digits). */
const SCALE = 10_000n;
const DECIMAL = /^(0|[1-9][0-9]{0,14})(\.[0-9]{1,4})?$/;

export function toUnits(amount: string): bigint {
  const match = DECIMAL.exec(amount);
  if (!match) throw new RangeError(`"${amount}" is not a decimal amount`);
  return BigInt(match[1]!) * SCALE + BigInt((match[2] ?? '.').slice(1).padEnd(4, '0'));
}

/** Units to a decimal string with 2 fractional digits (more only when the amount has them). */
export function fromUnits(units: bigint): string {
  let fraction = (units % SCALE).toString().padStart(4, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${units / SCALE}.${fraction}`;
}

/** Rounds units to whole cents, half up. */
const toCents = (units: bigint): bigint => ((units + 50n) / 100n) * 100n;

export interface LineInput {
  readonly sku: string;
  readonly description: string;
  readonly quantity: number;
  readonly unit_price: Money;
  readonly discount_percent?: number;
}

export interface Totals {
  readonly lines: QuoteLine[];
  readonly subtotal: Money;
  readonly discount_total: Money;
  readonly total: Money;
  readonly max_discount_percent: number;
}

export class QuoteRuleError extends Error {
  override readonly name = 'QuoteRuleError';
}

export function priceLines(input: readonly LineInput[]): Totals {
  if (input.length === 0) throw new QuoteRuleError('a quote needs at least one line');
  const currency = input[0]!.unit_price.currency;
  let subtotal = 0n;
  let discountTotal = 0n;
  let maxDiscount = 0;
  const lines = input.map((line): QuoteLine => {
    if (line.unit_price.currency !== currency) throw new QuoteRuleError(`line ${line.sku} is in ${line.unit_price.currency}; the quote is in ${currency}`);
    const discount = line.discount_percent ?? 0;
    const gross = toUnits(line.unit_price.amount) * BigInt(line.quantity);
    // Basis points keep 12.5 % exact; the discount is rounded to the cent, half up.
    const off = toCents((gross * BigInt(Math.round(discount * 100))) / 10_000n);
    subtotal += gross;
    discountTotal += off;
    maxDiscount = Math.max(maxDiscount, discount);
    return {
      sku: line.sku,
      description: line.description,
      quantity: line.quantity,
      unit_price: { amount: fromUnits(toUnits(line.unit_price.amount)), currency },
      discount_percent: discount,
      line_total: { amount: fromUnits(gross - off), currency },
    };
  });
  return {
    lines,
    subtotal: { amount: fromUnits(subtotal), currency },
    discount_total: { amount: fromUnits(discountTotal), currency },
    total: { amount: fromUnits(subtotal - discountTotal), currency },
    max_discount_percent: maxDiscount,
  };
}

interface Limit {
  readonly level: ApprovalLevel | 'rep';
  readonly maxDiscount: number;
  readonly maxTotal: bigint;
}

export const APPROVAL_LIMITS: readonly Limit[] = [
  { level: 'rep', maxDiscount: 5, maxTotal: 25_000n * SCALE },
  { level: 'manager', maxDiscount: 10, maxTotal: 100_000n * SCALE },
  { level: 'director', maxDiscount: 20, maxTotal: 500_000n * SCALE },
  { level: 'vp', maxDiscount: 30, maxTotal: 2_000_000n * SCALE },
];

const LEVELS: readonly (ApprovalLevel | 'rep')[] = ['rep', 'manager', 'director', 'vp', 'cfo'];

export type ApprovalNeed = { readonly required: false } | { readonly required: true; readonly level: ApprovalLevel; readonly reasons: QuoteApprovalRequestedReasonsItem[] };

/** The lowest level whose limits cover the discount, and the one covering the total: the higher decides. */
export function approvalNeeded(totals: Pick<Totals, 'total' | 'max_discount_percent'>): ApprovalNeed {
  const total = toUnits(totals.total.amount);
  const levelFor = (fits: (limit: Limit) => boolean) => APPROVAL_LIMITS.find(fits)?.level ?? 'cfo';
  const byDiscount = levelFor((l) => totals.max_discount_percent <= l.maxDiscount);
  const byTotal = levelFor((l) => total <= l.maxTotal);
  const level = LEVELS[Math.max(LEVELS.indexOf(byDiscount), LEVELS.indexOf(byTotal))]!;
  if (level === 'rep') return { required: false };
  const reasons: QuoteApprovalRequestedReasonsItem[] = [];
  if (byDiscount !== 'rep') reasons.push('discount_above_threshold');
  if (byTotal !== 'rep') reasons.push('total_above_threshold');
  return { required: true, level, reasons };
}

/** Q-2026-000042 from the year and the yearly sequence number. */
export const quoteNumber = (year: number, sequence: number): string => `Q-${year}-${String(sequence).padStart(6, '0')}`;

/**
 * Exact money arithmetic on the contracts' decimal strings ("79.99", at most 4 fractional
 * digits): amounts become integers of ten-thousandths (bigint), never floating point.
 */
import type { Money } from '../../../generated/types/shop.js';

const SCALE = 10_000n;
const DECIMAL = /^(0|[1-9][0-9]{0,14})(\.[0-9]{1,4})?$/;

export class CurrencyMismatchError extends Error {
  override readonly name = 'CurrencyMismatchError';
}

export function toUnits(amount: string): bigint {
  const match = DECIMAL.exec(amount);
  if (!match) throw new RangeError(`"${amount}" is not a decimal amount (digits, at most 4 after the point)`);
  const fraction = (match[2] ?? '.').slice(1).padEnd(4, '0');
  return BigInt(match[1]!) * SCALE + BigInt(fraction);
}

/** Units back to a decimal string with at least 2 fractional digits: 799900n → "79.99", 250000n → "25.00". */
export function fromUnits(units: bigint): string {
  if (units < 0n) throw new RangeError('amounts are never negative (the event says the direction)');
  const whole = units / SCALE;
  let fraction = (units % SCALE).toString().padStart(4, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${whole}.${fraction}`;
}

/** The canonical spelling of an amount ("79.9" and "79.9000" → "79.90"), for comparisons and storage. */
export function normalise(money: Money): Money {
  return { amount: fromUnits(toUnits(money.amount)), currency: money.currency };
}

export function times(price: Money, quantity: number): Money {
  if (!Number.isInteger(quantity) || quantity < 0) throw new RangeError(`quantity ${quantity} is not a whole number`);
  return { amount: fromUnits(toUnits(price.amount) * BigInt(quantity)), currency: price.currency };
}

export function sum(amounts: readonly Money[], currency: string): Money {
  let total = 0n;
  for (const money of amounts) {
    if (money.currency !== currency) throw new CurrencyMismatchError(`cannot add ${money.currency} to ${currency}`);
    total += toUnits(money.amount);
  }
  return { amount: fromUnits(total), currency };
}

export function equal(a: Money, b: Money): boolean {
  return a.currency === b.currency && toUnits(a.amount) === toUnits(b.amount);
}

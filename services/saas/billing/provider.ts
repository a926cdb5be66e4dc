/**
 * The card processor behind saas/billing. The built-in one is a deterministic test double in the
 * manner of Stripe's test cards: the card number decides the outcome, so tests and the demo can
 * decline a payment on purpose. Only the brand and last four digits are ever kept.
 *
 *   4242 4242 4242 4242 (visa), 5555 5555 5555 4444 (mastercard),
 *   3782 822463 10005 (amex), 6011 1111 1111 1117 (discover)   → paid
 *   4000 0000 0000 0002                                        → card_declined (always)
 *   4000 0000 0000 9995                                        → insufficient_funds
 *   4000 0000 0000 0069                                        → expired_card
 *   4000 0027 6000 3184                                        → authentication_required
 *   4000 0000 0000 0119                                        → processing_error
 *   any other number with a valid Luhn check digit              → paid
 */
import type { BillingMethod, PaymentFailedFailureCode } from '../../../generated/types/saas.js';

export type ChargeResult =
  | { readonly ok: true; readonly method: BillingMethod }
  | { readonly ok: false; readonly method: BillingMethod; readonly code: PaymentFailedFailureCode; readonly message: string };

export interface CardProcessor {
  /** Charges the card; `idempotencyKey` (the payment id) makes a repeated charge the same charge. */
  charge(request: { idempotencyKey: string; cardNumber: string; amount: { amount: string; currency: string } }): Promise<ChargeResult>;
}

const DECLINES: Record<string, { code: PaymentFailedFailureCode; message: string }> = {
  '4000000000000002': { code: 'card_declined', message: 'Your card was declined.' },
  '4000000000009995': { code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  '4000000000000069': { code: 'expired_card', message: 'Your card has expired.' },
  '4000002760003184': { code: 'authentication_required', message: 'Your bank asks you to authenticate this payment.' },
  '4000000000000119': { code: 'processing_error', message: 'An error occurred while processing your card. Try again later.' },
};

/** The card's brand from its number (IIN ranges), if it is one of the contract's. */
export function cardBrand(number: string): BillingMethod['brand'] {
  if (/^4/.test(number)) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^6(011|5)/.test(number)) return 'discover';
  return undefined;
}

/** The Luhn check every card number passes. */
export function luhnValid(number: string): boolean {
  if (!/^[0-9]{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

export function cardMethod(number: string): BillingMethod {
  const brand = cardBrand(number);
  return { type: 'card', ...(brand ? { brand } : {}), last4: number.slice(-4) };
}

export class TestCardProcessor implements CardProcessor {
  async charge(request: { idempotencyKey: string; cardNumber: string }): Promise<ChargeResult> {
    const method = cardMethod(request.cardNumber);
    const decline = DECLINES[request.cardNumber];
    return decline ? { ok: false, method, ...decline } : { ok: true, method };
  }
}

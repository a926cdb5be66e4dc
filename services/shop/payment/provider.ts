/**
 * The payment provider behind the payment service. The built-in one is a deterministic test
 * double in the manner of Stripe's test mode: the payment-method token decides the outcome, so
 * tests and the demo can make a payment fail on purpose.
 *
 *   pm_card_visa, pm_card_mastercard, pm_card_amex, pm_paypal   → succeeds
 *   pm_card_chargeDeclined                                       → card_declined
 *   pm_card_chargeDeclinedInsufficientFunds                      → insufficient_funds
 *   pm_card_chargeDeclinedExpiredCard                            → expired_card
 *   pm_card_chargeDeclinedFraudulent                             → fraud_suspected
 *   pm_card_authenticationRequired                               → authentication_failed
 *   any other token                                              → succeeds as an unbranded card
 *
 * A real provider gets `idempotencyKey` (the saga's payment or refund id) so that a charge
 * repeated after a crash is the same charge.
 */
import { createHash } from 'node:crypto';
import type { Money, PaymentFailedReason, PaymentMethodSummary } from '../../../generated/types/shop.js';

export type ChargeResult =
  | { readonly ok: true; readonly providerRef: string; readonly method: PaymentMethodSummary }
  | { readonly ok: false; readonly providerRef: string; readonly reason: PaymentFailedReason; readonly message: string; readonly retryable: boolean };

export interface PaymentProvider {
  charge(request: { idempotencyKey: string; amount: Money; paymentMethodToken: string }): Promise<ChargeResult>;
  refund(request: { idempotencyKey: string; providerRef: string; amount: Money }): Promise<{ readonly refundRef: string }>;
}

const SUCCEEDS: Record<string, PaymentMethodSummary> = {
  pm_card_visa: { type: 'card', brand: 'visa', last4: '4242' },
  pm_card_mastercard: { type: 'card', brand: 'mastercard', last4: '4444' },
  pm_card_amex: { type: 'card', brand: 'amex', last4: '8431' },
  pm_paypal: { type: 'paypal' },
};

const DECLINES: Record<string, { reason: PaymentFailedReason; message: string; retryable: boolean }> = {
  pm_card_chargeDeclined: { reason: 'card_declined', message: 'Card declined.', retryable: true },
  pm_card_chargeDeclinedInsufficientFunds: { reason: 'insufficient_funds', message: 'Card declined: insufficient funds.', retryable: true },
  pm_card_chargeDeclinedExpiredCard: { reason: 'expired_card', message: 'Card expired.', retryable: false },
  pm_card_chargeDeclinedFraudulent: { reason: 'fraud_suspected', message: 'Payment refused.', retryable: false },
  pm_card_authenticationRequired: { reason: 'authentication_failed', message: 'Card authentication failed.', retryable: true },
};

/** A provider reference derived from the idempotency key: the same charge always has the same reference. */
function reference(prefix: string, key: string): string {
  return `${prefix}_${createHash('sha256').update(key).digest('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}`;
}

export class TestModeProvider implements PaymentProvider {
  async charge(request: { idempotencyKey: string; amount: Money; paymentMethodToken: string }): Promise<ChargeResult> {
    const providerRef = reference('ch', request.idempotencyKey);
    const decline = DECLINES[request.paymentMethodToken];
    if (decline) return { ok: false, providerRef, ...decline };
    return { ok: true, providerRef, method: SUCCEEDS[request.paymentMethodToken] ?? { type: 'card' } };
  }

  async refund(request: { idempotencyKey: string; providerRef: string; amount: Money }): Promise<{ readonly refundRef: string }> {
    return { refundRef: reference('re', request.idempotencyKey) };
  }
}

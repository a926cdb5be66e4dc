/**
 * shop/email's templates (pure): the email each event asks for, in plain text. Amounts are
 * shown exactly as the events carry them; a failed checkout or an expired cart without a
 * contact address has no email (the record says why).
 */
import type { CartExpired, CheckoutFailed, LineItem, Money, OrderCreated, OrderShipped, RefundProcessed } from '../../../generated/types/shop.js';

export type ShopEmailEvent =
  | { readonly name: 'OrderCreated'; readonly payload: OrderCreated }
  | { readonly name: 'OrderShipped'; readonly payload: OrderShipped }
  | { readonly name: 'CheckoutFailed'; readonly payload: CheckoutFailed }
  | { readonly name: 'RefundProcessed'; readonly payload: RefundProcessed }
  | { readonly name: 'CartExpired'; readonly payload: CartExpired };

export interface EmailRefs {
  readonly orderId?: number | undefined;
  readonly checkoutId?: string | undefined;
  readonly cartId?: string | undefined;
}

export type Rendered =
  | ({ readonly status: 'sent'; readonly template: string; readonly to: string; readonly subject: string; readonly body: string } & EmailRefs)
  | ({ readonly status: 'skipped'; readonly template: string; readonly reason: string } & EmailRefs);

const SYMBOL: Record<string, string> = { GBP: '£', EUR: '€', USD: '$' };

export function formatMoney(money: Money): string {
  const symbol = SYMBOL[money.currency];
  return symbol ? `${symbol}${money.amount}` : `${money.amount} ${money.currency}`;
}

const lineText = (line: LineItem) => `  ${line.quantity} × ${line.name} (${line.sku}) — ${formatMoney(line.lineTotal)}`;

const FAILURE: Record<CheckoutFailed['reason'], string> = {
  out_of_stock: 'some items in your basket are no longer in stock',
  payment_declined: 'your payment was declined',
  payment_error: 'we could not reach the payment provider',
  order_rejected: 'we could not accept the order',
  timeout: 'it took too long to complete',
};

const CARRIER: Record<OrderShipped['carrier'], string> = { royal_mail: 'Royal Mail', dpd: 'DPD', dhl: 'DHL', ups: 'UPS', fedex: 'FedEx', evri: 'Evri', other: 'our carrier' };

export function render(event: ShopEmailEvent): Rendered {
  switch (event.name) {
    case 'OrderCreated': {
      const p = event.payload;
      const a = p.shippingAddress;
      return {
        status: 'sent',
        template: 'order-confirmation',
        to: p.contactEmail,
        subject: `Your order ${p.orderId} is confirmed`,
        body: [
          `Hello ${p.recipientName},`,
          '',
          `Thank you for your order ${p.orderId}.`,
          '',
          ...p.lines.map(lineText),
          `  Total: ${formatMoney(p.total)}`,
          '',
          `We will deliver to: ${[a.line1, a.line2, a.city, a.region, a.postalCode, a.country].filter(Boolean).join(', ')}.`,
          'We will email you again when it ships.',
        ].join('\n'),
        orderId: p.orderId,
        checkoutId: p.checkoutId,
        cartId: p.cartId,
      };
    }
    case 'OrderShipped': {
      const p = event.payload;
      return {
        status: 'sent',
        template: 'shipping-notice',
        to: p.contactEmail,
        subject: `Your order ${p.orderId} is on its way`,
        body: [
          `Your order ${p.orderId} has shipped with ${CARRIER[p.carrier]}, tracking number ${p.trackingNumber}.`,
          ...(p.trackingUrl ? [`Track it at ${p.trackingUrl}`] : []),
          ...(p.estimatedDelivery ? [`Expected delivery: ${p.estimatedDelivery}.`] : []),
          ...(p.lines ? ['This parcel holds:', ...p.lines.map((l) => `  ${l.quantity} × ${l.sku}`)] : []),
        ].join('\n'),
        orderId: p.orderId,
      };
    }
    case 'CheckoutFailed': {
      const p = event.payload;
      if (!p.contactEmail) return { status: 'skipped', template: 'checkout-failed', reason: 'the customer left no email address', checkoutId: p.checkoutId };
      const undone = p.compensations.includes('payment_refunded') ? ' Your payment has been refunded in full.' : p.compensations.length > 0 ? ' Nothing has been charged.' : '';
      return {
        status: 'sent',
        template: 'checkout-failed',
        to: p.contactEmail,
        subject: 'We could not complete your order',
        body: [`We could not complete your checkout: ${FAILURE[p.reason]}.${undone}`, ...(p.message ? [p.message] : []), 'Your basket is saved; you can try again at any time.'].join('\n'),
        checkoutId: p.checkoutId,
      };
    }
    case 'RefundProcessed': {
      // The refund event carries no address: the refund confirmation goes out with the order's address (looked up by the handler).
      const p = event.payload;
      return {
        status: 'skipped',
        template: 'refund-confirmation',
        reason: 'no contact address known for this refund',
        ...(p.orderId !== undefined ? { orderId: p.orderId } : {}),
        ...(p.checkoutId !== undefined ? { checkoutId: p.checkoutId } : {}),
      };
    }
    case 'CartExpired': {
      const p = event.payload;
      if (!p.contactEmail) return { status: 'skipped', template: 'cart-reminder', reason: 'the customer left no email address', cartId: p.cartId };
      return {
        status: 'sent',
        template: 'cart-reminder',
        to: p.contactEmail,
        subject: 'You left something in your basket',
        body: ['Your basket is waiting for you:', ...p.lines.map(lineText), `  Subtotal: ${formatMoney(p.subtotal)}`].join('\n'),
        cartId: p.cartId,
      };
    }
  }
}

/** The refund confirmation, once the address of the order or checkout it refunds is known. */
export function renderRefund(p: RefundProcessed, to: string): Rendered {
  return {
    status: 'sent',
    template: 'refund-confirmation',
    to,
    subject: p.orderId !== undefined ? `Refund for order ${p.orderId}` : 'Your refund',
    body: [`We have refunded ${formatMoney(p.amount)} to your original payment method (reference ${p.refundRef}).`, 'It may take 3–5 working days to appear on your statement.'].join('\n'),
    ...(p.orderId !== undefined ? { orderId: p.orderId } : {}),
    ...(p.checkoutId !== undefined ? { checkoutId: p.checkoutId } : {}),
  };
}

import { randomUUID } from 'node:crypto';
import { running, type SystemDemo } from './flow.js';
import { expectOk, httpJson, money, short, until } from './http.js';

/** Checkout completed (confirmation email, dashboard), checkout with a declined card compensated, and a price change reaching an open cart. */
export const shopDemo: SystemDemo = async ({ urls, step, send }) => {
  if (!running(urls, ['shop/product', 'shop/inventory', 'shop/cart', 'shop/checkout', 'shop/order', 'shop/payment', 'shop/email', 'shop/analytics'])) return;
  const product = urls['shop/product']!;
  const inventory = urls['shop/inventory']!;
  const carts = urls['shop/cart']!;
  const checkout = urls['shop/checkout']!;

  const catalogue = [
    { sku: 'PROD-123', name: 'Trail running shoe', category: 'footwear/running', price: { amount: '99.99', currency: 'GBP' } },
    { sku: 'MUG-ECO-01', name: 'Enamel camp mug', category: 'kitchen/camping', price: { amount: '12.50', currency: 'GBP' } },
  ];
  for (const item of catalogue) {
    await expectOk(`add ${item.sku}`, httpJson('POST', `${product}/api/products`, item), [201, 409]);
    // Earlier runs may have left another price: start from the catalogue's.
    await expectOk(`price ${item.sku}`, httpJson('PUT', `${product}/api/products/sku/${item.sku}/price`, { price: item.price, reason: 'correction' }));
    await expectOk(`stock ${item.sku}`, httpJson('PUT', `${inventory}/api/inventory/${item.sku}`, { onHand: 50, lowStockThreshold: 5 }));
  }
  const newCart = async (lines: Record<string, number>) => {
    const cart = await expectOk('open a cart', send('POST', `${carts}/api/carts`, { customerId: randomUUID(), contactEmail: 'sam.taylor@example.com' }));
    for (const [sku, quantity] of Object.entries(lines)) await expectOk(`add ${sku}`, send('PUT', `${carts}/api/carts/${cart.id}/lines/${sku}`, { quantity }));
    return cart.id as string;
  };
  const pay = async (cartId: string, token: string) => {
    const started = await expectOk(
      'check out',
      send('POST', `${checkout}/api/checkout`, {
        cartId,
        paymentMethodToken: token,
        contactEmail: 'sam.taylor@example.com',
        recipientName: 'Sam Taylor',
        shippingAddress: { line1: '221B Baker Street', city: 'London', postalCode: 'NW1 6XE', country: 'GB' },
      }),
    );
    return until<any>(
      'the checkout to finish',
      () => expectOk('checkout status', httpJson('GET', `${checkout}/api/checkout/${started.checkoutId}`)),
      (c: { status: string }) => c.status === 'completed' || c.status === 'failed',
    );
  };

  await step('shop', 'shop-checkout', async () => {
    const cartId = await newCart({ 'PROD-123': 1, 'MUG-ECO-01': 2 });
    const done = await pay(cartId, 'pm_card_visa');
    if (done.status !== 'completed') throw new Error(`checkout ${short(done.checkoutId)} ${done.status}: ${JSON.stringify(done.failure)}`);
    await until('the cart to be cleared', () => expectOk('cart', httpJson('GET', `${carts}/api/carts/${cartId}`)), (c: { status: string }) => c.status === 'ordered');
    const mails = await until<any>(
      'the order confirmation email',
      () => expectOk('emails', httpJson('GET', `${urls['shop/email']}/api/emails?orderId=${done.orderId}`)),
      (emails: Array<{ template: string }>) => emails.some((e) => e.template === 'order-confirmation'),
    );
    const mail = mails.find((e: { template: string }) => e.template === 'order-confirmation');
    const dashboard = await until<any>(
      'the sale on the dashboard',
      () => expectOk('dashboard', httpJson('GET', `${urls['shop/analytics']}/api/analytics/dashboard`)),
      (d: { funnel: { completed: number }; revenue: Array<{ currency: string }> }) => d.funnel.completed > 0 && d.revenue.some((r) => r.currency === 'GBP'),
    );
    const gbp = dashboard.revenue.find((r: { currency: string }) => r.currency === 'GBP');
    return `checkout ${short(done.checkoutId)} completed: stock reserved, ${money(done.total)} paid, order ${done.orderId} created, stock confirmed, cart cleared, "${mail.subject}" emailed; dashboard: ${dashboard.funnel.completed} checkouts completed, net revenue GBP ${gbp.net}`;
  });

  await step('shop', 'shop-checkout-declined', async () => {
    const cartId = await newCart({ 'MUG-ECO-01': 1 });
    const done = await pay(cartId, 'pm_card_chargeDeclined');
    if (done.status !== 'failed') throw new Error(`expected the declined card to fail the checkout, it is ${done.status}`);
    const reservation = await until<any>(
      'the stock to be released',
      () => expectOk('reservation', httpJson('GET', `${inventory}/api/inventory/reservations?checkoutId=${done.checkoutId}`)),
      (r: Array<{ status: string }>) => r[0]?.status === 'released',
    );
    return `checkout ${short(done.checkoutId)} with card pm_card_chargeDeclined failed at ${done.failure.step} (${done.failure.reason}): reservation ${short(reservation[0].reservationId)} released`;
  });

  await step('shop', 'shop-price-change', async () => {
    const cartId = await newCart({ 'PROD-123': 2 });
    await expectOk('change the price', send('PUT', `${product}/api/products/sku/PROD-123/price`, { price: { amount: '79.99', currency: 'GBP' }, reason: 'promotion' }));
    const cart = await until<any>('the cart to be repriced', () => expectOk('cart', httpJson('GET', `${carts}/api/carts/${cartId}`)), (c: { subtotal: { amount: string } }) => c.subtotal.amount === '159.98');
    return `price of PROD-123 99.99 → 79.99 (ProductPriceChanged): open cart ${short(cartId)} repriced to ${money(cart.subtotal)}`;
  });
};

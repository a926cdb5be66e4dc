/**
 * The short demo `npm start` runs once everything is up: an appointment booked at the clinic,
 * a checkout that completes, one whose card is declined, and a price change reaching an open
 * cart — each driven and observed over the services' HTTP APIs, as a user would.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pc from 'picocolors';

export type Urls = Readonly<Record<string, string>>;

export interface JsonReply<T = any> {
  readonly status: number;
  readonly body: T;
}

/** One JSON request as a user of the APIs would send it (the end-to-end tests use it too). */
export async function httpJson<T = any>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonReply<T>> {
  const response = await fetch(url, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function expectOk(what: string, reply: Promise<JsonReply>, ok: readonly number[] = [200, 201, 202]): Promise<any> {
  const { status, body } = await reply;
  if (!ok.includes(status)) throw new Error(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
  return body;
}

/** Polls until `done` accepts the value (bounded; the flows take a second or two). */
async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not observed within ${timeoutMs / 1000} s (last: ${JSON.stringify(value).slice(0, 300)})`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

const money = (m: { amount: string; currency: string }) => `${m.currency} ${m.amount}`;
const short = (id: string) => id.slice(0, 8);

/** One demo flow and the trace it ran in (its requests carried a traceparent of this trace). */
export interface DemoFlow {
  /** File-name friendly: `shop-checkout`. */
  readonly name: string;
  readonly outcome: string;
  readonly ok: boolean;
  readonly traceId: string;
}

export async function runDemo(urls: Urls, say: (line: string) => void, options: { onFlow?: (flow: DemoFlow) => void } = {}): Promise<void> {
  /**
   * The W3C traceparent the current flow's requests start from: each flow is one trace, whose id
   * the demo knows up front. Status polls do not carry it (they would add a span per poll).
   */
  let traced: Record<string, string> = {};
  const send = (method: string, url: string, body?: unknown) => httpJson(method, url, body, traced);
  const step = async (label: string, name: string, work: () => Promise<string>) => {
    const started = performance.now();
    const traceId = randomBytes(16).toString('hex');
    traced = { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
    try {
      const outcome = await work();
      say(`  ${pc.green('✓')} ${pc.bold(label.padEnd(8))} ${outcome} ${pc.dim(`(${((performance.now() - started) / 1000).toFixed(1)} s)`)}`);
      options.onFlow?.({ name, outcome, ok: true, traceId });
    } catch (error) {
      say(`  ${pc.red('✗')} ${pc.bold(label.padEnd(8))} ${(error as Error).message}`);
      options.onFlow?.({ name, outcome: (error as Error).message, ok: false, traceId });
    } finally {
      traced = {};
    }
  };

  if (urls['clinic/appointments'] && urls['clinic/notifications']) {
    await step('clinic', 'clinic-booking', async () => {
      const start = new Date(Date.now() + 24 * 3600_000);
      start.setUTCHours(9, 0, 0, 0);
      const end = new Date(start.getTime() + 30 * 60_000);
      const booked = await expectOk(
        'book an appointment',
        send('POST', `${urls['clinic/appointments']}/appointments`, {
          type: 'consultation',
          slot: { start: start.toISOString(), end: end.toISOString(), timezone: 'Europe/Madrid' },
          patient: { patientId: randomUUID(), fullName: 'Lucía Fernández', email: 'lucia.fernandez@example.com', preferredChannel: 'email', locale: 'es-ES' },
          doctor: { doctorId: randomUUID(), fullName: 'Dr. Marta Ruiz', email: 'marta.ruiz@clinic.example.com' },
          bookedBy: 'patient',
          reason: 'Persistent knee pain after running',
        }),
      );
      const worker = urls['clinic/notifications'];
      const sent = await until(
        'notifications',
        () => expectOk('notifications', httpJson('GET', `${worker}/notifications?appointmentId=${booked.id}`)),
        (list: Array<{ status: string }>) => list.length > 0 && list.every((n) => n.status === 'sent'),
      );
      const availability = await expectOk('availability', httpJson('GET', `${worker}/doctors/${booked.doctor.doctorId}/availability`));
      const audit = await expectOk('audit', httpJson('GET', `${worker}/audit?appointmentId=${booked.id}`));
      return `appointment ${short(booked.id)} booked over REST → doctor's slot taken (${availability.booked.length} booked), ${sent.length} notifications sent, ${audit.length} audit entry`;
    });
  }

  const shop = ['shop/product', 'shop/inventory', 'shop/cart', 'shop/checkout', 'shop/order', 'shop/payment'];
  if (!shop.every((id) => urls[id])) return;
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
    return `checkout ${short(done.checkoutId)} completed: stock reserved, ${money(done.total)} paid, order ${done.orderId} created, stock confirmed, cart cleared`;
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
}

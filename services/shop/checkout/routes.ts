/**
 * shop/checkout's HTTP API: `POST /api/checkout` reads the cart, starts the saga and reserves the
 * stock synchronously, feeding each answer to the saga; `GET /api/checkout/{id}` shows where a
 * checkout is.
 */
import { randomUUID } from 'node:crypto';
import * as client from '../../../generated/clients/shop/checkout.js';
import * as M from '../../../generated/messages/shop.js';
import type { LineItem, Money, StockReserved } from '../../../generated/types/shop.js';
import type { SagaEngine, SagaInstance } from '../../../src/durable/index.js';
import type { Delivery, Envelope } from '../../../src/runtime/index.js';
import { conflict, HttpProblem, JsonClient, nameBasedUuid, notFound, UpstreamError, type ServiceKit } from '../../../src/service-kit/index.js';
import { address, email, uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { CHECKOUT_SAGA, internalEvents, type CheckoutData, type CheckoutRequested, type StockReservationFailed } from './saga.js';

const checkoutBody = {
  type: 'object',
  additionalProperties: false,
  required: ['cartId', 'paymentMethodToken', 'contactEmail', 'recipientName', 'shippingAddress'],
  properties: {
    checkoutId: { ...uuid, description: 'choose the id to make the request safe to repeat; a new one otherwise' },
    cartId: uuid,
    paymentMethodToken: { type: 'string', pattern: '^[A-Za-z0-9_]{8,128}$', description: "the payment provider's token, e.g. pm_card_visa (pm_card_chargeDeclined fails)" },
    contactEmail: email,
    recipientName: { type: 'string', minLength: 1, maxLength: 200 },
    shippingAddress: address,
    billingAddress: address,
  },
} as const;

interface CartView {
  id: string;
  customerId: string;
  status: string;
  lines: LineItem[];
  subtotal: Money;
}

/** A message that never crossed the broker, shaped as a delivery so the saga engine applies it like any other. */
function inProcess<N extends string, P>(name: N, type: string, payload: P, checkoutId: string, messageId: string): Delivery<N, P> {
  const envelope: Envelope = {
    messageId,
    type,
    source: client.checkoutService.id,
    time: new Date().toISOString(),
    dataVersion: '1.0.0',
    correlationId: checkoutId,
    subject: checkoutId,
    routingKey: '',
    exchange: '',
    headers: {},
  };
  return { name, payload, envelope, attempt: 1, redelivered: false };
}

function view(instance: SagaInstance<CheckoutData>) {
  const data = instance.data;
  return {
    checkoutId: instance.id,
    status: instance.state,
    cartId: data.cartId,
    customerId: data.customerId,
    lines: data.lines,
    total: data.total,
    ...(data.reservationId ? { reservationId: data.reservationId } : {}),
    ...(data.paymentId ? { paymentId: data.paymentId } : {}),
    ...(data.orderId !== undefined ? { orderId: data.orderId } : {}),
    ...(data.failure ? { failure: data.failure } : {}),
    startedAt: data.startedAt,
    ...(data.completedAt ? { completedAt: data.completedAt } : {}),
    ...(instance.timeoutAt ? { stepDeadline: new Date(instance.timeoutAt).toISOString() } : {}),
  };
}

export function registerRoutes(kit: ServiceKit<Config>, engine: SagaEngine): void {
  const { app, config, log } = kit;
  const carts = new JsonClient({ name: 'cart', baseUrl: config.CART_URL, timeoutMs: 3_000 });
  const inventory = new JsonClient({ name: 'inventory', baseUrl: config.INVENTORY_URL, timeoutMs: config.RESERVE_TIMEOUT_MS, retries: 2 });
  const instance = (id: string) => engine.instance<CheckoutData>(CHECKOUT_SAGA, id);

  const readCart = async (cartId: string): Promise<CartView> => {
    let response;
    try {
      response = await carts.get(`/api/carts/${cartId}`);
    } catch (error) {
      if (error instanceof UpstreamError) throw new HttpProblem(503, 'Service Unavailable', `the cart service did not answer: ${error.message}`);
      throw error;
    }
    if (response.status === 404) throw notFound(`no cart ${cartId}`);
    if (response.status !== 200) throw new HttpProblem(502, 'Bad Gateway', `the cart service answered ${response.status}`);
    return response.body as CartView;
  };

  /**
   * Step 1, synchronous: reserve the checkout's stock and tell the saga how it went. When
   * inventory cannot be reached the saga is left waiting; its timeout releases whatever may
   * have been reserved and fails the checkout.
   */
  const reserveStock = async (checkoutId: string, data: CheckoutData) => {
    let response;
    try {
      response = await inventory.post(
        '/api/inventory/reserve',
        { checkoutId, customerId: data.customerId, lines: data.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) },
        // Reserving is idempotent on the checkout id, so retrying a call that got no answer is safe.
        { idempotent: true },
      );
    } catch (error) {
      log.warn({ checkoutId, err: error }, 'stock reservation got no answer: the step timeout will compensate');
      return;
    }
    const body = response.body as StockReserved & { status?: string; detail?: string };
    if ((response.status === 200 || response.status === 201) && body.status === 'reserved') {
      const payload: StockReserved = {
        reservationId: body.reservationId,
        checkoutId,
        customerId: body.customerId,
        lines: body.lines,
        expiresAt: body.expiresAt,
      };
      await engine.dispatch(inProcess('StockReserved', M.StockReservedMessage.type, payload, checkoutId, nameBasedUuid('stock-reserved', checkoutId)));
    } else if (response.status === 409 || response.status === 200) {
      const message = response.status === 409 ? (body.detail ?? 'not enough stock') : `the reservation of this checkout is ${body.status}`;
      await engine.dispatch(
        inProcess<'StockReservationFailed', StockReservationFailed>('StockReservationFailed', internalEvents.StockReservationFailed.type, { checkoutId, message }, checkoutId, nameBasedUuid('stock-reservation-failed', checkoutId)),
      );
    } else {
      log.warn({ checkoutId, status: response.status }, 'stock reservation failed: the step timeout will compensate');
    }
  };

  const tags = ['checkout'];

  app.post(
    '/api/checkout',
    {
      schema: {
        tags,
        summary: 'Check a cart out',
        description:
          'Starts the checkout saga and reserves the stock before answering 202 with the checkout (status takingPayment, or failed when stock is short). Poll GET /api/checkout/{checkoutId} for completed or failed.',
        body: checkoutBody,
      },
    },
    async (request, reply) => {
      const body = request.body;
      const checkoutId = body.checkoutId ?? randomUUID();
      let current = await instance(checkoutId);
      if (!current) {
        const cart = await readCart(body.cartId);
        if (cart.status !== 'open') throw conflict(`cart ${cart.id} is ${cart.status}`);
        if (cart.lines.length === 0) throw conflict(`cart ${cart.id} is empty`);
        const requested: CheckoutRequested = {
          checkoutId,
          cartId: cart.id,
          customerId: cart.customerId,
          lines: cart.lines,
          total: cart.subtotal,
          contactEmail: body.contactEmail,
          recipientName: body.recipientName,
          shippingAddress: body.shippingAddress,
          ...(body.billingAddress ? { billingAddress: body.billingAddress } : {}),
          paymentMethodToken: body.paymentMethodToken,
        };
        await engine.dispatch(inProcess('CheckoutRequested', internalEvents.CheckoutRequested.type, requested, checkoutId, nameBasedUuid('checkout-requested', checkoutId)));
        current = (await instance(checkoutId))!;
      } else if (current.data.cartId !== body.cartId) {
        throw conflict(`checkout ${checkoutId} is for cart ${current.data.cartId}`);
      }
      // Also when a repeated request finds the saga still at step 1 (the first one crashed or got no answer).
      if (current.state === 'reservingStock') {
        await reserveStock(checkoutId, current.data);
        current = (await instance(checkoutId))!;
      }
      return reply.code(202).header('Location', `/api/checkout/${checkoutId}`).send(view(current));
    },
  );

  app.get('/api/checkout/:checkoutId', { schema: { tags, summary: 'Where a checkout is', params: { type: 'object', required: ['checkoutId'], properties: { checkoutId: uuid } } } }, async (request) => {
    const found = await instance(request.params.checkoutId);
    if (!found) throw notFound(`no checkout ${request.params.checkoutId}`);
    return view(found);
  });
}

/** shop/cart's HTTP API: open a cart, read it, set and remove its lines (priced from shop/product). */
import { randomUUID } from 'node:crypto';
import * as client from '../../../generated/clients/shop/cart.js';
import type { Money } from '../../../generated/types/shop.js';
import type { Transaction } from '../../../src/durable/index.js';
import { conflict, HttpProblem, JsonClient, notFound, UpstreamError, type ServiceKit } from '../../../src/service-kit/index.js';
import { email, sku, uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import type { Cart, CartRepository } from './repository.js';

interface ProductView {
  sku: string;
  name: string;
  price: Money;
  active: boolean;
  updatedAt: string;
}

const cartParams = { type: 'object', required: ['cartId'], additionalProperties: false, properties: { cartId: uuid } } as const;
const lineParams = { type: 'object', required: ['cartId', 'sku'], additionalProperties: false, properties: { cartId: uuid, sku } } as const;
const tags = ['carts'];

export function registerRoutes(kit: ServiceKit<Config>, repo: CartRepository): void {
  const { app, store, config } = kit;
  const products = new JsonClient({ name: 'product', baseUrl: config.PRODUCT_URL, timeoutMs: 3_000 });
  const events = (tx: Transaction) => client.createCartPublisher(kit.publisherIn(tx));

  const openCart = async (tx: Transaction, cartId: string): Promise<Cart> => {
    const found = await repo.load(tx, cartId, true);
    if (!found) throw notFound(`no cart ${cartId}`);
    if (found.status !== 'open') throw conflict(`cart ${cartId} is ${found.status}`);
    return found;
  };

  /** The product's current price and state, from the product service. */
  const fetchProduct = async (wanted: string): Promise<ProductView> => {
    let response;
    try {
      response = await products.get(`/api/products/sku/${encodeURIComponent(wanted)}`);
    } catch (error) {
      if (error instanceof UpstreamError) throw new HttpProblem(503, 'Service Unavailable', `the product service did not answer: ${error.message}`);
      throw error;
    }
    if (response.status === 404) throw new HttpProblem(422, 'Unprocessable Content', `no product ${wanted} in the catalog`);
    if (response.status !== 200) throw new HttpProblem(502, 'Bad Gateway', `the product service answered ${response.status}`);
    return response.body as ProductView;
  };

  app.post(
    '/api/carts',
    {
      schema: {
        tags,
        summary: 'Open a cart',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['customerId'],
          properties: { customerId: uuid, contactEmail: email, currency: { type: 'string', pattern: '^[A-Z]{3}$', default: 'GBP' } },
        },
      },
    },
    async (request, reply) => {
      const id = randomUUID();
      const { customerId, contactEmail, currency } = request.body;
      const created = await store.transaction(async (tx) => {
        await repo.insert(tx, { id, customerId, contactEmail, currency: currency ?? 'GBP' });
        return (await repo.load(tx, id))!;
      });
      return reply.code(201).send(created);
    },
  );

  app.get('/api/carts/:cartId', { schema: { tags, summary: 'A cart with its priced lines', params: cartParams } }, async (request) => {
    const found = await repo.load(store, request.params.cartId);
    if (!found) throw notFound(`no cart ${request.params.cartId}`);
    return found;
  });

  app.put(
    '/api/carts/:cartId/lines/:sku',
    {
      schema: {
        tags,
        summary: 'Set the quantity of a product in the cart (priced from the product service)',
        params: lineParams,
        body: { type: 'object', additionalProperties: false, required: ['quantity'], properties: { quantity: { type: 'integer', minimum: 1, maximum: 999 } } },
      },
    },
    async (request) => {
      const { cartId, sku: wanted } = request.params;
      // Read the price before the transaction: no database lock is held across an HTTP call.
      const productView = await fetchProduct(wanted);
      if (!productView.active) throw conflict(`product ${wanted} is no longer sold`);
      return store.transaction(async (tx) => {
        const current = await openCart(tx, cartId);
        const currency = await repo.currency(tx, cartId);
        if (currency !== productView.price.currency) throw conflict(`cart ${current.id} is in ${currency}; ${wanted} is priced in ${productView.price.currency}`);
        await repo.setLine(tx, cartId, { sku: wanted, name: productView.name, quantity: request.body.quantity, unitAmount: productView.price.amount, pricedAt: productView.updatedAt });
        await repo.touch(tx, cartId);
        return (await repo.load(tx, cartId))!;
      });
    },
  );

  app.delete('/api/carts/:cartId/lines/:sku', { schema: { tags, summary: 'Remove a product from the cart', params: lineParams } }, async (request) =>
    store.transaction(async (tx) => {
      await openCart(tx, request.params.cartId);
      await repo.removeLine(tx, request.params.cartId, request.params.sku);
      await repo.touch(tx, request.params.cartId);
      return (await repo.load(tx, request.params.cartId))!;
    }),
  );

  app.delete('/api/carts/:cartId/lines', { schema: { tags, summary: 'Empty the cart (publishes CartCleared)', params: cartParams } }, async (request) =>
    store.transaction(async (tx) => {
      const current = await openCart(tx, request.params.cartId);
      if (current.lines.length === 0) return current;
      await repo.removeLines(tx, current.id);
      await repo.touch(tx, current.id);
      await events(tx).publishCartCleared({ cartId: current.id, customerId: current.customerId, reason: 'customer_emptied' }, { subject: current.id });
      return (await repo.load(tx, current.id))!;
    }),
  );
}

/**
 * shop/cart — shopping carts. Adding a line reads the product's current price synchronously
 * (`GET /api/products/sku/{sku}` on the product service, as the seed keeps it); afterwards open
 * carts follow the catalog from events on `cart-service-queue`: ProductPriceChanged reprices
 * lines, ProductDeactivated removes them, OrderCreated empties the ordered cart (CartCleared).
 * Carts idle for CART_TTL (7 days) expire (CartExpired, for the abandoned-cart email).
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/cart.js';
import type { LineItem, Money } from '../../../generated/types/shop.js';
import { durationMs } from '../../../src/service-kit/index.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import { conflict, defineService, HttpProblem, JsonClient, notFound, sendsOf, UpstreamError, type ConfigOf, type EnvSchema } from '../../../src/service-kit/index.js';
import { normalise, sum, times } from '../_shared/money.js';
import { email, sku, uuid } from '../_shared/schemas.js';

const env = {
  type: 'object',
  properties: {
    PRODUCT_URL: { type: 'string', pattern: '^https?://', description: 'base URL of the product service, e.g. http://127.0.0.1:4103' },
    CART_TTL: { type: 'string', pattern: '^[0-9]+(ms|s|m|h|d)$', default: '7d', description: 'idle time after which an open cart expires' },
    EXPIRY_SWEEP_MS: { type: 'integer', minimum: 100, maximum: 86400000, default: 60000 },
  },
  required: ['PRODUCT_URL', 'CART_TTL', 'EXPIRY_SWEEP_MS'],
} as const satisfies EnvSchema;

export interface Cart {
  id: string;
  customerId: string;
  contactEmail?: string;
  status: 'open' | 'ordered' | 'expired';
  orderId?: number;
  lines: LineItem[];
  subtotal: Money;
  lastActivityAt: string;
  updatedAt: string;
}

interface CartRow {
  id: string;
  customer_id: string;
  contact_email: string | null;
  currency: string;
  status: Cart['status'];
  order_id: number | null;
  last_activity_at: Date | string;
  updated_at: Date | string;
}

interface LineRow {
  sku: string;
  name: string;
  quantity: number;
  unit_amount: string;
}

interface ProductView {
  sku: string;
  name: string;
  price: Money;
  active: boolean;
  updatedAt: string;
}

const cartParams = { type: 'object', required: ['cartId'], additionalProperties: false, properties: { cartId: uuid } } as const;
const lineParams = { type: 'object', required: ['cartId', 'sku'], additionalProperties: false, properties: { cartId: uuid, sku } } as const;

export const cart = defineService<ConfigOf<typeof env>>({
  service: client.cartService,
  description: 'Shopping carts: prices read from product when a line is added, then kept in step with the catalog by events.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const { app, store, log, config } = kit;
    const carts = kit.db.table('carts');
    const lines = kit.db.table('cart_lines');
    const products = new JsonClient({ name: 'product', baseUrl: config.PRODUCT_URL, timeoutMs: 3_000 });
    const events = (tx: Transaction) => client.createCartPublisher(kit.publisherIn(tx));
    const ttlMs = durationMs(config.CART_TTL)!;

    const load = async (sql: Sql, cartId: string, lock = false): Promise<Cart | undefined> => {
      const { rows } = await sql.query<CartRow>(`SELECT * FROM ${carts} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [cartId]);
      const row = rows[0];
      if (!row) return undefined;
      const { rows: lineRows } = await sql.query<LineRow>(`SELECT sku, name, quantity, unit_amount::text AS unit_amount FROM ${lines} WHERE cart_id = $1 ORDER BY added_at, sku`, [cartId]);
      const items: LineItem[] = lineRows.map((l) => {
        const unitPrice = normalise({ amount: l.unit_amount, currency: row.currency });
        return { sku: l.sku, name: l.name, quantity: l.quantity, unitPrice, lineTotal: times(unitPrice, l.quantity) };
      });
      return {
        id: row.id,
        customerId: row.customer_id,
        ...(row.contact_email !== null ? { contactEmail: row.contact_email } : {}),
        status: row.status,
        ...(row.order_id !== null ? { orderId: row.order_id } : {}),
        lines: items,
        subtotal: sum(items.map((i) => i.lineTotal), row.currency),
        lastActivityAt: new Date(row.last_activity_at).toISOString(),
        updatedAt: new Date(row.updated_at).toISOString(),
      };
    };

    const openCart = async (tx: Transaction, cartId: string): Promise<Cart> => {
      const found = await load(tx, cartId, true);
      if (!found) throw notFound(`no cart ${cartId}`);
      if (found.status !== 'open') throw conflict(`cart ${cartId} is ${found.status}`);
      return found;
    };

    const touch = (tx: Transaction, cartId: string) => tx.query(`UPDATE ${carts} SET last_activity_at = now(), updated_at = now() WHERE id = $1`, [cartId]);

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

    const tags = ['carts'];

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
          await tx.query(`INSERT INTO ${carts} (id, customer_id, contact_email, currency, status) VALUES ($1, $2, $3, $4, 'open')`, [id, customerId, contactEmail ?? null, currency ?? 'GBP']);
          return (await load(tx, id))!;
        });
        return reply.code(201).send(created);
      },
    );

    app.get('/api/carts/:cartId', { schema: { tags, summary: 'A cart with its priced lines', params: cartParams } }, async (request) => {
      const found = await load(store, request.params.cartId);
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
          const { rows } = await tx.query<{ currency: string }>(`SELECT currency FROM ${carts} WHERE id = $1`, [cartId]);
          if (rows[0]!.currency !== productView.price.currency) throw conflict(`cart ${current.id} is in ${rows[0]!.currency}; ${wanted} is priced in ${productView.price.currency}`);
          await tx.query(
            `INSERT INTO ${lines} (cart_id, sku, name, quantity, unit_amount, priced_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (cart_id, sku) DO UPDATE SET name = EXCLUDED.name, quantity = EXCLUDED.quantity, unit_amount = EXCLUDED.unit_amount, priced_at = EXCLUDED.priced_at`,
            [cartId, wanted, productView.name, request.body.quantity, productView.price.amount, productView.updatedAt],
          );
          await touch(tx, cartId);
          return (await load(tx, cartId))!;
        });
      },
    );

    app.delete('/api/carts/:cartId/lines/:sku', { schema: { tags, summary: 'Remove a product from the cart', params: lineParams } }, async (request) =>
      store.transaction(async (tx) => {
        await openCart(tx, request.params.cartId);
        await tx.query(`DELETE FROM ${lines} WHERE cart_id = $1 AND sku = $2`, [request.params.cartId, request.params.sku]);
        await touch(tx, request.params.cartId);
        return (await load(tx, request.params.cartId))!;
      }),
    );

    app.delete('/api/carts/:cartId/lines', { schema: { tags, summary: 'Empty the cart (publishes CartCleared)', params: cartParams } }, async (request) =>
      store.transaction(async (tx) => {
        const current = await openCart(tx, request.params.cartId);
        if (current.lines.length === 0) return current;
        await tx.query(`DELETE FROM ${lines} WHERE cart_id = $1`, [current.id]);
        await touch(tx, current.id);
        await events(tx).publishCartCleared({ cartId: current.id, customerId: current.customerId, reason: 'customer_emptied' }, { subject: current.id });
        return (await load(tx, current.id))!;
      }),
    );

    const handlers: client.CartHandlers = {
      onProductPriceChanged: kit.handle(client.cartServiceQueueReceive, async (delivery, context, tx) => {
        const { sku: changed, newPrice } = delivery.payload;
        const price = normalise(newPrice);
        const { rowCount } = await tx.query(
          `UPDATE ${lines} AS l SET unit_amount = $2, priced_at = $4
           FROM ${carts} AS c
           WHERE l.cart_id = c.id AND c.status = 'open' AND l.sku = $1 AND c.currency = $3 AND l.priced_at <= $4`,
          [changed, price.amount, price.currency, delivery.envelope.time],
        );
        context.log.info({ sku: changed, carts: rowCount }, 'open carts repriced');
      }),
      onProductDeactivated: kit.handle(client.cartServiceQueueReceive, async (delivery, context, tx) => {
        const { rowCount } = await tx.query(
          `DELETE FROM ${lines} AS l USING ${carts} AS c WHERE l.cart_id = c.id AND c.status = 'open' AND l.sku = $1`,
          [delivery.payload.sku],
        );
        context.log.info({ sku: delivery.payload.sku, carts: rowCount }, 'deactivated product removed from open carts');
      }),
      onOrderCreated: kit.handle(client.cartServiceQueueReceive, async (delivery, context, tx) => {
        const order = delivery.payload;
        const current = await load(tx, order.cartId, true);
        if (!current) {
          context.log.warn({ cartId: order.cartId, orderId: order.orderId }, 'order names a cart this service does not know');
          return;
        }
        if (current.status === 'ordered') return;
        await tx.query(`DELETE FROM ${lines} WHERE cart_id = $1`, [current.id]);
        await tx.query(`UPDATE ${carts} SET status = 'ordered', order_id = $2, updated_at = now() WHERE id = $1`, [current.id, order.orderId]);
        await events(tx).publishCartCleared(
          { cartId: current.id, customerId: current.customerId, reason: 'checkout_completed', orderId: order.orderId, checkoutId: order.checkoutId },
          { subject: current.id },
        );
      }),
    };

    // Carts idle longer than CART_TTL expire (CartExpired feeds the abandoned-cart email).
    kit.every(config.EXPIRY_SWEEP_MS, 'cart expiry sweep', async () => {
      const { rows } = await store.query<{ id: string }>(
        `SELECT id FROM ${carts} WHERE status = 'open' AND last_activity_at < now() - $1 * interval '1 millisecond' ORDER BY last_activity_at LIMIT 100`,
        [ttlMs],
      );
      for (const { id } of rows) {
        await store.transaction(async (tx) => {
          const current = await load(tx, id, true);
          if (!current || current.status !== 'open' || Date.parse(current.lastActivityAt) > Date.now() - ttlMs) return;
          await tx.query(`UPDATE ${carts} SET status = 'expired', updated_at = now() WHERE id = $1`, [id]);
          await events(tx).publishCartExpired(
            {
              cartId: id,
              customerId: current.customerId,
              ...(current.contactEmail ? { contactEmail: current.contactEmail } : {}),
              lines: current.lines,
              subtotal: current.subtotal,
              lastActivityAt: current.lastActivityAt,
            },
            { subject: id },
          );
        });
      }
      if (rows.length > 0) log.info({ expired: rows.length }, 'idle carts expired');
    });

    return { subscribe: (bus) => client.subscribeCart(bus, handlers) };
  },
});

/**
 * shop/product — the catalog. Reads are synchronous HTTP (the seed: the front end and the cart
 * need the current price now); every change is published through the outbox: ProductCreated,
 * ProductUpdated, ProductPriceChanged (open carts follow it) and ProductDeactivated.
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/product.js';
import type { Money, ProductDeactivatedReason, ProductPriceChangedReason, ProductUpdatedChangedFieldsItem } from '../../../generated/types/shop.js';
import type { Sql } from '../../../src/durable/index.js';
import { conflict, defineService, notFound, sendsOf } from '../../../src/service-kit/index.js';
import { equal, normalise } from '../_shared/money.js';
import { money, sku } from '../_shared/schemas.js';

export interface Product {
  sku: string;
  name: string;
  description?: string;
  category: string;
  price: Money;
  attributes: Record<string, string>;
  images: string[];
  active: boolean;
  deactivation?: { reason: ProductDeactivatedReason; replacementSku?: string; at: string };
  version: number;
  createdAt: string;
  updatedAt: string;
}

const category = { type: 'string', pattern: '^[a-z0-9-]+(/[a-z0-9-]+)*$', maxLength: 200 } as const;
const attributes = {
  type: 'object',
  maxProperties: 50,
  propertyNames: { pattern: '^[a-z][a-z0-9_]*$', maxLength: 40 },
  additionalProperties: { type: 'string', maxLength: 200 },
} as const;
const images = { type: 'array', maxItems: 20, items: { type: 'string', format: 'uri' } } as const;
const skuParams = { type: 'object', required: ['sku'], additionalProperties: false, properties: { sku } } as const;

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['sku', 'name', 'category', 'price'],
  properties: { sku, name: { type: 'string', minLength: 1, maxLength: 200 }, description: { type: 'string', maxLength: 4000 }, category, price: money, attributes, images },
} as const;

const updateBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, description: { type: 'string', maxLength: 4000 }, category, attributes, images },
} as const;

const priceBody = {
  type: 'object',
  additionalProperties: false,
  required: ['price'],
  properties: { price: money, reason: { type: 'string', enum: ['promotion', 'promotion_ended', 'cost_change', 'correction'] } },
} as const;

const deactivateBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', enum: ['discontinued', 'recalled', 'out_of_season', 'replaced', 'other'] }, replacementSku: sku },
} as const;

interface Row {
  sku: string;
  name: string;
  description: string | null;
  category: string;
  price_amount: string;
  currency: string;
  attributes: Record<string, string>;
  images: string[];
  active: boolean;
  deactivation: Product['deactivation'] | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

function fromRow(row: Row): Product {
  return {
    sku: row.sku,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    category: row.category,
    price: normalise({ amount: row.price_amount, currency: row.currency }),
    attributes: row.attributes,
    images: row.images,
    active: row.active,
    ...(row.deactivation ? { deactivation: row.deactivation } : {}),
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export const product = defineService({
  service: client.productService,
  description: 'The product catalog: product queries over HTTP, every change published as an event.',
  sends: sendsOf(client),
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const { app, store } = kit;
    const products = kit.db.table('products');
    const columns = `sku, name, description, category, price_amount::text AS price_amount, currency, attributes, images, active, deactivation, version, created_at, updated_at`;
    const load = async (sql: Sql, key: string, lock = false) => {
      const { rows } = await sql.query<Row>(`SELECT ${columns} FROM ${products} WHERE sku = $1${lock ? ' FOR UPDATE' : ''}`, [key]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    };
    const events = (tx: Parameters<typeof kit.publisherIn>[0]) => client.createProductPublisher(kit.publisherIn(tx));
    const tags = ['products'];

    app.post('/api/products', { schema: { tags, summary: 'Add a product to the catalog', body: createBody } }, async (request, reply) => {
      const body = request.body;
      const price = normalise(body.price);
      const created = await store.transaction(async (tx) => {
        const { rowCount } = await tx.query(
          `INSERT INTO ${products} (sku, name, description, category, price_amount, currency, attributes, images)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb) ON CONFLICT (sku) DO NOTHING`,
          [body.sku, body.name, body.description ?? null, body.category, price.amount, price.currency, JSON.stringify(body.attributes ?? {}), JSON.stringify(body.images ?? [])],
        );
        if (rowCount === 0) throw conflict(`product ${body.sku} exists already`);
        await events(tx).publishProductCreated(
          {
            sku: body.sku,
            name: body.name,
            ...(body.description !== undefined ? { description: body.description } : {}),
            category: body.category,
            price,
            ...(body.attributes ? { attributes: body.attributes } : {}),
            ...(body.images ? { images: body.images } : {}),
          },
          { subject: body.sku },
        );
        return (await load(tx, body.sku))!;
      });
      return reply.code(201).send(created);
    });

    app.get(
      '/api/products',
      {
        schema: {
          tags,
          summary: 'List products',
          querystring: { type: 'object', additionalProperties: false, properties: { category, includeInactive: { type: 'boolean', default: false } } },
        },
      },
      async (request) => {
        const { category: wanted, includeInactive } = request.query;
        const { rows } = await store.query<Row>(
          `SELECT ${columns} FROM ${products} WHERE ($1::text IS NULL OR category = $1 OR category LIKE $1 || '/%') AND ($2 OR active) ORDER BY sku`,
          [wanted ?? null, includeInactive ?? false],
        );
        return rows.map(fromRow);
      },
    );

    app.get('/api/products/sku/:sku', { schema: { tags, summary: 'A product and its current price', params: skuParams } }, async (request) => {
      const found = await load(store, request.params.sku);
      if (!found) throw notFound(`no product ${request.params.sku}`);
      return found;
    });

    app.patch('/api/products/sku/:sku', { schema: { tags, summary: 'Change descriptive fields (publishes ProductUpdated)', params: skuParams, body: updateBody } }, async (request) =>
      store.transaction(async (tx) => {
        const before = await load(tx, request.params.sku, true);
        if (!before) throw notFound(`no product ${request.params.sku}`);
        const body = request.body;
        const changed: ProductUpdatedChangedFieldsItem[] = [];
        if (body.name !== undefined && body.name !== before.name) changed.push('name');
        if (body.description !== undefined && body.description !== before.description) changed.push('description');
        if (body.category !== undefined && body.category !== before.category) changed.push('category');
        if (body.attributes !== undefined && JSON.stringify(body.attributes) !== JSON.stringify(before.attributes)) changed.push('attributes');
        if (body.images !== undefined && JSON.stringify(body.images) !== JSON.stringify(before.images)) changed.push('images');
        if (changed.length === 0) return before;
        const after = { ...before, ...body } as Product;
        await tx.query(
          `UPDATE ${products} SET name = $2, description = $3, category = $4, attributes = $5::jsonb, images = $6::jsonb, version = version + 1, updated_at = now() WHERE sku = $1`,
          [after.sku, after.name, after.description ?? null, after.category, JSON.stringify(after.attributes), JSON.stringify(after.images)],
        );
        await events(tx).publishProductUpdated(
          {
            sku: after.sku,
            name: after.name,
            ...(after.description !== undefined ? { description: after.description } : {}),
            category: after.category,
            price: after.price,
            attributes: after.attributes,
            images: after.images,
            changedFields: changed,
          },
          { subject: after.sku },
        );
        return (await load(tx, after.sku))!;
      }),
    );

    app.put('/api/products/sku/:sku/price', { schema: { tags, summary: 'Change the price (publishes ProductPriceChanged; open carts follow)', params: skuParams, body: priceBody } }, async (request) =>
      store.transaction(async (tx) => {
        const before = await load(tx, request.params.sku, true);
        if (!before) throw notFound(`no product ${request.params.sku}`);
        const price = normalise(request.body.price);
        if (equal(price, before.price)) return before;
        await tx.query(`UPDATE ${products} SET price_amount = $2, currency = $3, version = version + 1, updated_at = now() WHERE sku = $1`, [before.sku, price.amount, price.currency]);
        const reason = request.body.reason as ProductPriceChangedReason | undefined;
        await events(tx).publishProductPriceChanged({ sku: before.sku, oldPrice: before.price, newPrice: price, ...(reason ? { reason } : {}) }, { subject: before.sku });
        return (await load(tx, before.sku))!;
      }),
    );

    app.post('/api/products/sku/:sku/deactivate', { schema: { tags, summary: 'Stop selling a product (publishes ProductDeactivated; carts drop it)', params: skuParams, body: deactivateBody } }, async (request) =>
      store.transaction(async (tx) => {
        const before = await load(tx, request.params.sku, true);
        if (!before) throw notFound(`no product ${request.params.sku}`);
        if (!before.active) return before;
        const { reason, replacementSku } = request.body;
        const deactivation = { reason, ...(replacementSku ? { replacementSku } : {}), at: new Date().toISOString() };
        await tx.query(`UPDATE ${products} SET active = false, deactivation = $2::jsonb, version = version + 1, updated_at = now() WHERE sku = $1`, [before.sku, JSON.stringify(deactivation)]);
        await events(tx).publishProductDeactivated({ sku: before.sku, reason, ...(replacementSku ? { replacementSku } : {}) }, { subject: before.sku });
        return (await load(tx, before.sku))!;
      }),
    );
  },
});

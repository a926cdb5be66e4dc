/** shop/product's HTTP API: the catalog's queries and changes, each change published as an event. */
import * as client from '../../../generated/clients/shop/product.js';
import type { ProductPriceChangedReason, ProductUpdatedChangedFieldsItem } from '../../../generated/types/shop.js';
import type { Transaction } from '../../../src/durable/index.js';
import { conflict, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { equal, normalise } from '../_shared/money.js';
import { money, sku } from '../_shared/schemas.js';
import type { Config } from './config.js';
import type { Product, ProductRepository } from './repository.js';

const category = { type: 'string', pattern: '^[a-z0-9-]+(/[a-z0-9-]+)*$', maxLength: 200 } as const;
const attributes = {
  type: 'object',
  maxProperties: 50,
  propertyNames: { pattern: '^[a-z][a-z0-9_]*$', maxLength: 40 },
  additionalProperties: { type: 'string', maxLength: 200 },
} as const;
const images = { type: 'array', maxItems: 20, items: { type: 'string', format: 'uri' } } as const;
const tags = ['products'];
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

export function registerRoutes(kit: ServiceKit<Config>, repo: ProductRepository): void {
  const { app, store } = kit;
  const events = (tx: Transaction) => client.createProductPublisher(kit.publisherIn(tx));

  app.post('/api/products', { schema: { tags, summary: 'Add a product to the catalog', body: createBody } }, async (request, reply) => {
    const body = request.body;
    const price = normalise(body.price);
    const created = await store.transaction(async (tx) => {
      const inserted = await repo.insert(tx, { sku: body.sku, name: body.name, description: body.description, category: body.category, price, attributes: body.attributes ?? {}, images: body.images ?? [] });
      if (!inserted) throw conflict(`product ${body.sku} exists already`);
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
      return (await repo.load(tx, body.sku))!;
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
      return repo.list(store, wanted, includeInactive ?? false);
    },
  );

  app.get('/api/products/sku/:sku', { schema: { tags, summary: 'A product and its current price', params: skuParams } }, async (request) => {
    const found = await repo.load(store, request.params.sku);
    if (!found) throw notFound(`no product ${request.params.sku}`);
    return found;
  });

  app.patch('/api/products/sku/:sku', { schema: { tags, summary: 'Change descriptive fields (publishes ProductUpdated)', params: skuParams, body: updateBody } }, async (request) =>
    store.transaction(async (tx) => {
      const before = await repo.load(tx, request.params.sku, true);
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
      await repo.updateDescription(tx, after);
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
      return (await repo.load(tx, after.sku))!;
    }),
  );

  app.put('/api/products/sku/:sku/price', { schema: { tags, summary: 'Change the price (publishes ProductPriceChanged; open carts follow)', params: skuParams, body: priceBody } }, async (request) =>
    store.transaction(async (tx) => {
      const before = await repo.load(tx, request.params.sku, true);
      if (!before) throw notFound(`no product ${request.params.sku}`);
      const price = normalise(request.body.price);
      if (equal(price, before.price)) return before;
      await repo.setPrice(tx, before.sku, price);
      const reason = request.body.reason as ProductPriceChangedReason | undefined;
      await events(tx).publishProductPriceChanged({ sku: before.sku, oldPrice: before.price, newPrice: price, ...(reason ? { reason } : {}) }, { subject: before.sku });
      return (await repo.load(tx, before.sku))!;
    }),
  );

  app.post('/api/products/sku/:sku/deactivate', { schema: { tags, summary: 'Stop selling a product (publishes ProductDeactivated; carts drop it)', params: skuParams, body: deactivateBody } }, async (request) =>
    store.transaction(async (tx) => {
      const before = await repo.load(tx, request.params.sku, true);
      if (!before) throw notFound(`no product ${request.params.sku}`);
      if (!before.active) return before;
      const { reason, replacementSku } = request.body;
      const deactivation = { reason, ...(replacementSku ? { replacementSku } : {}), at: new Date().toISOString() };
      await repo.deactivate(tx, before.sku, deactivation);
      await events(tx).publishProductDeactivated({ sku: before.sku, reason, ...(replacementSku ? { replacementSku } : {}) }, { subject: before.sku });
      return (await repo.load(tx, before.sku))!;
    }),
  );
}

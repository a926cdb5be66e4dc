/** shop/product's persistence: every statement over the products table (migrations/), rows mapped to products. */
import type { Money, ProductDeactivatedReason } from '../../../generated/types/shop.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import { normalise } from '../_shared/money.js';

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

export interface NewProduct {
  readonly sku: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly category: string;
  readonly price: Money;
  readonly attributes: Record<string, string>;
  readonly images: readonly string[];
}

export type ProductRepository = ReturnType<typeof productRepository>;

export function productRepository(db: ServiceDatabase) {
  const products = db.table('products');
  const columns = `sku, name, description, category, price_amount::text AS price_amount, currency, attributes, images, active, deactivation, version, created_at, updated_at`;
  return {
    async load(sql: Sql, key: string, lock = false): Promise<Product | undefined> {
      const { rows } = await sql.query<Row>(`SELECT ${columns} FROM ${products} WHERE sku = $1${lock ? ' FOR UPDATE' : ''}`, [key]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    /** False when a product with that SKU exists already. */
    async insert(tx: Transaction, product: NewProduct): Promise<boolean> {
      const { rowCount } = await tx.query(
        `INSERT INTO ${products} (sku, name, description, category, price_amount, currency, attributes, images)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb) ON CONFLICT (sku) DO NOTHING`,
        [product.sku, product.name, product.description ?? null, product.category, product.price.amount, product.price.currency, JSON.stringify(product.attributes), JSON.stringify(product.images)],
      );
      return rowCount > 0;
    },

    /** Products in `category` (or below it), the inactive ones too when asked, by SKU. */
    async list(sql: Sql, category: string | undefined, includeInactive: boolean): Promise<Product[]> {
      const { rows } = await sql.query<Row>(
        `SELECT ${columns} FROM ${products} WHERE ($1::text IS NULL OR category = $1 OR category LIKE $1 || '/%') AND ($2 OR active) ORDER BY sku`,
        [category ?? null, includeInactive],
      );
      return rows.map(fromRow);
    },

    async updateDescription(tx: Transaction, after: Product): Promise<void> {
      await tx.query(
        `UPDATE ${products} SET name = $2, description = $3, category = $4, attributes = $5::jsonb, images = $6::jsonb, version = version + 1, updated_at = now() WHERE sku = $1`,
        [after.sku, after.name, after.description ?? null, after.category, JSON.stringify(after.attributes), JSON.stringify(after.images)],
      );
    },

    async setPrice(tx: Transaction, sku: string, price: Money): Promise<void> {
      await tx.query(`UPDATE ${products} SET price_amount = $2, currency = $3, version = version + 1, updated_at = now() WHERE sku = $1`, [sku, price.amount, price.currency]);
    },

    async deactivate(tx: Transaction, sku: string, deactivation: NonNullable<Product['deactivation']>): Promise<void> {
      await tx.query(`UPDATE ${products} SET active = false, deactivation = $2::jsonb, version = version + 1, updated_at = now() WHERE sku = $1`, [sku, JSON.stringify(deactivation)]);
    },
  };
}

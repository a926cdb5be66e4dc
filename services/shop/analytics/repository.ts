/** shop/analytics' persistence: the dashboard's facts and the aggregates over them. */
import type { Money } from '../../../generated/types/shop.js';
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { FunnelCounts, RevenueRow, StockCounts } from './domain.js';

export type AnalyticsRepository = ReturnType<typeof analyticsRepository>;

export interface ProductFact {
  readonly sku: string;
  readonly name?: string;
  readonly category?: string;
  readonly price?: Money;
  readonly active?: boolean;
}

const n = (value: string | number | null | undefined) => Number(value ?? 0);

export function analyticsRepository(db: ServiceDatabase) {
  const products = db.table('products');
  const prices = db.table('price_changes');
  const checkouts = db.table('checkouts');
  const money = db.table('money_movements');
  const signals = db.table('signals');
  return {
    /**
     * Upserts what an event says about a product, unless a newer event was applied. A price
     * change or deactivation may arrive before the product's creation: the row it creates is
     * completed when the creation comes (COALESCE keeps what is known).
     */
    async product(tx: Transaction, at: string, fact: ProductFact): Promise<void> {
      await tx.query(
        `INSERT INTO ${products} (sku, name, category, price, currency, active, as_of)
         VALUES ($1, COALESCE($2, $1), COALESCE($3, ''), COALESCE($4::numeric, 0), COALESCE($5, ''), COALESCE($6, true), $7)
         ON CONFLICT (sku) DO UPDATE SET
           name = CASE WHEN $2::text IS NOT NULL AND ${products}.as_of <= $7 THEN $2 ELSE ${products}.name END,
           category = CASE WHEN $3::text IS NOT NULL AND ${products}.as_of <= $7 THEN $3 ELSE ${products}.category END,
           price = CASE WHEN $4::numeric IS NOT NULL AND ${products}.as_of <= $7 THEN $4::numeric ELSE ${products}.price END,
           currency = CASE WHEN $5::text IS NOT NULL AND ${products}.as_of <= $7 THEN $5 ELSE ${products}.currency END,
           active = CASE WHEN $6::boolean IS NOT NULL THEN ${products}.active AND $6 ELSE ${products}.active END,
           as_of = GREATEST(${products}.as_of, $7)`,
        [fact.sku, fact.name ?? null, fact.category ?? null, fact.price?.amount ?? null, fact.price?.currency ?? null, fact.active ?? null, at],
      );
    },

    async priceChange(tx: Transaction, eventId: string, at: string, sku: string, oldPrice: Money, newPrice: Money, reason: string | undefined): Promise<void> {
      await tx.query(
        `INSERT INTO ${prices} (event_id, sku, old_price, new_price, currency, reason, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING`,
        [eventId, sku, oldPrice.amount, newPrice.amount, newPrice.currency, reason ?? null, at],
      );
    },

    /** One step of a checkout: 'started', 'completed' (with its duration) or 'failed' (with step and reason). */
    async checkout(tx: Transaction, checkoutId: string, at: string, step: { kind: 'started' } | { kind: 'completed'; durationMs?: number | undefined } | { kind: 'failed'; step: string; reason: string }): Promise<void> {
      const started = step.kind === 'started' ? at : null;
      const completed = step.kind === 'completed' ? at : null;
      const failed = step.kind === 'failed' ? at : null;
      await tx.query(
        `INSERT INTO ${checkouts} (checkout_id, started_at, completed_at, failed_at, duration_ms, failed_step, failed_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (checkout_id) DO UPDATE SET
           started_at = COALESCE(${checkouts}.started_at, EXCLUDED.started_at),
           completed_at = COALESCE(${checkouts}.completed_at, EXCLUDED.completed_at),
           failed_at = COALESCE(${checkouts}.failed_at, EXCLUDED.failed_at),
           duration_ms = COALESCE(${checkouts}.duration_ms, EXCLUDED.duration_ms),
           failed_step = COALESCE(${checkouts}.failed_step, EXCLUDED.failed_step),
           failed_reason = COALESCE(${checkouts}.failed_reason, EXCLUDED.failed_reason)`,
        [checkoutId, started, completed, failed, step.kind === 'completed' ? (step.durationMs ?? null) : null, step.kind === 'failed' ? step.step : null, step.kind === 'failed' ? step.reason : null],
      );
    },

    async money(tx: Transaction, eventId: string, at: string, kind: 'paid' | 'refunded', amount: Money): Promise<void> {
      await tx.query(`INSERT INTO ${money} (event_id, kind, amount, currency, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING`, [eventId, kind, amount.amount, amount.currency, at]);
    },

    async signal(tx: Transaction, eventId: string, at: string, kind: string, subject: string, quantity?: number, threshold?: number): Promise<void> {
      await tx.query(`INSERT INTO ${signals} (event_id, kind, subject, quantity, threshold, at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING`, [
        eventId,
        kind,
        subject,
        quantity ?? null,
        threshold ?? null,
        at,
      ]);
    },

    async funnel(sql: Sql): Promise<{ counts: FunnelCounts; failures: Array<{ step: string; reason: string; count: number }> }> {
      const { rows } = await sql.query<{ started: string; completed: string; failed: string; mean: string | null }>(
        `SELECT count(started_at) AS started, count(completed_at) AS completed, count(failed_at) AS failed, avg(duration_ms) AS mean FROM ${checkouts}`,
      );
      const failures = await sql.query<{ failed_step: string; failed_reason: string; count: string }>(
        `SELECT failed_step, failed_reason, count(*) AS count FROM ${checkouts} WHERE failed_at IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`,
      );
      const r = rows[0]!;
      return {
        counts: { started: n(r.started), completed: n(r.completed), failed: n(r.failed), meanDurationMs: r.mean === null ? null : Number(r.mean) },
        failures: failures.rows.map((f) => ({ step: f.failed_step, reason: f.failed_reason, count: n(f.count) })),
      };
    },

    async revenue(sql: Sql): Promise<RevenueRow[]> {
      const { rows } = await sql.query<{ currency: string; paid: string; refunded: string; orders: string; refunds: string }>(
        `SELECT currency,
                COALESCE(sum(amount) FILTER (WHERE kind = 'paid'), 0)::text AS paid,
                COALESCE(sum(amount) FILTER (WHERE kind = 'refunded'), 0)::text AS refunded,
                count(*) FILTER (WHERE kind = 'paid') AS orders,
                count(*) FILTER (WHERE kind = 'refunded') AS refunds
         FROM ${money} GROUP BY currency ORDER BY currency`,
      );
      return rows.map((r) => ({ currency: r.currency, paid: r.paid, refunded: r.refunded, orders: n(r.orders), refunds: n(r.refunds) }));
    },

    /** How many signals of each kind were recorded. */
    async signalCounts(sql: Sql): Promise<Record<string, number>> {
      const { rows } = await sql.query<{ kind: string; count: string }>(`SELECT kind, count(*) AS count FROM ${signals} GROUP BY kind`);
      return Object.fromEntries(rows.map((r) => [r.kind, n(r.count)]));
    },

    stock(counts: Record<string, number>): StockCounts {
      return { reserved: counts['stock_reserved'] ?? 0, released: counts['stock_released'] ?? 0, confirmed: counts['stock_confirmed'] ?? 0 };
    },

    /** The latest low-stock alert of each sku, newest first. */
    async lowStock(sql: Sql): Promise<Array<{ sku: string; currentQuantity: number; threshold: number; at: string }>> {
      const { rows } = await sql.query<{ subject: string; quantity: number; threshold: number; at: Date | string }>(
        `SELECT DISTINCT ON (subject) subject, quantity, threshold, at FROM ${signals} WHERE kind = 'low_stock' ORDER BY subject, at DESC`,
      );
      return rows
        .map((r) => ({ sku: r.subject, currentQuantity: n(r.quantity), threshold: n(r.threshold), at: new Date(r.at).toISOString() }))
        .sort((a, b) => b.at.localeCompare(a.at));
    },

    async catalog(sql: Sql): Promise<{ products: number; active: number; priceChanges: number }> {
      const { rows } = await sql.query<{ products: string; active: string; changes: string }>(
        `SELECT (SELECT count(*) FROM ${products}) AS products, (SELECT count(*) FROM ${products} WHERE active) AS active, (SELECT count(*) FROM ${prices}) AS changes`,
      );
      const r = rows[0]!;
      return { products: n(r.products), active: n(r.active), priceChanges: n(r.changes) };
    },

    async productHistory(sql: Sql, sku: string) {
      const product = await sql.query<{ sku: string; name: string; category: string; price: string; currency: string; active: boolean }>(
        `SELECT sku, name, category, price::text AS price, currency, active FROM ${products} WHERE sku = $1`,
        [sku],
      );
      const history = await sql.query<{ old_price: string; new_price: string; currency: string; reason: string | null; changed_at: Date | string }>(
        `SELECT old_price::text AS old_price, new_price::text AS new_price, currency, reason, changed_at FROM ${prices} WHERE sku = $1 ORDER BY changed_at, event_id`,
        [sku],
      );
      return { product: product.rows[0], history: history.rows };
    },
  };
}

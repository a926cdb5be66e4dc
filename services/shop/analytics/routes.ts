/** shop/analytics' HTTP API: the sales dashboard and a product's price history. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { notFound } from '../../../src/service-kit/index.js';
import { sku } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { cartsOf, decimal, funnelOf, revenueOf, stockOf } from './domain.js';
import type { AnalyticsRepository } from './repository.js';

const tags = ['analytics'];

export function registerRoutes(kit: ServiceKit<Config>, repo: AnalyticsRepository): void {
  const { app, store } = kit;
  app.get(
    '/api/analytics/dashboard',
    { schema: { tags, summary: 'The sales dashboard: checkout funnel, revenue per currency, carts, stock reservations, low stock and the catalog' } },
    async () => {
      const [funnel, revenue, signals, lowStock, catalog] = await Promise.all([repo.funnel(store), repo.revenue(store), repo.signalCounts(store), repo.lowStock(store), repo.catalog(store)]);
      return {
        funnel: { ...funnelOf(funnel.counts), failures: funnel.failures },
        revenue: revenue.map(revenueOf),
        carts: cartsOf(signals['cart_expired'] ?? 0, signals['cart_checked_out'] ?? 0, signals['cart_emptied'] ?? 0),
        stock: stockOf(repo.stock(signals)),
        lowStock,
        catalog,
      };
    },
  );

  app.get(
    '/api/analytics/products/:sku',
    { schema: { tags, summary: 'A product as last seen, and its price history, oldest first', params: { type: 'object', required: ['sku'], properties: { sku } } } },
    async (request) => {
      const { product, history } = await repo.productHistory(store, request.params.sku);
      if (!product) throw notFound(`no events seen for product ${request.params.sku}`);
      return {
        sku: product.sku,
        name: product.name,
        category: product.category,
        price: { amount: decimal(product.price), currency: product.currency },
        active: product.active,
        priceHistory: history.map((h) => ({
          oldPrice: { amount: decimal(h.old_price), currency: h.currency },
          newPrice: { amount: decimal(h.new_price), currency: h.currency },
          ...(h.reason ? { reason: h.reason } : {}),
          changedAt: new Date(h.changed_at).toISOString(),
        })),
      };
    },
  );
}

/** saas/analytics' persistence: the per-tenant counters (./migrations/). */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { Counter, CounterDelta } from './domain.js';

export type AnalyticsRepository = ReturnType<typeof analyticsRepository>;

export function analyticsRepository(db: ServiceDatabase) {
  const counters = db.table('counters');
  return {
    async add(tx: Transaction, tenantId: string, deltas: readonly CounterDelta[]): Promise<void> {
      for (const d of deltas) {
        await tx.query(
          `INSERT INTO ${counters} (tenant_id, metric, key, value) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, metric, key) DO UPDATE SET value = ${counters}.value + EXCLUDED.value, updated_at = now()`,
          [tenantId, d.metric, d.key, d.delta],
        );
      }
    },

    async ofTenant(sql: Sql, tenantId: string): Promise<Counter[]> {
      const { rows } = await sql.query<Counter>(`SELECT metric, key, value::text AS value FROM ${counters} WHERE tenant_id = $1 ORDER BY metric, key`, [tenantId]);
      return rows;
    },
  };
}

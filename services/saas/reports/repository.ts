/** saas/reports's persistence: every statement over its tables (./migrations/). */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { ReportRow } from './domain.js';

export interface Requester {
  readonly userId: string;
  readonly email: string;
  readonly locale?: string;
}

export interface Report {
  readonly reportId: string;
  readonly type: string;
  readonly format: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly filters: Readonly<Record<string, string>>;
  readonly requestedBy: Requester;
  readonly status: 'queued' | 'ready';
  readonly sizeBytes: number | null;
  readonly rowCount: number | null;
  readonly downloadUrl: string | null;
  readonly expiresAt: string | null;
  readonly requestedAt: string;
  readonly readyAt: string | null;
}

type Time = Date | string | null;
const iso = (t: Time) => (t === null ? null : new Date(t).toISOString());
const day = (t: Date | string) => (typeof t === 'string' ? t.slice(0, 10) : t.toISOString().slice(0, 10));

interface ReportRecord {
  id: string;
  type: string;
  format: string;
  period_from: Date | string;
  period_to: Date | string;
  filters: Record<string, string>;
  requested_by: Requester;
  status: 'queued' | 'ready';
  size_bytes: number | null;
  row_count: number | null;
  download_url: string | null;
  expires_at: Time;
  requested_at: Time;
  ready_at: Time;
}

const reportOf = (r: ReportRecord): Report => ({
  reportId: r.id,
  type: r.type,
  format: r.format,
  period: { from: day(r.period_from), to: day(r.period_to) },
  filters: r.filters,
  requestedBy: r.requested_by,
  status: r.status,
  sizeBytes: r.size_bytes,
  rowCount: r.row_count,
  downloadUrl: r.download_url,
  expiresAt: iso(r.expires_at),
  requestedAt: iso(r.requested_at)!,
  readyAt: iso(r.ready_at),
});

const COLUMNS = 'id, type, format, period_from, period_to, filters, requested_by, status, size_bytes, row_count, download_url, expires_at, requested_at, ready_at';

export type ReportsRepository = ReturnType<typeof reportsRepository>;

export function reportsRepository(db: ServiceDatabase) {
  const facts = db.table('facts');
  const reports = db.table('reports');
  return {
    async addFacts(tx: Transaction, tenantId: string, kind: string, rows: readonly { day: string; dimensions?: Record<string, string>; value: string | number }[]): Promise<void> {
      for (const row of rows) {
        await tx.query(`INSERT INTO ${facts} (tenant_id, kind, day, dimensions, value) VALUES ($1, $2, $3, $4::jsonb, $5)`, [tenantId, kind, row.day, JSON.stringify(row.dimensions ?? {}), String(row.value)]);
      }
    },

    /** The tenant's facts of `kind` in the period whose dimensions include `filters`, summed per day and dimensions. */
    async aggregate(sql: Sql, tenantId: string, kind: string, period: { from: string; to: string }, filters: Record<string, string>): Promise<ReportRow[]> {
      const { rows } = await sql.query<{ day: Date | string; dimensions: Record<string, string>; total: string; facts: string | number }>(
        `SELECT day, dimensions, sum(value)::text AS total, count(*) AS facts FROM ${facts}
         WHERE tenant_id = $1 AND kind = $2 AND day BETWEEN $3 AND $4 AND dimensions @> $5::jsonb
         GROUP BY day, dimensions`,
        [tenantId, kind, period.from, period.to, JSON.stringify(filters)],
      );
      return rows.map((r) => ({ day: day(r.day), dimensions: r.dimensions, total: r.total, facts: Number(r.facts) }));
    },

    async addReport(tx: Transaction, tenantId: string, r: { reportId: string; type: string; format: string; period: { from: string; to: string }; filters: Record<string, string>; requestedBy: Requester }): Promise<void> {
      await tx.query(
        `INSERT INTO ${reports} (id, tenant_id, type, format, period_from, period_to, filters, requested_by, status) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, 'queued')`,
        [r.reportId, tenantId, r.type, r.format, r.period.from, r.period.to, JSON.stringify(r.filters), JSON.stringify(r.requestedBy)],
      );
    },

    async report(sql: Sql, id: string, tenantId: string, forUpdate = false): Promise<Report | undefined> {
      const { rows } = await sql.query<ReportRecord>(`SELECT ${COLUMNS} FROM ${reports} WHERE id = $1 AND tenant_id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`, [id, tenantId]);
      return rows[0] ? reportOf(rows[0]) : undefined;
    },

    async reportsOf(sql: Sql, tenantId: string, limit: number): Promise<Report[]> {
      const { rows } = await sql.query<ReportRecord>(`SELECT ${COLUMNS} FROM ${reports} WHERE tenant_id = $1 ORDER BY requested_at DESC, id LIMIT $2`, [tenantId, limit]);
      return rows.map(reportOf);
    },

    async content(sql: Sql, id: string, tenantId: string): Promise<{ format: string; content: string | null; expiresAt: string | null } | undefined> {
      const { rows } = await sql.query<{ format: string; content: string | null; expires_at: Time }>(`SELECT format, content, expires_at FROM ${reports} WHERE id = $1 AND tenant_id = $2`, [id, tenantId]);
      return rows[0] ? { format: rows[0].format, content: rows[0].content, expiresAt: iso(rows[0].expires_at) } : undefined;
    },

    async markReady(tx: Transaction, id: string, ready: { content: string; sizeBytes: number; rowCount: number; downloadUrl: string; expiresAt: string }): Promise<void> {
      await tx.query(
        `UPDATE ${reports} SET status = 'ready', content = $2, size_bytes = $3, row_count = $4, download_url = $5, expires_at = $6, ready_at = now() WHERE id = $1`,
        [id, ready.content, ready.sizeBytes, ready.rowCount, ready.downloadUrl, ready.expiresAt],
      );
    },
  };
}

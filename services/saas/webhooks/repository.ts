/** saas/webhooks's persistence: every statement over its tables (./migrations/). */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';
import type { AttemptOutcome, Breaker, BreakerState } from './domain.js';

export interface Endpoint {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly tlsCa: string | null;
  readonly createdAt: string;
  readonly breaker: Breaker;
}

export type DeliveryStatus = 'pending' | 'deferred' | 'delivered' | 'dead_lettered' | 'dropped';

export interface DeliveryRow {
  readonly id: string;
  readonly tenantId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly body: Record<string, unknown>;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export interface Attempt {
  readonly n: number;
  readonly at: string;
  readonly outcome: AttemptOutcome | 'deferred';
  readonly httpStatus: number | null;
  readonly error: string | null;
  readonly durationMs: number | null;
  /** The breaker's state after the attempt. */
  readonly breaker: BreakerState;
}

type Time = Date | string | null;
const iso = (t: Time) => (t === null ? null : new Date(t).toISOString());
const ms = (t: Time) => (t === null ? null : new Date(t).getTime());
const date = (t: number | null) => (t === null ? null : new Date(t).toISOString());

interface EndpointRecord {
  id: string;
  tenant_id: string;
  url: string;
  events: string[];
  tls_ca: string | null;
  created_at: Time;
  breaker_state: BreakerState;
  breaker_failures: number;
  breaker_opened_at: Time;
  breaker_probe_at: Time;
}

const endpointOf = (r: EndpointRecord): Endpoint => ({
  id: r.id,
  tenantId: r.tenant_id,
  url: r.url,
  events: r.events,
  tlsCa: r.tls_ca,
  createdAt: iso(r.created_at)!,
  breaker: { state: r.breaker_state, failures: r.breaker_failures, openedAt: ms(r.breaker_opened_at), probeAt: ms(r.breaker_probe_at) },
});

interface DeliveryRecord {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: Record<string, unknown> | string;
  status: DeliveryStatus;
  attempts: number;
  created_at: Time;
  delivered_at: Time;
}

const deliveryOf = (r: DeliveryRecord): DeliveryRow => ({
  id: r.id,
  tenantId: r.tenant_id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  body: typeof r.body === 'string' ? (JSON.parse(r.body) as Record<string, unknown>) : r.body,
  status: r.status,
  attempts: r.attempts,
  createdAt: iso(r.created_at)!,
  deliveredAt: iso(r.delivered_at),
});

export type WebhooksRepository = ReturnType<typeof webhooksRepository>;

export function webhooksRepository(db: ServiceDatabase) {
  const endpoints = db.table('endpoints');
  const deliveries = db.table('deliveries');
  const attempts = db.table('attempts');
  const masterKey = db.table('master_key');
  return {
    /** The kept master key, made on first use (concurrent first starts agree on one). */
    async keptMasterKey(sql: Sql, fresh: string): Promise<string> {
      await sql.query(`INSERT INTO ${masterKey} (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, [fresh]);
      const { rows } = await sql.query<{ key: string }>(`SELECT key FROM ${masterKey} WHERE id = 1`);
      return rows[0]!.key;
    },

    async addEndpoint(sql: Sql, endpoint: { id: string; tenantId: string; url: string; events: readonly string[]; tlsCa: string | null }): Promise<Endpoint> {
      const { rows } = await sql.query<EndpointRecord>(`INSERT INTO ${endpoints} (id, tenant_id, url, events, tls_ca) VALUES ($1, $2, $3, $4, $5) RETURNING *`, [
        endpoint.id,
        endpoint.tenantId,
        endpoint.url,
        endpoint.events,
        endpoint.tlsCa,
      ]);
      return endpointOf(rows[0]!);
    },

    async endpoint(sql: Sql, id: string, options: { tenantId?: string; forUpdate?: boolean } = {}): Promise<Endpoint | undefined> {
      const { rows } = await sql.query<EndpointRecord>(
        `SELECT * FROM ${endpoints} WHERE id = $1 AND deleted_at IS NULL ${options.tenantId !== undefined ? 'AND tenant_id = $2' : ''} ${options.forUpdate ? 'FOR UPDATE' : ''}`,
        options.tenantId !== undefined ? [id, options.tenantId] : [id],
      );
      return rows[0] ? endpointOf(rows[0]) : undefined;
    },

    async endpointsOf(sql: Sql, tenantId: string): Promise<Endpoint[]> {
      const { rows } = await sql.query<EndpointRecord>(`SELECT * FROM ${endpoints} WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`, [tenantId]);
      return rows.map(endpointOf);
    },

    /** The tenant's live endpoints subscribed to `eventType`. */
    async subscribers(sql: Sql, tenantId: string, eventType: string): Promise<Endpoint[]> {
      const { rows } = await sql.query<EndpointRecord>(
        `SELECT * FROM ${endpoints} WHERE tenant_id = $1 AND deleted_at IS NULL AND $2 = ANY (events) ORDER BY created_at, id`,
        [tenantId, eventType],
      );
      return rows.map(endpointOf);
    },

    async removeEndpoint(sql: Sql, id: string, tenantId: string): Promise<boolean> {
      const { rows } = await sql.query(`UPDATE ${endpoints} SET deleted_at = now() WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL RETURNING id`, [id, tenantId]);
      return rows.length > 0;
    },

    async saveBreaker(tx: Transaction, endpointId: string, breaker: Breaker): Promise<void> {
      await tx.query(`UPDATE ${endpoints} SET breaker_state = $2, breaker_failures = $3, breaker_opened_at = $4, breaker_probe_at = $5 WHERE id = $1`, [
        endpointId,
        breaker.state,
        breaker.failures,
        date(breaker.openedAt),
        date(breaker.probeAt),
      ]);
    },

    /** Records a delivery to make; false when it exists (the event was fanned out before). */
    async addDelivery(tx: Transaction, d: { id: string; tenantId: string; endpointId: string; eventId: string; eventType: string; body: Record<string, unknown> }): Promise<boolean> {
      const { rows } = await tx.query(
        `INSERT INTO ${deliveries} (id, tenant_id, endpoint_id, event_id, event_type, body, status) VALUES ($1, $2, $3, $4, $5, $6::jsonb, 'pending')
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [d.id, d.tenantId, d.endpointId, d.eventId, d.eventType, JSON.stringify(d.body)],
      );
      return rows.length > 0;
    },

    async delivery(sql: Sql, id: string, options: { tenantId?: string; forUpdate?: boolean } = {}): Promise<DeliveryRow | undefined> {
      const { rows } = await sql.query<DeliveryRecord>(
        `SELECT * FROM ${deliveries} WHERE id = $1 ${options.tenantId !== undefined ? 'AND tenant_id = $2' : ''} ${options.forUpdate ? 'FOR UPDATE' : ''}`,
        options.tenantId !== undefined ? [id, options.tenantId] : [id],
      );
      return rows[0] ? deliveryOf(rows[0]) : undefined;
    },

    async deliveriesOf(sql: Sql, endpointId: string, limit: number): Promise<DeliveryRow[]> {
      const { rows } = await sql.query<DeliveryRecord>(`SELECT * FROM ${deliveries} WHERE endpoint_id = $1 ORDER BY created_at DESC, id LIMIT $2`, [endpointId, limit]);
      return rows.map(deliveryOf);
    },

    /** Appends an attempt and sets the delivery's status; returns the attempt's number. */
    async recordAttempt(
      tx: Transaction,
      deliveryId: string,
      attempt: { outcome: AttemptOutcome | 'deferred'; httpStatus?: number; error?: string; durationMs?: number; breaker: BreakerState },
      status: DeliveryStatus,
    ): Promise<number> {
      const counted = attempt.outcome === 'deferred' ? 0 : 1;
      const { rows } = await tx.query<{ attempts: number }>(
        `UPDATE ${deliveries} SET status = $2, attempts = attempts + $3, updated_at = now(), delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
         WHERE id = $1 RETURNING attempts`,
        [deliveryId, status, counted],
      );
      const { rows: n } = await tx.query<{ n: number }>(`SELECT coalesce(max(n), 0) + 1 AS n FROM ${attempts} WHERE delivery_id = $1`, [deliveryId]);
      await tx.query(`INSERT INTO ${attempts} (delivery_id, n, outcome, http_status, error, duration_ms, breaker) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        deliveryId,
        n[0]!.n,
        attempt.outcome,
        attempt.httpStatus ?? null,
        attempt.error ?? null,
        attempt.durationMs ?? null,
        attempt.breaker,
      ]);
      return rows[0]?.attempts ?? 0;
    },

    async attemptsOf(sql: Sql, deliveryId: string): Promise<Attempt[]> {
      const { rows } = await sql.query<{ n: number; at: Time; outcome: Attempt['outcome']; http_status: number | null; error: string | null; duration_ms: number | null; breaker: BreakerState }>(
        `SELECT * FROM ${attempts} WHERE delivery_id = $1 ORDER BY n`,
        [deliveryId],
      );
      return rows.map((r) => ({ n: r.n, at: iso(r.at)!, outcome: r.outcome, httpStatus: r.http_status, error: r.error, durationMs: r.duration_ms, breaker: r.breaker }));
    },

    /** Endpoints holding deferred deliveries, locked (one releaser at a time per endpoint). */
    async endpointsWithDeferred(tx: Transaction): Promise<Endpoint[]> {
      const { rows } = await tx.query<EndpointRecord>(
        `SELECT * FROM ${endpoints} e WHERE EXISTS (SELECT 1 FROM ${deliveries} d WHERE d.endpoint_id = e.id AND d.status = 'deferred') FOR UPDATE SKIP LOCKED`,
      );
      return rows.map(endpointOf);
    },

    /** Marks the oldest `limit` deferred deliveries of an endpoint pending again and returns them. */
    async releaseDeferred(tx: Transaction, endpointId: string, limit: number): Promise<DeliveryRow[]> {
      const { rows } = await tx.query<DeliveryRecord>(
        `UPDATE ${deliveries} SET status = 'pending', updated_at = now()
         WHERE id IN (SELECT id FROM ${deliveries} WHERE endpoint_id = $1 AND status = 'deferred' ORDER BY updated_at, id LIMIT $2)
         RETURNING *`,
        [endpointId, limit],
      );
      return rows.map(deliveryOf);
    },
  };
}

/**
 * saas/webhooks' rules, pure: the per-endpoint circuit breaker, what an HTTP outcome means for
 * it, the signature tenants verify, and the document an event becomes for an endpoint.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_EVENT_TYPES = ['user.created', 'user.updated', 'user.deleted', 'payment.succeeded', 'payment.failed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

// ---------------------------------------------------------------------------------------------
// Circuit breaker

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface Breaker {
  readonly state: BreakerState;
  /** Unavailable answers in a row (reset by a success). */
  readonly failures: number;
  /** When it last opened (ms since epoch). */
  readonly openedAt: number | null;
  /** When the half-open probe started (ms since epoch). */
  readonly probeAt: number | null;
}

export interface BreakerSettings {
  /** Consecutive unavailable answers that open it. */
  readonly threshold: number;
  /** How long it stays open before one probe may go through. */
  readonly cooldownMs: number;
  /** A probe not settled after this long (its worker died) lets another probe go. */
  readonly probeTimeoutMs: number;
}

export const CLOSED: Breaker = { state: 'closed', failures: 0, openedAt: null, probeAt: null };

/**
 * What a worker may do with a job for this endpoint now: deliver it (closed), deliver it as the
 * one probe (open past its cool-down, or a probe that never settled), or defer it.
 */
export function admit(breaker: Breaker, now: number, settings: BreakerSettings): { readonly decision: 'deliver' | 'probe' | 'defer'; readonly breaker: Breaker } {
  if (breaker.state === 'closed') return { decision: 'deliver', breaker };
  const probeDue =
    breaker.state === 'open' ? now - (breaker.openedAt ?? 0) >= settings.cooldownMs : now - (breaker.probeAt ?? 0) >= settings.probeTimeoutMs;
  if (!probeDue) return { decision: 'defer', breaker };
  return { decision: 'probe', breaker: { ...breaker, state: 'half_open', probeAt: now } };
}

/** After a delivery the endpoint accepted: closed, the count reset. */
export function succeeded(): Breaker {
  return CLOSED;
}

/** After an unavailable answer: a failed probe opens it again; the threshold-th failure in a row opens it. */
export function failed(breaker: Breaker, now: number, settings: BreakerSettings): Breaker {
  const failures = breaker.failures + 1;
  if (breaker.state === 'half_open' || failures >= settings.threshold) return { state: 'open', failures, openedAt: now, probeAt: null };
  return { ...breaker, failures };
}

/** True when deferred jobs may be sent again: closed, or open with its cool-down over (one goes, as the probe). */
export function releasable(breaker: Breaker, now: number, settings: BreakerSettings): 'all' | 'one' | 'none' {
  if (breaker.state === 'closed') return 'all';
  if (breaker.state === 'open' && now - (breaker.openedAt ?? 0) >= settings.cooldownMs) return 'one';
  if (breaker.state === 'half_open' && now - (breaker.probeAt ?? 0) >= settings.probeTimeoutMs) return 'one';
  return 'none';
}

// ---------------------------------------------------------------------------------------------
// Outcomes

export type AttemptOutcome =
  /** 2xx. */
  | 'delivered'
  /** No answer, a timeout, 408, 429 or 5xx: the endpoint is down or overloaded; counts for the breaker. */
  | 'unavailable'
  /** Any other answer: the endpoint is up but refused this delivery; retried, never trips the breaker. */
  | 'rejected';

export function classify(status: number | undefined): AttemptOutcome {
  if (status === undefined) return 'unavailable';
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'unavailable';
  return 'rejected';
}

// ---------------------------------------------------------------------------------------------
// Signature

export const SIGNATURE_HEADER = 'webhook-signature';
export const TIMESTAMP_HEADER = 'webhook-timestamp';
export const ID_HEADER = 'webhook-id';

/**
 * HMAC-SHA256 with the endpoint's secret over `{timestamp}.{body}` (seconds since epoch), hex,
 * as `v1={hex}`. Signing the timestamp lets receivers refuse replays of old deliveries.
 */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The receiver's check: the signature matches and the timestamp is within `toleranceS` of `nowS`. */
export function verify(secret: string, headers: { timestamp: string | undefined; signature: string | undefined }, body: string, nowS: number, toleranceS = 300): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowS - timestamp) > toleranceS || !headers.signature) return false;
  const expected = Buffer.from(sign(secret, timestamp, body));
  const got = Buffer.from(headers.signature);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

/**
 * An endpoint's signing secret, derived from the service's master key and the endpoint id: shown
 * once at registration and never stored, so no endpoint row or message holds it.
 */
export function endpointSecret(masterKey: string, endpointId: string): string {
  return `whsec_${createHmac('sha256', masterKey).update(`endpoint:${endpointId}`).digest('base64url')}`;
}

// ---------------------------------------------------------------------------------------------
// Fan-out

/** The event as tenants see it: public type name, the event's id and time, the tenant, the payload. */
export function webhookBody(event: { type: WebhookEventType; eventId: string; occurredAt: string; tenantId: string; data: unknown }): Record<string, unknown> {
  return { id: event.eventId, type: event.type, occurredAt: event.occurredAt, tenantId: event.tenantId, data: event.data };
}

/** URLs tenants may register: https only (the contract's rule), no credentials in the URL. */
export function endpointUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol !== 'https:') return 'must be https://';
  if (parsed.username || parsed.password) return 'must not carry credentials';
  if (url.length > 2048) return 'is longer than 2048 characters';
  return undefined;
}

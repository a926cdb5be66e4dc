/**
 * Stage 2: one `process.webhook` job is one signed POST to one endpoint, guarded by the
 * endpoint's circuit breaker (state in the endpoints table, so every worker sees it):
 *
 * - breaker closed: POST; open and cooling down: the job is deferred (stored, acked) and the
 *   releaser (../jobs.ts) sends it again once a probe may go; open past its cool-down: this job
 *   is the one probe (half-open).
 * - 2xx: delivered, breaker closed. No answer, 408, 429, 5xx: the endpoint is unavailable, one
 *   more failure in a row for the breaker. Other answers: refused (the endpoint is up).
 * - Not delivered: the handler throws, so the job goes through the contract's retry ladder and,
 *   after its last attempt, to the dead-letter queue (`eventplane dlq list webhooks.process.webhook`).
 *
 * Every attempt (and every deferral) is recorded; the HTTP call runs outside any transaction.
 */
import * as client from '../../../../generated/clients/saas/webhooks.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { admit, classify, endpointSecret, failed, ID_HEADER, sign, SIGNATURE_HEADER, succeeded, TIMESTAMP_HEADER, type BreakerSettings } from '../domain.js';
import type { Endpoint, WebhooksRepository } from '../repository.js';
import { postWebhook } from '../sender.js';

/** A delivery attempt that did not reach a 2xx: retried through the ladder, dead-lettered after the last. */
export class WebhookNotDeliveredError extends Error {
  override readonly name = 'WebhookNotDeliveredError';
}

export const breakerSettings = (config: Config): BreakerSettings => ({
  threshold: config.WEBHOOK_BREAKER_THRESHOLD,
  cooldownMs: config.WEBHOOK_BREAKER_COOLDOWN_MS,
  probeTimeoutMs: config.WEBHOOK_TIMEOUT_MS * 3,
});

export function deliverWebhook(kit: ServiceKit<Config>, repo: WebhooksRepository, masterKey: string): client.WebhooksHandlers['onProcessWebhook'] {
  const { store, config } = kit;
  const settings = breakerSettings(config);
  const lastAttempt = client.webhooksProcessWebhookReceive.retry.retries + 1;
  return async (delivery, context) => {
    const job = delivery.payload;
    const admitted = await store.transaction(async (tx): Promise<{ endpoint: Endpoint } | undefined> => {
      const row = await repo.delivery(tx, job.deliveryId, { forUpdate: true });
      if (!row) throw new Error(`delivery ${job.deliveryId} is unknown: process.webhook jobs come from this service's fan-out only`);
      if (row.status === 'delivered' || row.status === 'dropped') return undefined;
      const endpoint = await repo.endpoint(tx, job.endpointId, { forUpdate: true });
      if (!endpoint) {
        await repo.recordAttempt(tx, row.id, { outcome: 'deferred', error: 'endpoint removed', breaker: 'closed' }, 'dropped');
        context.log.info({ deliveryId: row.id, endpointId: job.endpointId }, 'endpoint removed: delivery dropped');
        return undefined;
      }
      const { decision, breaker } = admit(endpoint.breaker, Date.now(), settings);
      if (decision === 'defer') {
        await repo.recordAttempt(tx, row.id, { outcome: 'deferred', breaker: breaker.state }, 'deferred');
        context.log.info({ deliveryId: row.id, endpointId: endpoint.id, breaker: breaker.state }, 'breaker open: delivery deferred');
        return undefined;
      }
      if (decision === 'probe') {
        await repo.saveBreaker(tx, endpoint.id, breaker);
        context.log.info({ deliveryId: row.id, endpointId: endpoint.id }, 'breaker half-open: this delivery is the probe');
      }
      return { endpoint };
    });
    if (!admitted) return;

    const body = JSON.stringify(job.body);
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await postWebhook(
      job.url,
      body,
      {
        [ID_HEADER]: job.deliveryId,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: sign(endpointSecret(masterKey, job.endpointId), timestamp, body),
        'webhook-event': job.eventType,
        ...(delivery.envelope.tenantId !== undefined ? { 'webhook-tenant': delivery.envelope.tenantId } : {}),
      },
      { timeoutMs: config.WEBHOOK_TIMEOUT_MS, ca: admitted.endpoint.tlsCa },
    );
    const outcome = classify(result.status);
    const last = delivery.attempt >= lastAttempt;
    const breaker = await store.transaction(async (tx) => {
      const endpoint = await repo.endpoint(tx, job.endpointId, { forUpdate: true });
      // An answer of any kind shows the endpoint is up; only silence and 5xx-like answers count against it.
      const next = outcome === 'unavailable' ? failed(endpoint?.breaker ?? admitted.endpoint.breaker, Date.now(), settings) : succeeded();
      if (endpoint) await repo.saveBreaker(tx, endpoint.id, next);
      await repo.recordAttempt(
        tx,
        job.deliveryId,
        {
          outcome,
          ...(result.status !== undefined ? { httpStatus: result.status } : {}),
          ...(result.error !== undefined ? { error: result.error } : {}),
          durationMs: result.durationMs,
          breaker: next.state,
        },
        outcome === 'delivered' ? 'delivered' : last ? 'dead_lettered' : 'pending',
      );
      return next;
    });
    const fields = { deliveryId: job.deliveryId, endpointId: job.endpointId, status: result.status, attempt: delivery.attempt, breaker: breaker.state };
    if (outcome === 'delivered') {
      context.log.info(fields, 'webhook delivered');
      return;
    }
    throw new WebhookNotDeliveredError(
      `${job.eventType} delivery ${job.deliveryId} to endpoint ${job.endpointId} ${outcome}: ${result.status !== undefined ? `HTTP ${result.status}` : result.error ?? 'no answer'}`,
    );
  };
}

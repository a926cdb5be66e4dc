/**
 * saas webhooks and reports end to end: both services as real processes on the test broker
 * (PostgreSQL, a schema each), with the retry ladder of `process.webhook` shortened in the
 * applied topology and the breaker's timings shortened through the service's environment.
 * The user and payment events come from the test side, published with the generated
 * publishers under the users and billing services' own broker users; the test side also
 * answers `get.user_profile` as users does. Every outcome is read back over HTTP (and the dead
 * letter with `eventplane dlq list`).
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as billingClient from '../../generated/clients/saas/billing.js';
import * as usersClient from '../../generated/clients/saas/users.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../scripts/demo/webhook-receiver.js';
import { createAmqpBus, type AmqpBus } from '../../src/runtime/amqp-bus.js';
import type { Delivery, Subscription } from '../../src/runtime/index.js';
import type { TopologyDocument } from '../../src/topology/types.js';
import { eventually, generatedTopology, http, startE2eStack, type E2eStack } from './support/e2e.js';

const RETRY_STEP_MS = 300;
const GRACE = '1d8f4b2a-7e3c-4a9d-b6e1-8c2f5a9d3b71';
const ACME = '4a1f8e2c-9b3d-4c7a-8e6f-1d5b9a3c7e40';
const GLOBEX = '7b2e9d4f-3c1a-4e8b-9f6d-2a5c8e1b7d93';
const WEBHOOKS = 'saas/webhooks';
const REPORTS = 'saas/reports';

/** The generated topology with every step of the process.webhook retry ladder 300 ms long. */
function shortLadder(): TopologyDocument {
  const topology = generatedTopology();
  return {
    ...topology,
    policies: topology.policies.map((p) =>
      p.vhost === 'saas' && p.name.startsWith('ep.webhooks.process.webhook.retry.') ? { ...p, definition: { ...p.definition, 'message-ttl': RETRY_STEP_MS } } : p,
    ),
  };
}

let e2e: E2eStack;
let users: AmqpBus;
let billing: AmqpBus;
let replier: Subscription | undefined;
let receiver: WebhookReceiver;

const quiet = () => pino({ level: 'silent' });

beforeAll(async () => {
  e2e = await startE2eStack({
    label: 'saasjobs',
    services: [WEBHOOKS, REPORTS],
    database: 'postgres',
    topology: shortLadder(),
    serviceEnv: {
      [WEBHOOKS]: { WEBHOOKS_MASTER_KEY: 'e2e-master-key-0123456789abcdefghij', WEBHOOK_BREAKER_THRESHOLD: '3', WEBHOOK_BREAKER_COOLDOWN_MS: '1500', WEBHOOK_RELEASE_MS: '200', WEBHOOK_TIMEOUT_MS: '3000' },
      [REPORTS]: { REPORTS_PROFILE_TIMEOUT_MS: '1500', REPORTS_SYNC_TIMEOUT_MS: '15000' },
    },
  });
  users = await createAmqpBus({ urls: [e2e.serviceAmqpUrl('saas/users')], service: usersClient.usersService, logger: quiet() });
  billing = await createAmqpBus({ urls: [e2e.serviceAmqpUrl('saas/billing')], service: billingClient.billingService, logger: quiet() });
  receiver = await startWebhookReceiver();
}, 180_000);

afterAll(async () => {
  await replier?.cancel();
  await receiver?.close();
  await users?.close();
  await billing?.close();
  await e2e?.dispose();
});

const api = (service: string, tenant: string) => ({
  call: <T = any>(method: string, path: string, body?: unknown) => http<T>(method, `${e2e.url(service)}/api/tenants/${tenant}${path}`, body),
});

const signedUp = (userId: string) => ({ userId, email: 'ada@example.com', fullName: 'Ada Lovelace', role: 'owner' as const, signupMethod: 'password' as const });

describe('webhooks', () => {
  it('endpoint down: retries, the breaker opens and defers, the endpoint comes back, the delivery arrives signed', async () => {
    const acme = api(WEBHOOKS, ACME);
    receiver.answer(503);
    const registered = await acme.call('POST', '/webhooks/endpoints', { url: receiver.url, events: ['user.created'], tlsCa: receiver.ca });
    expect(registered.status).toBe(201);
    const endpointId = registered.body.id as string;
    const secret = registered.body.secret as string;
    receiver.trust(secret);

    const userId = '9c3e7a1f-5b2d-4e8a-a6c4-3f7d1b9e5a82';
    await usersClient.createUsersPublisher(users).publishUserCreated(signedUp(userId), { tenantId: ACME, subject: userId });

    // Three unavailable answers in a row open the breaker; the job's next retry is deferred.
    const open = await eventually(
      () => acme.call('GET', `/webhooks/endpoints/${endpointId}`),
      (r) => r.body.breaker.state === 'open',
      { what: 'the breaker to open', timeoutMs: 30_000 },
    );
    expect(open.body.breaker.consecutiveFailures).toBe(3);
    const deliveryId = (await acme.call('GET', `/webhooks/endpoints/${endpointId}/deliveries`)).body.deliveries[0].id as string;
    const deferred = await eventually(
      () => acme.call('GET', `/webhooks/deliveries/${deliveryId}`),
      (r) => r.body.status === 'deferred',
      { what: 'the delivery to be deferred', timeoutMs: 30_000 },
    );
    expect(deferred.body.attemptLog.slice(0, 3).map((a: { outcome: string; httpStatus: number }) => `${a.outcome} ${a.httpStatus}`)).toEqual(Array(3).fill('unavailable 503'));
    expect(receiver.received.filter((r) => r.id === deliveryId).map((r) => r.answered)).toEqual([503, 503, 503]);

    receiver.answer(200);
    const delivered = await eventually(
      () => acme.call('GET', `/webhooks/deliveries/${deliveryId}`),
      (r) => r.body.status === 'delivered',
      { what: 'the delivery once the endpoint is back', timeoutMs: 30_000 },
    );
    const log = delivered.body.attemptLog as Array<{ outcome: string; breaker: string }>;
    expect(log.at(-1)).toMatchObject({ outcome: 'delivered', breaker: 'closed' });
    expect(log.some((a) => a.outcome === 'deferred')).toBe(true);
    expect((await acme.call('GET', `/webhooks/endpoints/${endpointId}`)).body.breaker).toMatchObject({ state: 'closed', consecutiveFailures: 0 });

    // The receiver's own check of the signature: HMAC-SHA256 over "timestamp.body" with the secret shown at registration.
    const arrived = receiver.received.find((r) => r.id === deliveryId && r.answered === 200)!;
    expect(arrived.signature).toBe(`v1=${createHmac('sha256', secret).update(`${arrived.timestamp}.${arrived.raw}`).digest('hex')}`);
    expect(arrived).toMatchObject({ verified: true, event: 'user.created', tenant: ACME, body: { type: 'user.created', tenantId: ACME, data: { userId } } });
  });

  it('a delivery the endpoint keeps refusing is dead-lettered after the last attempt, visible with eventplane dlq list', async () => {
    const globex = api(WEBHOOKS, GLOBEX);
    const refusing = await startWebhookReceiver();
    refusing.answer(400);
    try {
      const registered = await globex.call('POST', '/webhooks/endpoints', { url: refusing.url, events: ['payment.failed'], tlsCa: refusing.ca });
      expect(registered.status).toBe(201);
      const paymentId = '8a3d1f5c-2b7e-4c9a-9f6d-4e1b8c3a7d25';
      await billingClient.createBillingPublisher(billing).publishPaymentFailed(
        {
          paymentId,
          invoiceId: 'INV-2024-000143',
          subscriptionId: '3e8a1c6f-9d4b-4f2a-b7c1-5a9e3d7f1b84',
          plan: 'team',
          amount: { amount: '49.00', currency: 'EUR' },
          method: { type: 'card', brand: 'mastercard', last4: '4444' },
          failureCode: 'insufficient_funds',
          failureMessage: 'Your card has insufficient funds.',
          attempt: 1,
          nextAttemptAt: '2024-03-04T00:00:00Z',
          billingEmail: 'billing@example.com',
        },
        { tenantId: GLOBEX, subject: paymentId },
      );
      const dead = await eventually(
        async () => (await globex.call('GET', `/webhooks/endpoints/${registered.body.id}/deliveries`)).body.deliveries[0],
        (d) => d?.status === 'dead_lettered',
        { what: 'the delivery to be dead-lettered', timeoutMs: 30_000 },
      );
      // The first attempt and the contract's 5 retries, all refused (a refusal never opens the breaker).
      expect(dead.attempts).toBe(6);
      expect(refusing.received.filter((r) => r.id === dead.id)).toHaveLength(6);
      expect((await globex.call('GET', `/webhooks/endpoints/${registered.body.id}`)).body.breaker.state).toBe('closed');

      const listed = await eventually(
        async () => {
          const { stdout } = await promisify(execFile)('node', ['bin/eventplane.js', 'dlq', 'list', 'webhooks.process.webhook.dlq', '--json'], {
            env: { ...process.env, AMQP_URL: e2e.adminAmqpUrl('saas') },
          });
          return JSON.parse(stdout) as { letters: Array<{ type: string; reason: string; attempts: number; error: string }> };
        },
        (r) => r.letters.length >= 1,
        { what: 'the dead letter in the DLQ', timeoutMs: 15_000 },
      );
      expect(listed.letters[0]).toMatchObject({ type: 'saas.ProcessWebhook', reason: 'handler-failed', attempts: 6 });
      expect(listed.letters[0]!.error).toContain('HTTP 400');
    } finally {
      await refusing.close();
    }
  });
});

describe('reports', () => {
  const acme = () => api(REPORTS, ACME);

  beforeAll(async () => {
    replier = await users.subscribe(usersClient.usersGetUserProfileReceive, async (delivery: Delivery<'GetUserProfile', { userId: string }>) => {
      if (delivery.payload.userId !== GRACE || delivery.envelope.tenantId !== ACME) throw new Error(`no user ${delivery.payload.userId} in this tenant`);
      return { userId: GRACE, email: 'grace@example.com', fullName: 'Grace Hopper', role: 'admin', locale: 'en-US', status: 'active' };
    });
    const records = [
      { day: '2024-01-02', dimensions: { team: 'platform' }, value: '120' },
      { day: '2024-01-02', dimensions: { team: 'platform' }, value: '30' },
      { day: '2024-01-09', dimensions: { team: 'growth' }, value: '7.25' },
    ];
    expect((await acme().call('POST', '/reports/facts', { kind: 'usage', records })).status).toBe(201);
  });

  const request = { type: 'usage', format: 'csv', period: { from: '2024-01-01', to: '2024-01-31' }, requestedBy: { userId: GRACE } };

  it('by the work queue: 202, then built by a worker', async () => {
    const queued = await acme().call('POST', '/reports', request);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ status: 'queued', requestedBy: { email: 'grace@example.com' } });
    const ready = await eventually(() => acme().call('GET', `/reports/${queued.body.reportId}`), (r) => r.body.status === 'ready', { what: 'the report' });
    expect(ready.body).toMatchObject({ rowCount: 2 });
    const content = await fetch(ready.body.downloadUrl).then((r) => r.text());
    expect(content).toBe('day,team,total,facts\n2024-01-02,platform,150,2\n2024-01-09,growth,7.25,1\n');
  });

  it('synchronously over request/reply: ready in the answer; users not answering is a 504', async () => {
    const sync = await acme().call('POST', '/reports?sync=true', { ...request, filters: { team: 'growth' } });
    expect(sync.status).toBe(200);
    expect(sync.body).toMatchObject({ status: 'ready', rowCount: 1, requestedBy: { userId: GRACE, email: 'grace@example.com', locale: 'en-US' } });
    // An unknown requester: users' error reply is a 404.
    expect((await acme().call('POST', '/reports', { ...request, requestedBy: { userId: '9c3e7a1f-5b2d-4e8a-a6c4-3f7d1b9e5a82' } })).status).toBe(404);

    await replier!.cancel();
    replier = undefined;
    const started = Date.now();
    const timedOut = await acme().call('POST', '/reports?sync=true', request);
    expect(timedOut.status).toBe(504);
    expect(timedOut.body.detail).toContain('get.user_profile');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('each built report is announced: ReportGenerated reaches the notifications queue', async () => {
    const built = (await acme().call('GET', '/reports')).body.reports.filter((r: { status: string }) => r.status === 'ready').length;
    expect(built).toBe(2);
    await eventually(
      () => e2e.management.queue(`${e2e.namespace}saas`, 'notifications.saas.report.generated'),
      (q) => q?.['messages'] === built,
      { what: 'ReportGenerated in notifications.saas.report.generated (management stats refresh every few seconds)', timeoutMs: 30_000, intervalMs: 500 },
    );
  });
});

/**
 * saas/reports on the in-memory transport, with a stand-in for `users` answering
 * get.user_profile: facts recorded over REST become a CSV report through the generate.report
 * work queue, by request (202, then ready) and synchronously (?sync=true); the requester's
 * profile comes over request/reply, an unknown user is a 404.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as usersClient from '../../../../generated/clients/saas/users.js';
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import type { Delivery } from '../../../../src/runtime/index.js';
import { defineService, memoryTransport, sendsOf, startService, type RunningService } from '../../../../src/service-kit/index.js';
import { reports } from '../../../../services/saas/reports/service.js';

const GRACE = '1d8f4b2a-7e3c-4a9d-b6e1-8c2f5a9d3b71';
const TENANT = '4a1f8e2c-9b3d-4c7a-8e6f-1d5b9a3c7e40';
const GLOBEX = '7b2e9d4f-3c1a-4e8b-9f6d-2a5c8e1b7d93';
const transport = memoryTransport(JSON.parse(readFileSync('generated/topology.json', 'utf8')));
const env = { PORT: '0', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent', REPORTS_PROFILE_TIMEOUT_MS: '3000' };
let store: DurableStore;
let service: RunningService;
let users: RunningService;
const asked: Array<string | undefined> = [];

beforeAll(async () => {
  store = await openStore({ migrate: false });
  const options = { env, transport, sharedStore: store, processMetrics: false };
  service = await startService(reports, options);
  users = await startService(defineService({ service: usersClient.usersService, sends: sendsOf(usersClient), setup: () => {} }), options);
  await users.bus.subscribe(usersClient.usersGetUserProfileReceive, async (delivery: Delivery<'GetUserProfile', { userId: string }>) => {
    asked.push(delivery.envelope.tenantId);
    if (delivery.payload.userId !== GRACE) throw new Error(`no user ${delivery.payload.userId}`);
    return { userId: GRACE, email: 'grace@example.com', fullName: 'Grace Hopper', role: 'admin', locale: 'en-US', status: 'active' };
  });
}, 180_000);

afterAll(async () => {
  await users?.close();
  await service?.close();
  await store?.close();
  transport.close();
});

const call = async (method: string, path: string, body?: unknown, tenant = TENANT) => {
  const response = await fetch(`${service.url}/api/tenants/${tenant}${path}`, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
};

const request = { type: 'usage', format: 'csv', period: { from: '2024-01-01', to: '2024-01-31' }, requestedBy: { userId: GRACE }, filters: { team: 'platform' } };

describe('saas/reports', () => {
  beforeAll(async () => {
    const records = [
      { day: '2024-01-02', dimensions: { team: 'platform', product: 'api' }, value: '120' },
      { day: '2024-01-02', dimensions: { team: 'platform', product: 'api' }, value: '30.5' },
      { day: '2024-01-03', dimensions: { team: 'platform', product: 'web' }, value: '7' },
      { day: '2024-01-03', dimensions: { team: 'growth', product: 'api' }, value: '999' },
      { day: '2024-02-01', dimensions: { team: 'platform', product: 'api' }, value: '5' },
    ];
    expect((await call('POST', '/reports/facts', { kind: 'usage', records })).status).toBe(201);
    // Another tenant's facts never show in acme's reports.
    expect((await call('POST', '/reports/facts', { kind: 'usage', records: [{ day: '2024-01-02', dimensions: { team: 'platform', product: 'api' }, value: '1000' }] }, GLOBEX)).status).toBe(201);
  });

  it('builds a report synchronously: the profile over request/reply, the CSV from the facts in the period and filter', async () => {
    const { status, body } = await call('POST', '/reports?sync=true', request);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ready', rowCount: 2, requestedBy: { userId: GRACE, email: 'grace@example.com', locale: 'en-US' } });
    expect(asked).toContain(TENANT);
    const csv = await call('GET', `/reports/${body.reportId}/content`);
    expect(csv.body).toBe('day,product,team,total,facts\n2024-01-02,api,platform,150.5,2\n2024-01-03,web,platform,7,1\n');
    expect(body.sizeBytes).toBe(Buffer.byteLength(csv.body));
    expect(body.downloadUrl).toBe(`${service.url}/api/tenants/${TENANT}/reports/${body.reportId}/content`);
  });

  it('queues a report (202) that the work queue builds', async () => {
    const { status, body } = await call('POST', '/reports', { ...request, filters: {} });
    expect(status).toBe(202);
    expect(body.status).toBe('queued');
    const deadline = Date.now() + 10_000;
    let report = body;
    while (report.status !== 'ready' && Date.now() < deadline) report = (await call('GET', `/reports/${body.reportId}`)).body;
    expect(report).toMatchObject({ status: 'ready', rowCount: 3 });
  });

  it('answers 404 when users does not know the requester, and queues nothing', async () => {
    const before = (await call('GET', '/reports')).body.reports.length;
    const { status, body } = await call('POST', '/reports', { ...request, requestedBy: { userId: '9c3e7a1f-5b2d-4e8a-a6c4-3f7d1b9e5a82' } });
    expect(status).toBe(404);
    expect(body.detail).toContain('no user');
    expect((await call('GET', '/reports')).body.reports.length).toBe(before);
  });

  it('refuses a period that ends before it starts, and another tenant cannot read the report', async () => {
    expect((await call('POST', '/reports', { ...request, period: { from: '2024-02-01', to: '2024-01-01' } })).status).toBe(400);
    const { body } = await call('POST', '/reports?sync=true', request);
    expect((await call('GET', `/reports/${body.reportId}`, undefined, GLOBEX)).status).toBe(404);
  });
});

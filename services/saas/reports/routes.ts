/**
 * saas/reports's HTTP API, per tenant (`/api/tenants/{tenantId}/…`, as saas/users): record the facts reports are built
 * from, request a report (the requester's profile comes from `users` over request/reply; the
 * build goes to the work queue), read reports and download their content.
 */
import { randomUUID } from 'node:crypto';
import * as client from '../../../generated/clients/saas/reports.js';
import { RemoteError, RequestTimeoutError } from '../../../src/runtime/index.js';
import { badRequest, HttpProblem, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { periodProblem, REPORT_TYPES } from './domain.js';
import { events } from './handlers.js';
import type { Report, ReportsRepository, Requester } from './repository.js';

const tags = ['reports'];
const uuid = { type: 'string', format: 'uuid' } as const;
/** saas tenants are uuids, in the path as in saas/users' API. */
const tenantParams = { type: 'object', additionalProperties: false, required: ['tenantId'], properties: { tenantId: uuid } } as const;
const idParams = { type: 'object', additionalProperties: false, required: ['tenantId', 'id'], properties: { tenantId: uuid, id: uuid } } as const;
const isoDay = { type: 'string', format: 'date' } as const;
const dimensions = { type: 'object', maxProperties: 20, additionalProperties: { type: 'string', maxLength: 200 } } as const;

const factsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'records'],
  properties: {
    kind: { type: 'string', enum: [...REPORT_TYPES] },
    records: {
      type: 'array',
      minItems: 1,
      maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['day', 'value'],
        properties: { day: isoDay, dimensions, value: { type: 'string', pattern: '^-?\\d{1,15}(\\.\\d{1,6})?$' } },
      },
    },
  },
} as const;

const requestBody = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'period', 'requestedBy'],
  properties: {
    type: { type: 'string', enum: [...REPORT_TYPES] },
    format: { type: 'string', enum: ['csv'], default: 'csv', description: 'csv (xlsx and pdf are in the contract but not built yet)' },
    period: { type: 'object', additionalProperties: false, required: ['from', 'to'], properties: { from: isoDay, to: isoDay } },
    requestedBy: { type: 'object', additionalProperties: false, required: ['userId'], properties: { userId: { type: 'string', format: 'uuid' } } },
    filters: dimensions,
  },
} as const;

const gatewayTimeout = (detail: string, extra: Record<string, unknown> = {}) => new HttpProblem(504, 'Gateway Timeout', detail, extra);

export function registerRoutes(kit: ServiceKit<Config>, repo: ReportsRepository): void {
  const { app, store, config } = kit;
  // Requests only: what this service publishes goes through the outbox (./handlers.ts `events`).
  const users = client.createReportsPublisher({
    publish: () => Promise.reject(new Error('publish through the outbox')),
    request: (send, payload, options) => kit.requester.request(send, payload, options),
  });

  /** The requester's profile from `users` (request/reply over direct reply-to). */
  const requester = async (userId: string, tenantId: string): Promise<Requester> => {
    try {
      const profile = await users.requestUserProfile({ userId }, { timeoutMs: config.REPORTS_PROFILE_TIMEOUT_MS, tenantId });
      if (profile.status !== 'active') throw new HttpProblem(403, 'Forbidden', `user ${userId} is ${profile.status}`);
      return { userId: profile.userId, email: profile.email, ...(profile.locale !== undefined ? { locale: profile.locale } : {}) };
    } catch (error) {
      if (error instanceof RequestTimeoutError) throw gatewayTimeout(`users did not answer get.user_profile within ${config.REPORTS_PROFILE_TIMEOUT_MS} ms`);
      if (error instanceof RemoteError) throw notFound(`users could not give the profile of ${userId}: ${error.message}`);
      throw error;
    }
  };

  /** Waits for the report to be built (the work queue's worker may be another instance): bounded polling of the store. */
  const ready = async (reportId: string, tenantId: string): Promise<Report | undefined> => {
    const deadline = Date.now() + config.REPORTS_SYNC_TIMEOUT_MS;
    for (;;) {
      const report = await repo.report(store, reportId, tenantId);
      if (report?.status === 'ready') return report;
      if (Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  app.post('/api/tenants/:tenantId/reports/facts', { schema: { tags, summary: 'Record facts reports are computed from', params: tenantParams, body: factsBody } }, async (request, reply) => {
    await store.transaction((tx) => repo.addFacts(tx, request.params.tenantId, request.body.kind, request.body.records));
    reply.code(201);
    return { recorded: request.body.records.length };
  });

  app.post(
    '/api/tenants/:tenantId/reports',
    {
      schema: {
        tags,
        summary: 'Request a report',
        description:
          '202 with the queued report. With `sync=true`, waits for it: 200 with the ready report, 504 when it is not ready in time (it is still built; poll GET /api/tenants/{tenantId}/reports/{id}). ' +
          '404 when users does not know the requester, 504 when users does not answer.',
        params: tenantParams,
        body: requestBody,
        querystring: { type: 'object', additionalProperties: false, properties: { sync: { type: 'boolean', default: false } } },
      },
    },
    async (request, reply) => {
      const tenantId = request.params.tenantId;
      const body = request.body;
      const problem = periodProblem(body.period);
      if (problem) throw badRequest(problem);
      const requestedBy = await requester(body.requestedBy.userId, tenantId);
      const reportId = randomUUID();
      const job = { reportId, type: body.type, format: body.format ?? 'csv', period: body.period, requestedBy, filters: body.filters ?? {} };
      await store.transaction(async (tx) => {
        await repo.addReport(tx, tenantId, job);
        await events(kit.publisherIn(tx)).sendGenerateReport(job, { tenantId, subject: reportId });
      });
      if (!request.query.sync) {
        reply.code(202);
        return repo.report(store, reportId, tenantId);
      }
      const done = await ready(reportId, tenantId);
      if (!done) throw gatewayTimeout(`report ${reportId} was not ready within ${config.REPORTS_SYNC_TIMEOUT_MS} ms; it is still being built`, { reportId });
      return done;
    },
  );

  app.get(
    '/api/tenants/:tenantId/reports',
    { schema: { tags, summary: 'The tenant\u2019s reports, newest first', params: tenantParams, querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } } } },
    async (request) => ({ reports: await repo.reportsOf(store, request.params.tenantId, request.query.limit ?? 50) }),
  );

  app.get('/api/tenants/:tenantId/reports/:id', { schema: { tags, summary: 'One report', params: idParams } }, async (request) => {
    const report = await repo.report(store, request.params.id, request.params.tenantId);
    if (!report) throw notFound(`no report ${request.params.id} for this tenant`);
    return report;
  });

  app.get('/api/tenants/:tenantId/reports/:id/content', { schema: { tags, summary: 'Download a ready report', params: idParams } }, async (request, reply) => {
    const found = await repo.content(store, request.params.id, request.params.tenantId);
    if (!found) throw notFound(`no report ${request.params.id} for this tenant`);
    if (found.content === null) throw new HttpProblem(409, 'Conflict', `report ${request.params.id} is not ready yet`);
    if (found.expiresAt !== null && Date.parse(found.expiresAt) < Date.now()) throw new HttpProblem(410, 'Gone', `the link of report ${request.params.id} expired at ${found.expiresAt}`);
    reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="report-${request.params.id}.csv"`);
    return found.content;
  });
}

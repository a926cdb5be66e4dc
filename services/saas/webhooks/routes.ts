/**
 * saas/webhooks's HTTP API, per tenant (`/api/tenants/{tenantId}/…`, as saas/users): register an endpoint (its signing
 * secret is in the answer, once), list, read (with its breaker) and remove endpoints, and read
 * deliveries with every attempt.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { endpointSecret, endpointUrlProblem, WEBHOOK_EVENT_TYPES } from './domain.js';
import type { Endpoint, WebhooksRepository } from './repository.js';

const tags = ['webhooks'];
const uuid = { type: 'string', format: 'uuid' } as const;
/** saas tenants are uuids, in the path as in saas/users' API. */
const tenantParams = { type: 'object', additionalProperties: false, required: ['tenantId'], properties: { tenantId: uuid } } as const;
const idParams = { type: 'object', additionalProperties: false, required: ['tenantId', 'id'], properties: { tenantId: uuid, id: uuid } } as const;

const registerBody = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'events'],
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2048, description: 'https:// only' },
    events: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] } },
    tlsCa: { type: 'string', minLength: 1, maxLength: 20000, pattern: '-----BEGIN CERTIFICATE-----', description: 'PEM of the private CA the endpoint\u2019s certificate chains to' },
  },
} as const;

const view = (e: Endpoint) => ({
  id: e.id,
  url: e.url,
  events: e.events,
  privateCa: e.tlsCa !== null,
  createdAt: e.createdAt,
  breaker: {
    state: e.breaker.state,
    consecutiveFailures: e.breaker.failures,
    openedAt: e.breaker.openedAt === null ? null : new Date(e.breaker.openedAt).toISOString(),
  },
});

export function registerRoutes(kit: ServiceKit<Config>, repo: WebhooksRepository, masterKey: string): void {
  const { app, store } = kit;

  app.post(
    '/api/tenants/:tenantId/webhooks/endpoints',
    { schema: { tags, summary: 'Register an endpoint', description: '201 with the endpoint and its signing secret, shown this once.', params: tenantParams, body: registerBody } },
    async (request, reply) => {
      const problem = endpointUrlProblem(request.body.url);
      if (problem) throw badRequest(`url ${problem}`);
      const id = randomUUID();
      const endpoint = await repo.addEndpoint(store, { id, tenantId: request.params.tenantId, url: request.body.url, events: request.body.events, tlsCa: request.body.tlsCa ?? null });
      reply.code(201);
      return { ...view(endpoint), secret: endpointSecret(masterKey, id) };
    },
  );

  app.get('/api/tenants/:tenantId/webhooks/endpoints', { schema: { tags, summary: 'The tenant\u2019s endpoints', params: tenantParams } }, async (request) => ({
    endpoints: (await repo.endpointsOf(store, request.params.tenantId)).map(view),
  }));

  const endpointOf = async (id: string, tenantId: string) => {
    const endpoint = await repo.endpoint(store, id, { tenantId });
    if (!endpoint) throw notFound(`no endpoint ${id} for this tenant`);
    return endpoint;
  };

  app.get('/api/tenants/:tenantId/webhooks/endpoints/:id', { schema: { tags, summary: 'One endpoint with its circuit breaker', params: idParams } }, async (request) =>
    view(await endpointOf(request.params.id, request.params.tenantId)),
  );

  app.delete('/api/tenants/:tenantId/webhooks/endpoints/:id', { schema: { tags, summary: 'Remove an endpoint (its pending deliveries are dropped)', params: idParams } }, async (request, reply) => {
    if (!(await repo.removeEndpoint(store, request.params.id, request.params.tenantId))) throw notFound(`no endpoint ${request.params.id} for this tenant`);
    reply.code(204);
  });

  app.get(
    '/api/tenants/:tenantId/webhooks/endpoints/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The endpoint\u2019s deliveries, newest first',
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } } },
      },
    },
    async (request) => {
      const endpoint = await endpointOf(request.params.id, request.params.tenantId);
      return { deliveries: await repo.deliveriesOf(store, endpoint.id, request.query.limit ?? 50) };
    },
  );

  app.get('/api/tenants/:tenantId/webhooks/deliveries/:id', { schema: { tags, summary: 'One delivery with every attempt', params: idParams } }, async (request) => {
    const delivery = await repo.delivery(store, request.params.id, { tenantId: request.params.tenantId });
    if (!delivery) throw notFound(`no delivery ${request.params.id} for this tenant`);
    return { ...delivery, attemptLog: await repo.attemptsOf(store, delivery.id) };
  });
}

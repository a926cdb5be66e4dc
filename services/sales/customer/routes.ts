/** sales/customer's HTTP API: customers with their email timelines, and the leads. */
import { randomUUID } from 'node:crypto';
import { conflict, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import type { CustomerRepository, LeadRow, TimelineRow } from './repository.js';

const tags = ['customer'];
const domain = { type: 'string', pattern: '^[a-z0-9.-]+\\.[a-z]{2,}$', maxLength: 253 } as const;

const entry = (row: TimelineRow) => ({ ...row, received_at: new Date(row.received_at).toISOString() });
const lead = (row: LeadRow) => row;

export function registerRoutes(kit: ServiceKit<Config>, repo: CustomerRepository): void {
  const { app, store } = kit;

  app.post(
    '/api/customers',
    { schema: { tags, summary: 'Add a customer (its domain matches incoming emails); 409 when the domain has one', body: { type: 'object', additionalProperties: false, required: ['name', 'domain'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, domain } } } },
    async (request, reply) => {
      const customer = { id: randomUUID(), name: request.body.name, domain: request.body.domain };
      await store.transaction(async (tx) => {
        if (!(await repo.create(tx, customer))) throw conflict(`${customer.domain} already belongs to a customer`, { customer_id: (await repo.byDomain(tx, customer.domain))?.id });
        await repo.dropLead(tx, customer.domain);
      });
      return reply.code(201).send({ customer_id: customer.id, name: customer.name, domain: customer.domain });
    },
  );

  app.get('/api/customers/:customerId', { schema: { tags, summary: 'A customer and its latest emails', params: { type: 'object', required: ['customerId'], properties: { customerId: uuid } } } }, async (request) => {
    const row = await repo.byId(store, request.params.customerId);
    if (!row) throw notFound(`no customer ${request.params.customerId}`);
    return { customer_id: row.id, name: row.name, domain: row.domain, timeline: (await repo.timelineOf(store, row.id, 50)).map(entry) };
  });

  app.get('/api/customers', { schema: { tags, summary: 'The customer owning a domain', querystring: { type: 'object', additionalProperties: false, required: ['domain'], properties: { domain } } } }, async (request) => {
    const row = await repo.byDomain(store, request.query.domain);
    return row ? [{ customer_id: row.id, name: row.name, domain: row.domain }] : [];
  });

  app.get(
    '/api/leads',
    { schema: { tags, summary: 'Senders no customer matched, most promising first', querystring: { type: 'object', additionalProperties: false, properties: { domain, limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } } } } },
    async (request) => (await repo.leadsList(store, request.query.domain, request.query.limit ?? 20)).map(lead),
  );
}

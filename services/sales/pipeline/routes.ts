/** sales/pipeline's HTTP API: the opportunities, read-only (events move them). */
import { notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { STAGES } from './domain.js';
import type { OpportunityRow, PipelineRepository } from './repository.js';

const tags = ['pipeline'];

const view = (row: OpportunityRow) => ({
  opportunity_id: row.id,
  stage: row.stage,
  ...(row.customer_id ? { customer_id: row.customer_id } : {}),
  ...(row.sender_domain ? { sender_domain: row.sender_domain } : {}),
  ...(row.source_email_id ? { source_email_id: row.source_email_id } : {}),
  ...(row.quote_id ? { quote_id: row.quote_id, quote_number: row.quote_number } : {}),
  ...(row.amount ? { amount: row.amount } : {}),
  ...(row.po_number ? { po_number: row.po_number } : {}),
  history: row.history,
});

export function registerRoutes(kit: ServiceKit<Config>, repo: PipelineRepository): void {
  const { app, store } = kit;
  app.get(
    '/api/opportunities',
    {
      schema: {
        tags,
        summary: 'Opportunities, most recently moved first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { customer_id: uuid, quote_id: uuid, source_email_id: uuid, stage: { type: 'string', enum: [...STAGES] }, limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        },
      },
    },
    async (request) => {
      const { limit, ...filter } = request.query;
      return (await repo.list(store, filter, limit ?? 20)).map(view);
    },
  );
  app.get('/api/opportunities/:id', { schema: { tags, summary: 'An opportunity and its stage history', params: { type: 'object', required: ['id'], properties: { id: uuid } } } }, async (request) => {
    const row = await repo.byId(store, request.params.id);
    if (!row) throw notFound(`no opportunity ${request.params.id}`);
    return view(row);
  });
}

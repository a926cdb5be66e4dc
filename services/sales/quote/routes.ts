/** sales/quote's HTTP API: a rep issues a quote; anyone reads quotes back. */
import { randomUUID } from 'node:crypto';
import * as client from '../../../generated/clients/sales/quote.js';
import { badRequest, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { money, salesUser, sku, uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { approvalNeeded, priceLines, quoteNumber, QuoteRuleError, type Totals } from './domain.js';
import type { QuoteRepository } from './repository.js';
import { toQuote } from './view.js';

const tags = ['quote'];

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['customer_id', 'lines', 'created_by'],
  properties: {
    customer_id: uuid,
    opportunity_id: uuid,
    source_email_id: uuid,
    valid_until: { type: 'string', format: 'date' },
    created_by: salesUser,
    lines: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sku', 'description', 'quantity', 'unit_price'],
        properties: {
          sku,
          description: { type: 'string', minLength: 1, maxLength: 500 },
          quantity: { type: 'integer', minimum: 1, maximum: 100000 },
          unit_price: money,
          discount_percent: { type: 'number', minimum: 0, maximum: 100 },
        },
      },
    },
  },
} as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: QuoteRepository): void {
  const { app, store, config } = kit;

  app.post(
    '/api/quotes',
    {
      schema: {
        tags,
        summary: 'Issue a quote: prices the lines, publishes QuoteCreated and, beyond the rep’s authority, QuoteApprovalRequested',
        body: createBody,
      },
    },
    async (request, reply) => {
      const body = request.body;
      let totals: Totals;
      try {
        totals = priceLines(body.lines);
      } catch (error) {
        if (error instanceof QuoteRuleError) throw badRequest(error.message);
        throw error;
      }
      const validUntil = body.valid_until ?? new Date(Date.now() + config.QUOTE_VALIDITY_DAYS * 86_400_000).toISOString().slice(0, 10);
      if (validUntil < new Date().toISOString().slice(0, 10)) throw badRequest(`valid_until ${validUntil} is in the past`);
      const need = approvalNeeded(totals);
      const id = randomUUID();
      const row = await store.transaction(async (tx) => {
        const year = new Date().getUTCFullYear();
        const number = quoteNumber(year, await repo.nextNumber(tx, year));
        await repo.insert(tx, {
          id,
          quoteNumber: number,
          customerId: body.customer_id,
          ...(body.opportunity_id ? { opportunityId: body.opportunity_id } : {}),
          ...(body.source_email_id ? { sourceEmailId: body.source_email_id } : {}),
          totals,
          validUntil,
          createdBy: body.created_by,
          status: need.required ? 'pending_approval' : 'approved',
          ...(need.required ? { requiredLevel: need.level } : {}),
        });
        const events = client.createQuotePublisher(kit.publisherIn(tx));
        const options = { subject: id, correlationId: body.source_email_id ?? id };
        await events.publishQuoteCreated(
          {
            quote_id: id,
            quote_number: number,
            customer_id: body.customer_id,
            ...(body.opportunity_id ? { opportunity_id: body.opportunity_id } : {}),
            ...(body.source_email_id ? { source_email_id: body.source_email_id } : {}),
            lines: totals.lines,
            subtotal: totals.subtotal,
            discount_total: totals.discount_total,
            total: totals.total,
            valid_until: validUntil,
            requires_approval: need.required,
            created_by: body.created_by,
          },
          options,
        );
        if (need.required) {
          await events.publishQuoteApprovalRequested(
            {
              quote_id: id,
              quote_number: number,
              customer_id: body.customer_id,
              total: totals.total,
              max_discount_percent: totals.max_discount_percent,
              reasons: need.reasons,
              required_level: need.level,
              requested_by: body.created_by,
            },
            options,
          );
        }
        return (await repo.byId(tx, id))!;
      });
      return reply.code(201).send(toQuote(row));
    },
  );

  app.get('/api/quotes/:quoteId', { schema: { tags, summary: 'A quote with its approval and stock state', params: { type: 'object', required: ['quoteId'], properties: { quoteId: uuid } } } }, async (request) => {
    const row = await repo.byId(store, request.params.quoteId);
    if (!row) throw notFound(`no quote ${request.params.quoteId}`);
    return toQuote(row);
  });

  app.get(
    '/api/quotes',
    {
      schema: {
        tags,
        summary: 'Quotes, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { customer_id: uuid, status: { type: 'string', enum: ['approved', 'pending_approval', 'rejected'] }, limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        },
      },
    },
    async (request) => {
      const q = request.query;
      return (await repo.list(store, { ...(q.customer_id ? { customerId: q.customer_id } : {}), ...(q.status ? { status: q.status } : {}) }, q.limit ?? 20)).map(toQuote);
    },
  );
}

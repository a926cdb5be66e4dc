/** sales/po's HTTP API: enter a customer's PO against a quote; read POs. */
import { randomUUID } from 'node:crypto';
import type { Money, QuoteLine } from '../../../generated/types/sales.js';
import { conflict, HttpProblem, JsonClient, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { poNumber, release, toView } from './domain.js';
import type { PoRepository } from './repository.js';

const tags = ['po'];

interface QuoteView {
  quote_number: string;
  customer_id: string;
  lines: QuoteLine[];
  total: Money;
  valid_until: string;
  status: 'approved' | 'pending_approval' | 'rejected';
}

const enterBody = {
  type: 'object',
  additionalProperties: false,
  required: ['quote_id', 'payment_terms'],
  properties: {
    quote_id: uuid,
    customer_po_reference: { type: 'string', maxLength: 50 },
    payment_terms: { type: 'string', enum: ['prepaid', 'net_15', 'net_30', 'net_60'] },
    requested_delivery_date: { type: 'string', format: 'date' },
  },
} as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: PoRepository): void {
  const { app, store, config } = kit;
  const quotes = new JsonClient({ name: 'quote', baseUrl: config.QUOTE_URL, timeoutMs: 3_000 });

  app.post(
    '/api/purchase-orders',
    {
      schema: {
        tags,
        summary: "Enter a customer's PO against a quote",
        description: '201 created (PurchaseOrderCreated); 202 held until the quote is approved; 409 when the quote was rejected or has expired.',
        body: enterBody,
      },
    },
    async (request, reply) => {
      const body = request.body;
      const answer = await quotes.get(`/api/quotes/${body.quote_id}`);
      if (answer.status === 404) throw notFound(`no quote ${body.quote_id}`);
      if (answer.status !== 200) throw new HttpProblem(503, 'Service Unavailable', `the quote service answered ${answer.status}; try again`);
      const quote = answer.body as QuoteView;
      if (quote.valid_until < new Date().toISOString().slice(0, 10)) throw conflict(`quote ${quote.quote_number} expired on ${quote.valid_until}`);
      const row = await store.transaction(async (tx) => {
        await repo.lockQuote(tx, body.quote_id);
        const decision = await repo.decisionOf(tx, body.quote_id);
        if (quote.status === 'rejected' || decision?.decision === 'rejected') throw conflict(`quote ${quote.quote_number} was rejected${decision?.reason ? `: ${decision.reason}` : ''}`);
        const year = new Date().getUTCFullYear();
        const po = {
          id: randomUUID(),
          po_number: poNumber(year, await repo.nextNumber(tx, year)),
          customer_po_reference: body.customer_po_reference ?? null,
          quote_id: body.quote_id,
          quote_number: quote.quote_number,
          customer_id: quote.customer_id,
          lines: quote.lines,
          total: quote.total,
          payment_terms: body.payment_terms,
          requested_delivery_date: body.requested_delivery_date ?? null,
          status: 'held' as const,
        };
        await repo.insert(tx, po);
        const approved = quote.status === 'approved' || decision?.decision === 'granted';
        if (approved) await release(kit, repo, tx, { ...po, cancel_reason: null });
        return (await repo.byId(tx, po.id))!;
      });
      return reply.code(row.status === 'created' ? 201 : 202).send(toView(row));
    },
  );

  app.get('/api/purchase-orders/:poId', { schema: { tags, summary: 'A purchase order', params: { type: 'object', required: ['poId'], properties: { poId: uuid } } } }, async (request) => {
    const row = await repo.byId(store, request.params.poId);
    if (!row) throw notFound(`no purchase order ${request.params.poId}`);
    return toView(row);
  });

  app.get('/api/purchase-orders', { schema: { tags, summary: "A quote's purchase orders", querystring: { type: 'object', additionalProperties: false, required: ['quote_id'], properties: { quote_id: uuid } } } }, async (request) =>
    (await repo.ofQuote(store, request.query.quote_id)).map(toView),
  );
}

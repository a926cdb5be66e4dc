/** sales/approval's HTTP API: approvers list their tasks and approve or reject them. */
import * as client from '../../../generated/clients/sales/approval.js';
import type { ApprovalLevel, SalesUser } from '../../../generated/types/sales.js';
import type { Transaction } from '../../../src/durable/index.js';
import { conflict, HttpProblem, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { approvalLevel, salesUser, uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { mayDecide } from './domain.js';
import type { ApprovalRepository, ApprovalRow } from './repository.js';

const tags = ['approval'];

const view = (row: ApprovalRow) => ({
  approval_id: row.id,
  quote_id: row.quote_id,
  quote_number: row.quote_number,
  customer_id: row.customer_id,
  total: row.total,
  ...(row.max_discount_percent !== null ? { max_discount_percent: Number(row.max_discount_percent) } : {}),
  reasons: row.reasons,
  required_level: row.required_level,
  requested_by: row.requested_by,
  status: row.status,
  requested_at: new Date(row.created_at).toISOString(),
  ...(row.decided_by ? { decided_by: row.decided_by, decided_level: row.decided_level, decided_at: new Date(row.decided_at!).toISOString() } : {}),
  ...(row.comment ? { comment: row.comment } : {}),
  ...(row.conditions ? { conditions: row.conditions } : {}),
  ...(row.reason ? { reason: row.reason } : {}),
});

const approver = { type: 'object', additionalProperties: false, required: ['user', 'level'], properties: { user: salesUser, level: approvalLevel } } as const;
const params = { type: 'object', required: ['approvalId'], properties: { approvalId: uuid } } as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: ApprovalRepository): void {
  const { app, store } = kit;

  /** Locks the pending task and checks the approver's level; the caller publishes the decision. */
  const decide = <T>(id: string, by: { user: SalesUser; level: ApprovalLevel }, work: (row: ApprovalRow, events: client.ApprovalPublisher, tx: Transaction) => Promise<T>) =>
    store.transaction(async (tx) => {
      const row = await repo.byId(tx, id, true);
      if (!row) throw notFound(`no approval ${id}`);
      if (row.status !== 'pending') throw conflict(`approval ${id} was already ${row.status}`);
      if (!mayDecide(by.level, row.required_level)) throw new HttpProblem(403, 'Forbidden', `quote ${row.quote_number} needs a ${row.required_level} or above; ${by.user.name} is a ${by.level}`);
      await work(row, client.createApprovalPublisher(kit.publisherIn(tx)), tx);
      return view((await repo.byId(tx, id))!);
    });

  app.get(
    '/api/approvals',
    {
      schema: {
        tags,
        summary: 'Approval tasks, oldest first',
        querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['pending', 'granted', 'rejected'] }, quote_id: uuid, limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 } } },
      },
    },
    async (request) => {
      const q = request.query;
      return (await repo.list(store, { ...(q.status ? { status: q.status } : {}), ...(q.quote_id ? { quoteId: q.quote_id } : {}) }, q.limit ?? 50)).map(view);
    },
  );

  app.get('/api/approvals/:approvalId', { schema: { tags, summary: 'An approval task', params } }, async (request) => {
    const row = await repo.byId(store, request.params.approvalId);
    if (!row) throw notFound(`no approval ${request.params.approvalId}`);
    return view(row);
  });

  app.post(
    '/api/approvals/:approvalId/approve',
    {
      schema: {
        tags,
        summary: 'Approve the quote (ApprovalGranted); 403 below the required level, 409 when already decided',
        params,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['approver'],
          properties: { approver, comment: { type: 'string', maxLength: 2000 }, conditions: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 500 } } },
        },
      },
    },
    async (request) => {
      const { approver: by, comment, conditions } = request.body;
      return decide(request.params.approvalId, by, async (row, events, tx) => {
        await repo.decide(tx, row.id, { status: 'granted', by: by.user, level: by.level, ...(comment ? { comment } : {}), ...(conditions ? { conditions } : {}) });
        await events.publishApprovalGranted(
          {
            approval_id: row.id,
            quote_id: row.quote_id,
            quote_number: row.quote_number,
            level: row.required_level,
            approved_by: by.user,
            ...(comment ? { comment } : {}),
            ...(conditions ? { conditions } : {}),
          },
          { subject: row.quote_id, correlationId: row.quote_id },
        );
      });
    },
  );

  app.post(
    '/api/approvals/:approvalId/reject',
    {
      schema: {
        tags,
        summary: 'Reject the quote (ApprovalRejected); 403 below the required level, 409 when already decided',
        params,
        body: { type: 'object', additionalProperties: false, required: ['approver', 'reason'], properties: { approver, reason: { type: 'string', minLength: 1, maxLength: 2000 } } },
      },
    },
    async (request) => {
      const { approver: by, reason } = request.body;
      return decide(request.params.approvalId, by, async (row, events, tx) => {
        await repo.decide(tx, row.id, { status: 'rejected', by: by.user, level: by.level, reason });
        await events.publishApprovalRejected(
          { approval_id: row.id, quote_id: row.quote_id, quote_number: row.quote_number, level: row.required_level, rejected_by: by.user, reason },
          { subject: row.quote_id, correlationId: row.quote_id },
        );
      });
    },
  );
}

/** sales/email's HTTP API: the inbox connector hands in each received email; people read the results. */
import { randomUUID } from 'node:crypto';
import * as client from '../../../generated/clients/sales/email.js';
import { nameBasedUuid, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { classify, MODEL_VERSION } from './classifier.js';
import type { Config } from './config.js';
import { toV1, toV2, type IncomingEmail } from './domain.js';
import type { EmailRepository, EmailRow } from './repository.js';

const tags = ['email'];
const emailAddress = { type: 'string', format: 'email', maxLength: 254 } as const;

const receiveBody = {
  type: 'object',
  additionalProperties: false,
  required: ['mailbox', 'from_address', 'subject', 'body'],
  properties: {
    message_id: { type: 'string', minLength: 1, maxLength: 998, description: "The email's Message-ID header: the same one twice is classified once." },
    mailbox: emailAddress,
    from_address: emailAddress,
    from_name: { type: 'string', maxLength: 200 },
    subject: { type: 'string', maxLength: 998 },
    body: { type: 'string', maxLength: 100000 },
    received_at: { type: 'string', format: 'date-time' },
    customer_id: { type: 'string', format: 'uuid', description: 'The customer the inbox already matched the sender to.' },
  },
} as const;

const view = (row: EmailRow) => ({
  email_id: row.id,
  mailbox: row.mailbox,
  from_address: row.from_address,
  subject: row.subject,
  received_at: new Date(row.received_at).toISOString(),
  category: row.category,
  classifications: row.classifications,
  priority: { score: row.priority_score, band: row.priority_band },
  language: row.language,
  model_version: row.model_version,
  ...(row.customer_id ? { customer_id: row.customer_id } : {}),
});

export function registerRoutes(kit: ServiceKit<Config>, repo: EmailRepository): void {
  const { app, store } = kit;

  app.post(
    '/api/emails',
    {
      schema: {
        tags,
        summary: 'Receive an email: classify it and publish EmailClassified (v1) and EmailClassifiedV2',
        description: '201 with the classification; 200 when an email with this message_id was received before.',
        body: receiveBody,
      },
    },
    async (request, reply) => {
      const body = request.body;
      const outcome = await store.transaction(async (tx) => {
        if (body.message_id) {
          const earlier = await repo.byMessageId(tx, body.message_id);
          if (earlier) return { created: false, row: earlier };
        }
        const email: IncomingEmail & { messageId?: string; body: string } = {
          emailId: body.message_id ? nameBasedUuid('sales/email', body.message_id) : randomUUID(),
          mailbox: body.mailbox,
          fromAddress: body.from_address,
          subject: body.subject,
          body: body.body,
          receivedAt: body.received_at ?? new Date().toISOString(),
          ...(body.message_id ? { messageId: body.message_id } : {}),
          ...(body.from_name ? { fromName: body.from_name } : {}),
          ...(body.customer_id ? { customerId: body.customer_id } : {}),
        };
        const result = classify({ subject: email.subject, body: email.body, knownSender: email.customerId !== undefined });
        await repo.insert(tx, email, result, MODEL_VERSION);
        // Both versions, in the same transaction: every v1 consumer and every v2 consumer hears of every email.
        const events = client.createEmailPublisher(kit.publisherIn(tx));
        await events.publishEmailClassified(toV1(email, result), { subject: email.emailId, correlationId: email.emailId });
        await events.publishEmailClassifiedV2(toV2(email, result), { subject: email.emailId, correlationId: email.emailId });
        return { created: true, row: (await repo.byId(tx, email.emailId))! };
      });
      return reply.code(outcome.created ? 201 : 200).send(view(outcome.row));
    },
  );

  app.get('/api/emails/:emailId', { schema: { tags, summary: 'A classified email', params: { type: 'object', required: ['emailId'], properties: { emailId: { type: 'string', format: 'uuid' } } } } }, async (request) => {
    const row = await repo.byId(store, request.params.emailId);
    if (!row) throw notFound(`no email ${request.params.emailId}`);
    return view(row);
  });

  app.get(
    '/api/emails',
    {
      schema: {
        tags,
        summary: 'The latest classified emails',
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } } },
      },
    },
    async (request) => (await repo.recent(store, request.query.limit ?? 20)).map(view),
  );
}

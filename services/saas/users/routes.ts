/**
 * saas/users' HTTP API: CRUD of a tenant's users under /api/tenants/{tenantId}/users. Each change
 * commits with its event (UserCreated, UserUpdated, UserDeleted) through the outbox, tagged with
 * the tenant (`ce-tenantid`) and the user (`ce-subject`).
 */
import { randomUUID } from 'node:crypto';
import * as client from '../../../generated/clients/saas/users.js';
import type { UserDeletedReason, UserFields } from '../../../generated/types/saas.js';
import type { Transaction } from '../../../src/durable/index.js';
import { conflict, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { email, locale, role, tenantParams, uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { applyPatch, diffUser } from './domain.js';
import type { UsersRepository } from './repository.js';

const tags = ['users'];
const fullName = { type: 'string', minLength: 1, maxLength: 200 } as const;
const userParams = { type: 'object', required: ['tenantId', 'userId'], additionalProperties: false, properties: { tenantId: uuid, userId: uuid } } as const;

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'fullName'],
  properties: {
    userId: { ...uuid, description: 'chosen by the caller to make a retried request safe; generated otherwise' },
    email,
    fullName,
    role: { ...role, default: 'member' },
    locale,
    signupMethod: { type: 'string', enum: ['password', 'google', 'microsoft', 'saml', 'invitation'], default: 'password' },
    invitedBy: uuid,
  },
} as const;

const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { email, fullName, role, locale, status: { type: 'string', enum: ['active', 'suspended'] } },
} as const;

const deleteQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    reason: { type: 'string', enum: ['user_request', 'admin_action', 'tenant_closed', 'gdpr_erasure', 'inactivity'], default: 'admin_action' },
    erase: { type: 'boolean', description: 'subscribers must erase what they hold about the user (always true for gdpr_erasure)' },
  },
} as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: UsersRepository): void {
  const { app, store } = kit;
  const events = (tx: Transaction) => client.createUsersPublisher(kit.publisherIn(tx));

  app.post('/api/tenants/:tenantId/users', { schema: { tags, summary: 'Add a user to the tenant (UserCreated)', params: tenantParams, body: createBody } }, async (request, reply) => {
    const { tenantId } = request.params;
    const body = request.body;
    const userId = body.userId ?? randomUUID();
    const outcome = await store.transaction(async (tx) => {
      const user = {
        tenantId,
        userId,
        email: body.email,
        fullName: body.fullName,
        role: body.role ?? 'member',
        ...(body.locale ? { locale: body.locale } : {}),
        signupMethod: body.signupMethod ?? 'password',
        ...(body.invitedBy ? { invitedBy: body.invitedBy } : {}),
      };
      if (!(await repo.insert(tx, user))) {
        const existing = await repo.get(tx, tenantId, userId);
        // The same request again (same id and email): answer as before, publish nothing new.
        if (existing && existing.email.toLowerCase() === body.email.toLowerCase()) return { user: existing, created: false };
        throw conflict(existing ? `user ${userId} exists with another email` : `tenant ${tenantId} has a user with email ${body.email} already`);
      }
      await events(tx).publishUserCreated(
        {
          userId,
          email: user.email,
          fullName: user.fullName,
          role: user.role,
          ...(user.locale ? { locale: user.locale } : {}),
          signupMethod: user.signupMethod,
          ...(user.invitedBy ? { invitedBy: user.invitedBy } : {}),
        },
        { subject: userId, tenantId },
      );
      return { user: (await repo.get(tx, tenantId, userId))!, created: true };
    });
    return reply.code(outcome.created ? 201 : 200).send(outcome.user);
  });

  app.get(
    '/api/tenants/:tenantId/users',
    {
      schema: {
        tags,
        summary: "The tenant's users, oldest first",
        params: tenantParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, offset: { type: 'integer', minimum: 0, default: 0 } },
        },
      },
    },
    async (request) => repo.list(store, request.params.tenantId, request.query.limit ?? 100, request.query.offset ?? 0),
  );

  app.get('/api/tenants/:tenantId/users/:userId', { schema: { tags, summary: 'A user of the tenant', params: userParams } }, async (request) => {
    const user = await repo.get(store, request.params.tenantId, request.params.userId);
    if (!user) throw notFound(`tenant ${request.params.tenantId} has no user ${request.params.userId}`);
    return user;
  });

  app.patch('/api/tenants/:tenantId/users/:userId', { schema: { tags, summary: 'Change profile fields, role or status (UserUpdated)', params: userParams, body: patchBody } }, async (request) => {
    const { tenantId, userId } = request.params;
    const patch = request.body as UserFields;
    return store.transaction(async (tx) => {
      const current = await repo.get(tx, tenantId, userId, true);
      if (!current) throw notFound(`tenant ${tenantId} has no user ${userId}`);
      const diff = diffUser(current, patch);
      if (!diff) return current;
      if (diff.changes.email !== undefined && (await repo.emailTaken(tx, tenantId, diff.changes.email, userId))) throw conflict(`tenant ${tenantId} has a user with email ${diff.changes.email} already`);
      const updated = await repo.update(tx, applyPatch(current, patch));
      await events(tx).publishUserUpdated({ userId, ...diff }, { subject: userId, tenantId });
      return updated;
    });
  });

  app.delete('/api/tenants/:tenantId/users/:userId', { schema: { tags, summary: 'Remove a user from the tenant (UserDeleted)', params: userParams, querystring: deleteQuery } }, async (request, reply) => {
    const { tenantId, userId } = request.params;
    const reason = (request.query.reason ?? 'admin_action') as UserDeletedReason;
    await store.transaction(async (tx) => {
      if (!(await repo.delete(tx, tenantId, userId))) throw notFound(`tenant ${tenantId} has no user ${userId}`);
      await events(tx).publishUserDeleted({ userId, reason, erasePersonalData: reason === 'gdpr_erasure' || request.query.erase === true }, { subject: userId, tenantId });
    });
    return reply.code(204).send();
  });
}

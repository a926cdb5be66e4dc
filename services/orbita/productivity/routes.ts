/** orbita/productivity's HTTP API: create, read and complete tasks. Each change commits with its event (outbox). */
import { randomUUID } from 'node:crypto';
import * as client from '../../../generated/clients/orbita/productivity.js';
import type { TaskCreated } from '../../../generated/types/orbita.js';
import type { Transaction } from '../../../src/durable/index.js';
import { conflict, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { dateTime, idParams, userQuery, uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { completion } from './domain.js';
import type { ProductivityRepository } from './repository.js';

const tags = ['tasks'];

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'title', 'estimateMinutes'],
  properties: {
    taskId: { ...uuid, description: 'Chosen by the client to make a retried create idempotent.' },
    userId: uuid,
    title: { type: 'string', minLength: 1, maxLength: 500 },
    projectId: uuid,
    priority: { type: 'string', enum: ['p1', 'p2', 'p3', 'p4'], default: 'p3' },
    estimateMinutes: { type: 'integer', minimum: 5, maximum: 480 },
    dueAt: dateTime,
    labels: { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }, default: [] },
    autoSchedule: { type: 'boolean', default: true, description: 'Scheduling plans focus blocks before the due time.' },
  },
} as const;

const completeBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    actualMinutes: { type: 'integer', minimum: 0, maximum: 100000 },
    completedAt: { ...dateTime, description: 'Default: now.' },
  },
} as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: ProductivityRepository): void {
  const { app, store } = kit;
  const events = (tx: Transaction) => client.createProductivityPublisher(kit.publisherIn(tx));

  app.post('/api/tasks', { schema: { tags, summary: 'Add a task (TaskCreated)', description: '201 created; 200 when this taskId exists already.', body: createBody } }, async (request, reply) => {
    const b = request.body;
    const created: TaskCreated = {
      taskId: b.taskId ?? randomUUID(),
      userId: b.userId,
      title: b.title,
      ...(b.projectId !== undefined ? { projectId: b.projectId } : {}),
      priority: b.priority ?? 'p3',
      estimateMinutes: b.estimateMinutes,
      ...(b.dueAt !== undefined ? { dueAt: new Date(b.dueAt).toISOString() } : {}),
      labels: [...(b.labels ?? [])],
      autoSchedule: b.autoSchedule ?? true,
    };
    const outcome = await store.transaction(async (tx) => {
      const earlier = await repo.task(tx, created.taskId, true);
      if (earlier) return { code: 200, task: earlier };
      await repo.insert(tx, created);
      await events(tx).publishTaskCreated(created, { subject: created.taskId });
      return { code: 201, task: (await repo.task(tx, created.taskId))! };
    });
    return reply.code(outcome.code).send(outcome.task);
  });

  app.post(
    '/api/tasks/:id/complete',
    { schema: { tags, summary: 'Complete a task (TaskCompleted)', description: 'Completing a done task again changes nothing.', params: idParams, body: completeBody } },
    async (request) =>
      store.transaction(async (tx) => {
        const task = await repo.task(tx, request.params.id, true);
        if (!task) throw notFound(`no task ${request.params.id}`);
        if (task.status === 'done') return task;
        const completedAt = new Date(request.body?.completedAt ?? Date.now()).toISOString();
        if (Date.parse(completedAt) < Date.parse(task.createdAt) - 60_000) throw conflict(`completedAt ${completedAt} is before the task was created`);
        const done = completion(task, completedAt, request.body?.actualMinutes);
        await repo.markDone(tx, task.taskId, { completedAt, completedOnTime: done.completedOnTime, ...(done.actualMinutes !== undefined ? { actualMinutes: done.actualMinutes } : {}) });
        await events(tx).publishTaskCompleted(done, { subject: task.taskId });
        return (await repo.task(tx, task.taskId))!;
      }),
  );

  app.get('/api/tasks/:id', { schema: { tags, summary: 'A task', params: idParams } }, async (request) => {
    const task = await repo.task(store, request.params.id);
    if (!task) throw notFound(`no task ${request.params.id}`);
    return task;
  });

  app.get('/api/tasks', { schema: { tags, summary: "A user's tasks", querystring: userQuery } }, async (request) => ({ tasks: await repo.ofUser(store, request.query.userId) }));
}

/** orbita/scheduling's HTTP API: blocks placed, moved, started and cancelled by the user, the blocks and their history, 1:1 series. */
import { randomUUID } from 'node:crypto';
import { badRequest, conflict, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import { idParams, timeRange, uuid } from '../_shared/schemas.js';
import { toRange, toSpan, type TimeRange } from '../_shared/time.js';
import type { Config } from './config.js';
import type { Block, SchedulingRepository } from './repository.js';
import type { Steps } from './steps.js';

const tags = ['blocks'];

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['userId', 'kind', 'time'],
  properties: {
    blockId: { ...uuid, description: 'Chosen by the client to make a retried create idempotent.' },
    userId: uuid,
    kind: { type: 'string', enum: ['task', 'habit', 'meeting_prep', 'focus'] },
    taskId: { ...uuid, description: 'Required for `task` blocks.' },
    habitId: { ...uuid, description: 'Required for `habit` blocks.' },
    meetingSeriesId: { ...uuid, description: 'Required for `meeting_prep` blocks.' },
    time: timeRange,
  },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['userId'],
  properties: { userId: uuid, taskId: uuid, status: { type: 'string', enum: ['scheduled', 'started', 'cancelled', 'missed'] } },
} as const;

/** The range normalised, or a 400 naming the field. */
function checkedRange(range: TimeRange, field: string): TimeRange {
  const span = toSpan(range);
  if (!(span.end > span.start)) throw badRequest(`${field}/end must be after start`);
  return toRange(span);
}

export function registerRoutes(kit: ServiceKit<Config>, repo: SchedulingRepository, step: Steps): void {
  const { app, store } = kit;
  const withHistory = async (block: Block) => {
    const { span: _span, ...shown } = block;
    return { ...shown, history: await repo.history(store, block.blockId) };
  };
  const scheduledBlock = async (tx: Parameters<Steps['start']>[0], id: string): Promise<Block> => {
    const block = await repo.block(tx, id, true);
    if (!block) throw notFound(`no block ${id}`);
    if (block.status !== 'scheduled') throw conflict(`block ${id} is ${block.status}`);
    return block;
  };

  app.post('/api/blocks', { schema: { tags, summary: 'Place a block by hand (BlockScheduled)', description: '201 placed; 200 when this blockId exists already.', body: createBody } }, async (request, reply) => {
    const b = request.body;
    const target = { task: 'taskId', habit: 'habitId', meeting_prep: 'meetingSeriesId', focus: undefined }[b.kind];
    if (target !== undefined && b[target as 'taskId' | 'habitId' | 'meetingSeriesId'] === undefined) throw badRequest(`body/${target} is required for a ${b.kind} block`);
    const time = checkedRange(b.time, 'body/time');
    const blockId = b.blockId ?? randomUUID();
    const created = await store.transaction(async (tx) => {
      await repo.lockUser(tx, b.userId);
      if (await repo.block(tx, blockId)) return false;
      await step.schedule(tx, {
        blockId,
        userId: b.userId,
        kind: b.kind,
        ...(b.taskId !== undefined ? { taskId: b.taskId } : {}),
        ...(b.habitId !== undefined ? { habitId: b.habitId } : {}),
        ...(b.meetingSeriesId !== undefined ? { meetingSeriesId: b.meetingSeriesId } : {}),
        time,
        origin: 'manual',
      });
      return true;
    });
    return reply.code(created ? 201 : 200).send(await withHistory((await repo.block(store, blockId))!));
  });

  app.patch(
    '/api/blocks/:id',
    { schema: { tags, summary: 'Move a scheduled block (BlockRescheduled)', params: idParams, body: { type: 'object', additionalProperties: false, required: ['time'], properties: { time: timeRange } } } },
    async (request) => {
      const time = checkedRange(request.body.time, 'body/time');
      await store.transaction(async (tx) => step.reschedule(tx, await scheduledBlock(tx, request.params.id), time, 'manual'));
      return withHistory((await repo.block(store, request.params.id))!);
    },
  );

  app.post('/api/blocks/:id/start', { schema: { tags, summary: 'Start a scheduled block: it can no longer be missed', params: idParams } }, async (request) => {
    await store.transaction(async (tx) => step.start(tx, await scheduledBlock(tx, request.params.id)));
    return withHistory((await repo.block(store, request.params.id))!);
  });

  app.delete('/api/blocks/:id', { schema: { tags, summary: 'Cancel a scheduled block (BlockCancelled)', params: idParams } }, async (request) => {
    await store.transaction(async (tx) => step.cancel(tx, await scheduledBlock(tx, request.params.id), 'manual'));
    return withHistory((await repo.block(store, request.params.id))!);
  });

  app.get('/api/blocks/:id', { schema: { tags, summary: 'A block and every event it had, in order', params: idParams } }, async (request) => {
    const block = await repo.block(store, request.params.id);
    if (!block) throw notFound(`no block ${request.params.id}`);
    return withHistory(block);
  });

  app.get('/api/blocks', { schema: { tags, summary: "A user's blocks (of one task, in one status)", querystring: listQuery } }, async (request) => {
    const q = request.query;
    const blocks = await repo.blocks(store, { userId: q.userId, ...(q.taskId !== undefined ? { taskId: q.taskId } : {}), ...(q.status !== undefined ? { status: q.status } : {}) });
    return { blocks: blocks.map(({ span: _span, ...shown }) => shown) };
  });

  app.get('/api/series/:id', { schema: { tags: ['series'], summary: "A 1:1 series as scheduling knows it: frequencies applied in order, and breaks in that order", params: idParams } }, async (request) => {
    const series = await repo.series(store, request.params.id);
    if (!series) throw notFound(`scheduling has no series ${request.params.id}`);
    return series;
  });
}

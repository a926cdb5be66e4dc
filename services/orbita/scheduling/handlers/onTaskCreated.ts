/** orbita/scheduling onTaskCreated: plans focus blocks for an auto-scheduled task before its due time (BlockScheduled each). */
import { randomUUID } from 'node:crypto';
import * as client from '../../../../generated/clients/orbita/scheduling.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import { toRange } from '../../_shared/time.js';
import type { Config } from '../config.js';
import { planBlocks } from '../domain.js';
import type { SchedulingRepository } from '../repository.js';
import type { Steps } from '../steps.js';

export function onTaskCreated(kit: ServiceKit<Config>, repo: SchedulingRepository, step: Steps): client.SchedulingHandlers['onTaskCreated'] {
  const { config } = kit;
  return kit.handle(client.schedulingQueueReceive, async (delivery, context, tx) => {
    const task = delivery.payload;
    if (!task.autoSchedule) return;
    await repo.lockUser(tx, task.userId);
    if ((await repo.blocks(tx, { userId: task.userId, taskId: task.taskId })).length > 0) return;
    const plan = planBlocks({
      minutes: task.estimateMinutes,
      from: Date.now(),
      ...(task.dueAt !== undefined ? { until: Date.parse(task.dueAt) } : {}),
      busy: await repo.busyOf(tx, task.userId),
      workday: step.workday,
      maxBlockMinutes: config.MAX_BLOCK_MINUTES,
      minBlockMinutes: config.MIN_BLOCK_MINUTES,
    });
    for (const span of plan.blocks) {
      await step.schedule(tx, { blockId: randomUUID(), userId: task.userId, kind: 'task', taskId: task.taskId, time: toRange(span), origin: 'auto' });
    }
    if (plan.unplacedMinutes > 0) context.log.warn({ taskId: task.taskId, unplacedMinutes: plan.unplacedMinutes }, 'not all of the task fits before its due time');
  });
}

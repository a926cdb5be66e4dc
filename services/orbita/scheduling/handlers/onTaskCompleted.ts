/** orbita/scheduling onTaskCompleted: the task's blocks still ahead are freed (BlockCancelled, task_completed). */
import * as client from '../../../../generated/clients/orbita/scheduling.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { SchedulingRepository } from '../repository.js';
import type { Steps } from '../steps.js';

export function onTaskCompleted(kit: ServiceKit<Config>, repo: SchedulingRepository, step: Steps): client.SchedulingHandlers['onTaskCompleted'] {
  return kit.handle(client.schedulingQueueReceive, async (delivery, _context, tx) => {
    const task = delivery.payload;
    await repo.lockUser(tx, task.userId);
    for (const block of await repo.blocks(tx, { userId: task.userId, taskId: task.taskId, status: 'scheduled' })) {
      const locked = await repo.block(tx, block.blockId, true);
      if (locked?.status === 'scheduled') await step.cancel(tx, locked, 'task_completed');
    }
  });
}

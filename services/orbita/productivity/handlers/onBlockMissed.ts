/** orbita/productivity onBlockMissed: a missed focus block of a task makes it slip or puts it at risk. */
import * as client from '../../../../generated/clients/orbita/productivity.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { afterMissedBlock } from '../domain.js';
import type { ProductivityRepository } from '../repository.js';

export function onBlockMissed(kit: ServiceKit<Config>, repo: ProductivityRepository): client.ProductivityHandlers['onBlockMissed'] {
  return kit.handle(client.productivityQueueReceive, async (delivery, context, tx) => {
    const missed = delivery.payload;
    // Habit slots and other blocks are habits' and insights' business.
    if (missed.kind !== 'task' || missed.taskId === undefined) return;
    const task = await repo.task(tx, missed.taskId, true);
    if (!task) {
      context.log.warn({ taskId: missed.taskId, blockId: missed.blockId }, 'BlockMissed names a task productivity does not know: nothing to flag');
      return;
    }
    await repo.setMissed(tx, task.taskId, afterMissedBlock(task, missed.missedCount, missed.time.end));
  });
}

/** orbita/scheduling's steps that change a block and publish what changed, inside the caller's transaction (the outbox). */
import * as client from '../../../generated/clients/orbita/scheduling.js';
import type { BlockCancelled, BlockRescheduled, TimeRange } from '../../../generated/types/orbita.js';
import type { Transaction } from '../../../src/durable/index.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { nextMissedInARow, type Workday } from './domain.js';
import type { Block, NewBlock, SchedulingRepository } from './repository.js';

/** The run of misses a block counts in: its task's or habit's, else its own. */
const missTarget = (block: Block) => (block.taskId ? `task:${block.taskId}` : block.habitId ? `habit:${block.habitId}` : `block:${block.blockId}`);

export type Steps = ReturnType<typeof steps>;

export function steps(kit: ServiceKit<Config>, repo: SchedulingRepository) {
  // Every block event names the block as its subject: the aggregate the outbox numbers and consumers order by.
  const events = (tx: Transaction) => client.createSchedulingPublisher(kit.publisherIn(tx));
  const workday: Workday = { startHour: kit.config.WORKDAY_START_HOUR, endHour: Math.max(kit.config.WORKDAY_END_HOUR, kit.config.WORKDAY_START_HOUR + 1) };

  return {
    workday,

    async schedule(tx: Transaction, block: NewBlock): Promise<void> {
      await repo.insertBlock(tx, block);
      const { blockId, userId, kind, time, origin } = block;
      await events(tx).publishBlockScheduled(
        {
          blockId,
          userId,
          kind,
          ...(block.taskId !== undefined ? { taskId: block.taskId } : {}),
          ...(block.habitId !== undefined ? { habitId: block.habitId } : {}),
          ...(block.meetingSeriesId !== undefined ? { meetingSeriesId: block.meetingSeriesId } : {}),
          time,
          origin,
        },
        { subject: blockId },
      );
    },

    async reschedule(tx: Transaction, block: Block, time: TimeRange, reason: BlockRescheduled['reason']): Promise<void> {
      await repo.move(tx, block, time, reason);
      await events(tx).publishBlockRescheduled({ blockId: block.blockId, userId: block.userId, kind: block.kind, previousTime: block.time, time, reason }, { subject: block.blockId });
    },

    async cancel(tx: Transaction, block: Block, reason: BlockCancelled['reason']): Promise<void> {
      await repo.setStatus(tx, block, 'cancelled', 'BlockCancelled', { reason });
      await events(tx).publishBlockCancelled({ blockId: block.blockId, userId: block.userId, kind: block.kind, time: block.time, reason }, { subject: block.blockId });
    },

    /** The block's time passed unstarted: counted in its task's or habit's run of misses, published as BlockMissed. */
    async miss(tx: Transaction, block: Block): Promise<number> {
      const missedCount = await repo.addMiss(tx, missTarget(block), nextMissedInARow);
      await repo.setStatus(tx, block, 'missed', 'BlockMissed', { missedCount });
      await events(tx).publishBlockMissed(
        {
          blockId: block.blockId,
          userId: block.userId,
          kind: block.kind,
          ...(block.taskId !== undefined ? { taskId: block.taskId } : {}),
          ...(block.habitId !== undefined ? { habitId: block.habitId } : {}),
          time: block.time,
          missedCount,
        },
        { subject: block.blockId },
      );
      return missedCount;
    },

    /** The user started the block: it can no longer be missed, and its task's or habit's run of misses ends. */
    async start(tx: Transaction, block: Block): Promise<void> {
      await repo.setStatus(tx, block, 'started', undefined);
      await repo.resetMisses(tx, missTarget(block));
    },
  };
}

/** orbita/habits onBlockMissed: a missed slot of a habit puts its streak at risk, and a second in a row breaks it. */
import * as client from '../../../../generated/clients/orbita/habits.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { afterMissedSlot } from '../domain.js';
import type { HabitsRepository } from '../repository.js';

export function onBlockMissed(kit: ServiceKit<Config>, repo: HabitsRepository): client.HabitsHandlers['onBlockMissed'] {
  return kit.handle(client.habitsQueueReceive, async (delivery, context, tx) => {
    const missed = delivery.payload;
    // Blocks of other kinds are acknowledged and ignored (the contract says so).
    if (missed.kind !== 'habit' || missed.habitId === undefined) return;
    const habit = await repo.habit(tx, missed.habitId, true);
    if (!habit) {
      context.log.warn({ habitId: missed.habitId, blockId: missed.blockId }, 'BlockMissed names a habit this service does not track: nothing to update');
      return;
    }
    await repo.saveStreak(tx, habit.habitId, afterMissedSlot(habit, missed.missedCount));
  });
}

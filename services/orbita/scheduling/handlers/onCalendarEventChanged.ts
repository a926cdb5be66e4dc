/**
 * orbita/scheduling onCalendarEventChanged: the user's external calendar is busy time; blocks an
 * event now overlaps move to the next free working time (BlockRescheduled, calendar_conflict).
 */
import * as client from '../../../../generated/clients/orbita/scheduling.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import { toRange, toSpan } from '../../_shared/time.js';
import type { Config } from '../config.js';
import { conflicting, findSlot } from '../domain.js';
import type { SchedulingRepository } from '../repository.js';
import type { Steps } from '../steps.js';

export function onCalendarEventChanged(kit: ServiceKit<Config>, repo: SchedulingRepository, step: Steps): client.SchedulingHandlers['onCalendarEventChanged'] {
  return kit.handle(client.schedulingQueueReceive, async (delivery, context, tx) => {
    const change = delivery.payload;
    await repo.lockUser(tx, change.userId);
    const busyNow = change.change !== 'deleted' && change.busy && !change.allDay && change.time !== undefined ? change.time : undefined;
    await repo.setBusy(tx, change.calendarEventId, change.userId, busyNow);
    if (busyNow === undefined) return;
    const busySpan = toSpan(busyNow);
    for (const block of conflicting(await repo.blocks(tx, { userId: change.userId, status: 'scheduled' }), busySpan)) {
      const locked = (await repo.block(tx, block.blockId, true))!;
      const length = locked.span.end - locked.span.start;
      const slot = findSlot(length, Math.max(Date.now(), busySpan.end), await repo.busyOf(tx, change.userId, locked.blockId), step.workday);
      if (!slot) {
        context.log.warn({ blockId: locked.blockId, calendarEventId: change.calendarEventId }, 'no free time left for a block the calendar now overlaps: cancelled');
        await step.cancel(tx, locked, 'manual');
        continue;
      }
      await step.reschedule(tx, locked, toRange(slot), 'calendar_conflict');
    }
  });
}

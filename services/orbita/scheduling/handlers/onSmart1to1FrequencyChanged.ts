/**
 * orbita/scheduling onSmart1to1FrequencyChanged: a 1:1 series has one preparation block before
 * its next occurrence; a frequency change moves it (BlockRescheduled, meeting_frequency_changed)
 * or plans it (BlockScheduled). The series' changes must chain (each previousFrequency the
 * frequency before): a break means they were applied out of order, and is counted.
 */
import { randomUUID } from 'node:crypto';
import * as client from '../../../../generated/clients/orbita/scheduling.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import { sameRange, toRange } from '../../_shared/time.js';
import type { Config } from '../config.js';
import { prepSpan } from '../domain.js';
import type { SchedulingRepository } from '../repository.js';
import type { Steps } from '../steps.js';

export function onSmart1to1FrequencyChanged(kit: ServiceKit<Config>, repo: SchedulingRepository, step: Steps): client.SchedulingHandlers['onSmart1to1FrequencyChanged'] {
  return kit.handle(client.schedulingQueueReceive, async (delivery, context, tx) => {
    const change = delivery.payload;
    await repo.lockUser(tx, change.userId);
    const known = await repo.series(tx, change.seriesId, true);
    const chainBreak = known !== undefined && known.frequency !== change.previousFrequency;
    if (chainBreak) context.log.error({ seriesId: change.seriesId, known: known.frequency, previousFrequency: change.previousFrequency }, 'frequency change does not follow the last one applied');
    const time = toRange(prepSpan(change.frequency, Date.now(), kit.config.PREP_MINUTES, change.nextOccurrence));
    let prepBlockId = known?.prepBlockId;
    const prep = prepBlockId !== undefined ? await repo.block(tx, prepBlockId, true) : undefined;
    if (prep?.status === 'scheduled') {
      if (!sameRange(prep.time, time)) await step.reschedule(tx, prep, time, 'meeting_frequency_changed');
    } else {
      prepBlockId = randomUUID();
      await step.schedule(tx, { blockId: prepBlockId, userId: change.userId, kind: 'meeting_prep', meetingSeriesId: change.seriesId, time, origin: 'auto' });
    }
    await repo.saveSeries(tx, {
      seriesId: change.seriesId,
      userId: change.userId,
      frequency: change.frequency,
      durationMinutes: change.durationMinutes,
      prepBlockId,
      changes: (known?.changes ?? 0) + 1,
      chainBreaks: (known?.chainBreaks ?? 0) + (chainBreak ? 1 : 0),
      frequencies: [...(known?.frequencies ?? [change.previousFrequency]), change.frequency],
    });
  });
}

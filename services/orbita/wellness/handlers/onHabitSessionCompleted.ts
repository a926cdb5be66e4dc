/** orbita/wellness onHabitSessionCompleted: the session's minutes and mood go into the day's wellness record. */
import * as client from '../../../../generated/clients/orbita/wellness.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import { dayOf } from '../../_shared/time.js';
import type { Config } from '../config.js';
import { addSession } from '../domain.js';
import type { WellnessRepository } from '../repository.js';

export function onHabitSessionCompleted(kit: ServiceKit<Config>, repo: WellnessRepository): client.WellnessHandlers['onHabitSessionCompleted'] {
  return kit.handle(client.wellnessQueueReceive, async (delivery, _context, tx) => {
    const session = delivery.payload;
    const day = await repo.lockDay(tx, session.userId, dayOf(session.startedAt));
    await repo.saveDay(tx, session.userId, addSession(day, session));
  });
}

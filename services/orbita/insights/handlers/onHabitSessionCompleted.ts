/** orbita/insights onHabitSessionCompleted: habit consistency of the week the session was in. */
import * as client from '../../../../generated/clients/orbita/insights.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import { dayOf, weekOf } from '../../_shared/time.js';
import type { Config } from '../config.js';
import { addHabitSession } from '../domain.js';
import type { InsightsRepository } from '../repository.js';

export function onHabitSessionCompleted(kit: ServiceKit<Config>, repo: InsightsRepository): client.InsightsHandlers['onHabitSessionCompleted'] {
  return kit.handle(client.insightsQueueReceive, async (delivery, _context, tx) => {
    const session = delivery.payload;
    await repo.updateWeek(tx, session.userId, weekOf(session.startedAt), (w) => addHabitSession(w, dayOf(session.startedAt)));
  });
}

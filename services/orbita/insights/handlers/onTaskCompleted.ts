/** orbita/insights onTaskCompleted: estimate accuracy and on-time rate of the week the task was completed in. */
import * as client from '../../../../generated/clients/orbita/insights.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import { weekOf } from '../../_shared/time.js';
import type { Config } from '../config.js';
import { addTaskCompleted } from '../domain.js';
import type { InsightsRepository } from '../repository.js';

export function onTaskCompleted(kit: ServiceKit<Config>, repo: InsightsRepository): client.InsightsHandlers['onTaskCompleted'] {
  return kit.handle(client.insightsQueueReceive, async (delivery, _context, tx) => {
    // The event's time is when the task was completed.
    await repo.updateWeek(tx, delivery.payload.userId, weekOf(delivery.envelope.time), (w) => addTaskCompleted(w, delivery.payload));
  });
}

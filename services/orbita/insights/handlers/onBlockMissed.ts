/** orbita/insights onBlockMissed: a missed block counts against the week it was planned in. */
import * as client from '../../../../generated/clients/orbita/insights.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import { weekOf } from '../../_shared/time.js';
import type { Config } from '../config.js';
import { addBlockMissed } from '../domain.js';
import type { InsightsRepository } from '../repository.js';

export function onBlockMissed(kit: ServiceKit<Config>, repo: InsightsRepository): client.InsightsHandlers['onBlockMissed'] {
  return kit.handle(client.insightsQueueReceive, async (delivery, _context, tx) => {
    await repo.updateWeek(tx, delivery.payload.userId, weekOf(delivery.payload.time.start), addBlockMissed);
  });
}

/** orbita/scheduling's timers: blocks whose time passed without being started are missed (BlockMissed). */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { isMissed } from './domain.js';
import type { SchedulingRepository } from './repository.js';
import type { Steps } from './steps.js';

export function scheduleJobs(kit: ServiceKit<Config>, repo: SchedulingRepository, step: Steps): void {
  const { store, log, config } = kit;
  kit.every(config.MISSED_SWEEP_MS, 'missed-block sweep', async () => {
    let missed = 0;
    for (const id of await repo.overdue(store)) {
      await store.transaction(async (tx) => {
        const block = await repo.block(tx, id, true);
        if (block && isMissed(block, Date.now())) {
          await step.miss(tx, block);
          missed += 1;
        }
      });
    }
    if (missed > 0) log.info({ missed }, 'blocks missed');
  });
}

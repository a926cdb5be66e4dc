/** orbita/calendar onBlockScheduled: Add the block to the external calendar (the mirror entry, in the block's order). */
import type * as client from '../../../../generated/clients/orbita/calendar.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { mirrorHandler } from '../mirror.js';
import type { CalendarRepository } from '../repository.js';

export function onBlockScheduled(kit: ServiceKit<Config>, repo: CalendarRepository): client.CalendarHandlers['onBlockScheduled'] {
  return mirrorHandler(kit, repo, (b) => ({ type: 'BlockScheduled', time: b.time }));
}

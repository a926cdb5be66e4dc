/** orbita/calendar onBlockRescheduled: Move the block in the external calendar (the mirror entry, in the block's order). */
import type * as client from '../../../../generated/clients/orbita/calendar.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { mirrorHandler } from '../mirror.js';
import type { CalendarRepository } from '../repository.js';

export function onBlockRescheduled(kit: ServiceKit<Config>, repo: CalendarRepository): client.CalendarHandlers['onBlockRescheduled'] {
  return mirrorHandler(kit, repo, (b) => ({ type: 'BlockRescheduled', previousTime: b.previousTime, time: b.time }));
}

/** orbita/calendar onBlockCancelled: Remove the block from the external calendar (the mirror entry, in the block's order). */
import type * as client from '../../../../generated/clients/orbita/calendar.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { mirrorHandler } from '../mirror.js';
import type { CalendarRepository } from '../repository.js';

export function onBlockCancelled(kit: ServiceKit<Config>, repo: CalendarRepository): client.CalendarHandlers['onBlockCancelled'] {
  return mirrorHandler(kit, repo, (b) => ({ type: 'BlockCancelled', time: b.time }));
}

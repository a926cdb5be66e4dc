/**
 * orbita/calendar's message handlers (calendar.queue): orbita's blocks mirrored into the user's
 * external calendar, one block's events applied in order (ce-subject is the block id), each in
 * ./handlers/<operation>.ts.
 */
import type * as client from '../../../generated/clients/orbita/calendar.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onBlockCancelled } from './handlers/onBlockCancelled.js';
import { onBlockRescheduled } from './handlers/onBlockRescheduled.js';
import { onBlockScheduled } from './handlers/onBlockScheduled.js';
import type { CalendarRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: CalendarRepository): client.CalendarHandlers {
  return {
    onBlockCancelled: onBlockCancelled(kit, repo),
    onBlockRescheduled: onBlockRescheduled(kit, repo),
    onBlockScheduled: onBlockScheduled(kit, repo),
  };
}

/**
 * orbita/habits's message handlers: the generated HabitsHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * orbita/habits` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/orbita/habits.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onBlockMissed } from './handlers/onBlockMissed.js';
import type { HabitsRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: HabitsRepository): client.HabitsHandlers {
  return {
    onBlockMissed: onBlockMissed(kit, repo),
  };
}

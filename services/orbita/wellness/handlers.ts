/**
 * orbita/wellness's message handlers: the generated WellnessHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * orbita/wellness` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/orbita/wellness.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onHabitSessionCompleted } from './handlers/onHabitSessionCompleted.js';
import type { WellnessRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: WellnessRepository): client.WellnessHandlers {
  return {
    onHabitSessionCompleted: onHabitSessionCompleted(kit, repo),
  };
}

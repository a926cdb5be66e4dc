/**
 * orbita/insights's message handlers: the generated InsightsHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * orbita/insights` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/orbita/insights.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onBlockMissed } from './handlers/onBlockMissed.js';
import { onHabitSessionCompleted } from './handlers/onHabitSessionCompleted.js';
import { onTaskCompleted } from './handlers/onTaskCompleted.js';
import type { InsightsRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: InsightsRepository): client.InsightsHandlers {
  return {
    onBlockMissed: onBlockMissed(kit, repo),
    onHabitSessionCompleted: onHabitSessionCompleted(kit, repo),
    onTaskCompleted: onTaskCompleted(kit, repo),
  };
}

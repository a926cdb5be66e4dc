/**
 * orbita/scheduling's message handlers: the generated SchedulingHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * orbita/scheduling` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/orbita/scheduling.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onCalendarEventChanged } from './handlers/onCalendarEventChanged.js';
import { onSmart1to1FrequencyChanged } from './handlers/onSmart1to1FrequencyChanged.js';
import { onTaskCompleted } from './handlers/onTaskCompleted.js';
import { onTaskCreated } from './handlers/onTaskCreated.js';
import type { SchedulingRepository } from './repository.js';
import type { Steps } from './steps.js';

export function handlers(kit: ServiceKit<Config>, repo: SchedulingRepository, step: Steps): client.SchedulingHandlers {
  return {
    onCalendarEventChanged: onCalendarEventChanged(kit, repo, step),
    onSmart1to1FrequencyChanged: onSmart1to1FrequencyChanged(kit, repo, step),
    onTaskCompleted: onTaskCompleted(kit, repo, step),
    onTaskCreated: onTaskCreated(kit, repo, step),
  };
}

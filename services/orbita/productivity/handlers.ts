/**
 * orbita/productivity's message handlers: the generated ProductivityHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * orbita/productivity` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/orbita/productivity.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onBlockMissed } from './handlers/onBlockMissed.js';
import type { ProductivityRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: ProductivityRepository): client.ProductivityHandlers {
  return {
    onBlockMissed: onBlockMissed(kit, repo),
  };
}

/**
 * sales/pipeline's message handlers: the generated PipelineHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * sales/pipeline` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/sales/pipeline.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onEmailClassified } from './handlers/onEmailClassified.js';
import { onPurchaseOrderCreated } from './handlers/onPurchaseOrderCreated.js';
import { onQuoteCreated } from './handlers/onQuoteCreated.js';
import type { PipelineRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: PipelineRepository): client.PipelineHandlers {
  return {
    onEmailClassified: onEmailClassified(kit, repo),
    onPurchaseOrderCreated: onPurchaseOrderCreated(kit, repo),
    onQuoteCreated: onQuoteCreated(kit, repo),
  };
}

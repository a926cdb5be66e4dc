/**
 * sales/customer's message handlers: the generated CustomerHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * sales/customer` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/sales/customer.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onEmailClassifiedV2 } from './handlers/onEmailClassifiedV2.js';
import type { CustomerRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: CustomerRepository): client.CustomerHandlers {
  return {
    onEmailClassifiedV2: onEmailClassifiedV2(kit, repo),
  };
}

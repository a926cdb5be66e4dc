/**
 * saas/users's message handlers: the generated UsersHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * saas/users` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/saas/users.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onGetUserProfile } from './handlers/onGetUserProfile.js';
import type { UsersRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: UsersRepository): client.UsersHandlers {
  return {
    onGetUserProfile: onGetUserProfile(kit, repo),
  };
}

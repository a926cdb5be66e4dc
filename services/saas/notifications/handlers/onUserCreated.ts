/** saas/notifications onUserCreated: the welcome email to the new user. */
import * as client from '../../../../generated/clients/saas/notifications.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { welcome } from '../domain.js';
import { notify } from '../notify.js';
import type { NotificationsRepository } from '../repository.js';

export function onUserCreated(kit: ServiceKit<Config>, repo: NotificationsRepository): client.NotificationsHandlers['onUserCreated'] {
  return notify(kit, repo, client.notificationsSaasUserCreatedReceive, welcome);
}

/** saas/notifications onUserUpdated: a changed email is told to the previous address. */
import * as client from '../../../../generated/clients/saas/notifications.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { emailChanged } from '../domain.js';
import { notify } from '../notify.js';
import type { NotificationsRepository } from '../repository.js';

export function onUserUpdated(kit: ServiceKit<Config>, repo: NotificationsRepository): client.NotificationsHandlers['onUserUpdated'] {
  return notify(kit, repo, client.notificationsSaasUserUpdatedReceive, emailChanged);
}

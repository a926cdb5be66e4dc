/** saas/notifications onPaymentFailed: the dunning email to the billing contact. */
import * as client from '../../../../generated/clients/saas/notifications.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { paymentFailed } from '../domain.js';
import { notify } from '../notify.js';
import type { NotificationsRepository } from '../repository.js';

export function onPaymentFailed(kit: ServiceKit<Config>, repo: NotificationsRepository): client.NotificationsHandlers['onPaymentFailed'] {
  return notify(kit, repo, client.notificationsSaasPaymentFailedReceive, paymentFailed);
}

/** saas/notifications onPaymentSucceeded: the receipt to the billing contact. */
import * as client from '../../../../generated/clients/saas/notifications.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { paymentReceipt } from '../domain.js';
import { notify } from '../notify.js';
import type { NotificationsRepository } from '../repository.js';

export function onPaymentSucceeded(kit: ServiceKit<Config>, repo: NotificationsRepository): client.NotificationsHandlers['onPaymentSucceeded'] {
  return notify(kit, repo, client.notificationsSaasPaymentSucceededReceive, paymentReceipt);
}

/** saas/notifications onReportGenerated: tell the requester the report is ready. */
import * as client from '../../../../generated/clients/saas/notifications.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { reportReady } from '../domain.js';
import { notify } from '../notify.js';
import type { NotificationsRepository } from '../repository.js';

export function onReportGenerated(kit: ServiceKit<Config>, repo: NotificationsRepository): client.NotificationsHandlers['onReportGenerated'] {
  return notify(kit, repo, client.notificationsSaasReportGeneratedReceive, reportReady);
}

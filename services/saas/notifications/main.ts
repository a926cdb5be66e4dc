/** Process entry of saas/notifications: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { notifications } from './service.js';

await runService(notifications);

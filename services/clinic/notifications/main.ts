/** Process entry of clinic/notifications: configuration from the environment (see src/service-kit/config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { notifications } from './service.js';

await runService(notifications);

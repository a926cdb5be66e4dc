/** Process entry of sales/notification: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { notification } from './service.js';

await runService(notification);

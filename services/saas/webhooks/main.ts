/** Process entry of saas/webhooks: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { webhooks } from './service.js';

await runService(webhooks);

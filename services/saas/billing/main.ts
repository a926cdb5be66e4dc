/** Process entry of saas/billing: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { billing } from './service.js';

await runService(billing);

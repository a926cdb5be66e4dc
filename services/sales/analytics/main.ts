/** Process entry of sales/analytics: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { analytics } from './service.js';

await runService(analytics);

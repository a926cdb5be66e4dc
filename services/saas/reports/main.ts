/** Process entry of saas/reports: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { reports } from './service.js';

await runService(reports);

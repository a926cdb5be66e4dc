/** Process entry of sales/approval: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { approval } from './service.js';

await runService(approval);

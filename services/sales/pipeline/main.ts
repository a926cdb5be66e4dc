/** Process entry of sales/pipeline: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { pipeline } from './service.js';

await runService(pipeline);

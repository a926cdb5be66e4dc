/** Process entry of orbita/insights: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { insights } from './service.js';

await runService(insights);

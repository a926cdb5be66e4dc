/** Process entry of orbita/scheduling: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { scheduling } from './service.js';

await runService(scheduling);

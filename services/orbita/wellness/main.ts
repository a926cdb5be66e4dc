/** Process entry of orbita/wellness: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { wellness } from './service.js';

await runService(wellness);

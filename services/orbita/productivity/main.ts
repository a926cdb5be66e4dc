/** Process entry of orbita/productivity: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { productivity } from './service.js';

await runService(productivity);

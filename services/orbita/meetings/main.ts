/** Process entry of orbita/meetings: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { meetings } from './service.js';

await runService(meetings);

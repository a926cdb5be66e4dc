/** Process entry of sales/po: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { po } from './service.js';

await runService(po);

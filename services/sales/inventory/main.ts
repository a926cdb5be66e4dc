/** Process entry of sales/inventory: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { inventory } from './service.js';

await runService(inventory);

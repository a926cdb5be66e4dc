/** Process entry of shop/inventory: configuration from the environment (see src/service-kit/config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { inventory } from './service.js';

await runService(inventory);

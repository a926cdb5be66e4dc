/** Process entry of shop/checkout: configuration from the environment (see src/service-kit/config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { checkout } from './service.js';

await runService(checkout);

/** Process entry of shop/order: configuration from the environment (see src/service-kit/config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { order } from './service.js';

await runService(order);

/** Process entry of shop/payment: configuration from the environment (see src/service-kit/config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { payment } from './service.js';

await runService(payment);

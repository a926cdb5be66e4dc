/** Process entry of sales/customer: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { customer } from './service.js';

await runService(customer);
